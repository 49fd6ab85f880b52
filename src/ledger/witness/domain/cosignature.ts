import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/** The JWS `typ` of a witness cosignature. */
export const COSIGNATURE_TYP = 'dases-cosignature+jwt';

/** What a witness signs: it checked `subject`'s head of `size` and `rootHash` signed at `timestamp`. */
export interface Cosignature {
  /** The DID of the log's node. */
  subject: string;
  size: number;
  rootHash: string;
  timestamp: string;
  /** The DID of the witness. */
  witness: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const isCosignature = (v: unknown): v is Cosignature => {
  const c = v as Partial<Cosignature> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.subject === 'string' && typeof c.witness === 'string' && Number.isSafeInteger(c.size) &&
    (c.size as number) >= 0 && typeof c.rootHash === 'string' && typeof c.timestamp === 'string'
  );
};

/** Reads a cosignature without checking its signature (to pick the witness key that must verify it). */
export function decodeCosignature(jws: string): Checked<{ cosignature: Cosignature; kid: string }> {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA') return { ok: false, reason: 'cosignature: alg must be EdDSA' };
    if (header.typ !== COSIGNATURE_TYP) return { ok: false, reason: `cosignature: typ must be ${COSIGNATURE_TYP}` };
    if (typeof header.kid !== 'string') return { ok: false, reason: 'cosignature: kid is missing' };
    const payload: unknown = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isCosignature(payload)) return { ok: false, reason: 'cosignature: payload lacks subject, size, rootHash, timestamp or witness' };
    if (!header.kid.startsWith(`${payload.witness}#`)) return { ok: false, reason: `cosignature: key ${header.kid} is not a key of ${payload.witness}` };
    return { ok: true, value: { cosignature: payload, kid: header.kid } };
  } catch {
    return { ok: false, reason: 'cosignature: not a compact JWS' };
  }
}

/** Checks a cosignature's structure and Ed25519 signature with the witness key `key`. */
export async function verifyCosignature(jws: string, key: JWK): Promise<Checked<Cosignature>> {
  const decoded = decodeCosignature(jws);
  if (!decoded.ok) return decoded;
  try {
    const { payload } = await compactVerify(jws, await importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA'), { algorithms: ['EdDSA'] });
    const c: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    return isCosignature(c) ? { ok: true, value: c } : { ok: false, reason: 'cosignature: payload lacks subject, size, rootHash, timestamp or witness' };
  } catch {
    return { ok: false, reason: 'cosignature: signature does not verify' };
  }
}
