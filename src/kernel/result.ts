/** A use case's outcome: a value, or a domain error that the HTTP layer maps to problem+json. */
export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

import type { AppError } from './errors.js';
