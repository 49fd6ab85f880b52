import type { JWK } from 'jose';
import { signedStatement, type Checked } from '../../domain/signed-statement.js';

export type { Checked };

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

const isCosignature = (v: unknown): v is Cosignature => {
  const c = v as Partial<Cosignature> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.subject === 'string' && typeof c.witness === 'string' && Number.isSafeInteger(c.size) &&
    (c.size as number) >= 0 && typeof c.rootHash === 'string' && typeof c.timestamp === 'string'
  );
};

const statement = signedStatement({
  label: 'cosignature',
  typ: COSIGNATURE_TYP,
  isPayload: isCosignature,
  signer: (c) => c.witness,
  lacks: 'subject, size, rootHash, timestamp or witness',
});

/** Reads a cosignature without checking its signature (to pick the witness key that must verify it). */
export function decodeCosignature(jws: string): Checked<{ cosignature: Cosignature; kid: string }> {
  const c = statement.decode(jws);
  return c.ok ? { ok: true, value: { cosignature: c.value.payload, kid: c.value.kid } } : c;
}

/** Checks a cosignature's structure and Ed25519 signature with the witness key `key`. */
export async function verifyCosignature(jws: string, key: JWK): Promise<Checked<Cosignature>> {
  const c = await statement.verify(jws, key);
  return c.ok ? { ok: true, value: c.value.payload } : c;
}
