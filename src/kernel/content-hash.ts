import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * SHA-256 (hex) of the RFC 8785 (JCS) canonical JSON of `value`, Dates as ISO strings: a fingerprint of a stored
 * record that a counterparty holding the same record (e.g. as the API returned it) can recompute and compare.
 */
export function contentHash(value: unknown): string {
  const text = canonicalize(JSON.parse(JSON.stringify(value ?? null)) as unknown);
  return createHash('sha256').update(text ?? 'null', 'utf8').digest('hex');
}
