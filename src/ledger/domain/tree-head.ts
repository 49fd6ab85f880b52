import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/** The JWS `typ` of a signed tree head. */
export const TREE_HEAD_TYP = 'dases-sth+jwt';

/** The payload of a signed tree head (RFC 9162 §4.10's size, root and timestamp, signed as a JWS). */
export interface TreeHead {
  /** The DID of the log's node. */
  iss: string;
  size: number;
  /** Base64 (standard alphabet) of the 32-byte root hash. */
  rootHash: string;
  /** ISO 8601; never earlier than the previous head's. */
  timestamp: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const isTreeHead = (v: unknown): v is TreeHead => {
  const h = v as Partial<TreeHead> | null;
  return (
    typeof h === 'object' && h !== null && typeof h.iss === 'string' && Number.isSafeInteger(h.size) && (h.size as number) >= 0 &&
    typeof h.rootHash === 'string' && Buffer.from(h.rootHash, 'base64').length === 32 && typeof h.timestamp === 'string' && !Number.isNaN(Date.parse(h.timestamp))
  );
};

/** Reads a tree head without checking its signature (to pick the key that must verify it). */
export function decodeTreeHead(jws: string): Checked<{ head: TreeHead; kid: string }> {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA') return { ok: false, reason: 'tree head: alg must be EdDSA' };
    if (header.typ !== TREE_HEAD_TYP) return { ok: false, reason: `tree head: typ must be ${TREE_HEAD_TYP}` };
    if (typeof header.kid !== 'string') return { ok: false, reason: 'tree head: kid is missing' };
    const payload: unknown = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isTreeHead(payload)) return { ok: false, reason: 'tree head: payload lacks iss, size, rootHash or timestamp' };
    if (!header.kid.startsWith(`${payload.iss}#`)) return { ok: false, reason: `tree head: key ${header.kid} is not a key of ${payload.iss}` };
    return { ok: true, value: { head: payload, kid: header.kid } };
  } catch {
    return { ok: false, reason: 'tree head: not a compact JWS' };
  }
}

/** Checks a signed tree head's structure and its Ed25519 signature with `key`; returns the signed head. */
export async function verifyTreeHeadJws(jws: string, key: JWK): Promise<Checked<{ head: TreeHead; kid: string }>> {
  const decoded = decodeTreeHead(jws);
  if (!decoded.ok) return decoded;
  try {
    const k = await importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA');
    const { payload } = await compactVerify(jws, k, { algorithms: ['EdDSA'] });
    // The verified bytes are what counts: re-read them rather than trust the unverified decode.
    const head: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    if (!isTreeHead(head)) return { ok: false, reason: 'tree head: payload lacks iss, size, rootHash or timestamp' };
    return { ok: true, value: { head, kid: decoded.value.kid } };
  } catch {
    return { ok: false, reason: 'tree head: signature does not verify' };
  }
}
