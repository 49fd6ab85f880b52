import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import type { FieldError } from '../../kernel/index.js';
import { canonicalJson } from '../domain/statement.prepare.js';
import { isObject, type Json } from '../domain/xapi-primitives.js';

/**
 * Signed statements (xAPI 1.0.3 Data §2.6; IEEE 9274.1.1 §9.8): the signature attachment is a compact JWS whose
 * payload is the statement as signed, with RS256/384/512. When the header carries an X.509 chain (`x5c`) the
 * signature is verified with its first certificate; in every case the payload must be the same statement.
 * Returns the errors (empty: accepted), each naming `path` (the attachment of the signature).
 */
const ALGS = ['RS256', 'RS384', 'RS512'];

export async function verifySignedStatement(statement: Json, jws: string, path: string): Promise<FieldError[]> {
  const fail = (message: string): FieldError[] => [{ path, message }];
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return fail('the signature is not a compact JWS');
  }
  if (!header.alg || !ALGS.includes(header.alg)) return fail('the JWS algorithm must be RS256, RS384 or RS512');
  let payloadBytes: Uint8Array;
  const x5c = header.x5c?.[0];
  try {
    if (x5c) {
      const key = await importX509(`-----BEGIN CERTIFICATE-----\n${x5c}\n-----END CERTIFICATE-----`, header.alg);
      payloadBytes = (await compactVerify(jws, key)).payload;
    } else {
      const parts = jws.split('.');
      if (parts.length !== 3 || !parts[1]) return fail('the signature is not a compact JWS');
      payloadBytes = Buffer.from(parts[1], 'base64url');
    }
  } catch {
    return fail('the JWS signature does not verify with the certificate in its x5c header');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadBytes).toString('utf8'));
  } catch {
    return fail('the JWS payload is not JSON');
  }
  if (!isObject(payload) || comparable(payload, statement) !== comparable(statement, statement)) return fail('the JWS payload is not the statement it signs');
  return [];
}

/** Statement comparison for signatures: what the LRS adds or the signature itself changes is left out. */
function comparable(s: Json, original: Json): string {
  const c = structuredClone(s);
  for (const k of ['stored', 'authority', 'version', 'attachments']) delete c[k];
  if (c.id === undefined && typeof original.id === 'string') c.id = original.id;
  if (typeof c.id === 'string') c.id = c.id.toLowerCase();
  return canonicalJson(c);
}
