/**
 * jsonb parameters are passed as JSON text: both pg and PGlite then cast them, whereas a JS array would be sent
 * as a PostgreSQL array.
 */
export const json = (value: unknown): string => JSON.stringify(value);
