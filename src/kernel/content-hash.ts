import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// The package is CommonJS whose typings declare an ES default export: under NodeNext the default import is the
// function itself at run time, while TypeScript sees the module object.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON of a JSON value. */
export const canonicalJson = (value: unknown): string => canonicalize(value) ?? 'null';

/**
 * SHA-256 (hex) of the canonical JSON of `value`, Dates as ISO strings: a fingerprint of a stored record that a
 * counterparty holding the same record (e.g. as the API returned it) can recompute and compare.
 */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(JSON.parse(JSON.stringify(value ?? null)) as unknown), 'utf8').digest('hex');
}
