import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * A small signed statement of the log (tree head, witness cosignature): a compact EdDSA JWS with a fixed `typ`,
 * a payload of a known shape, and a `kid` that must be a key of the DID the payload names as its signer.
 */
export function signedStatement<T>(spec: { label: string; typ: string; isPayload: (v: unknown) => v is T; signer: (p: T) => string; lacks: string }) {
  const fail = (why: string): { ok: false; reason: string } => ({ ok: false, reason: `${spec.label}: ${why}` });

  /** Reads the statement without checking its signature (to pick the key that must verify it). */
  function decode(jws: string): Checked<{ payload: T; kid: string }> {
    try {
      const header = decodeProtectedHeader(jws);
      if (header.alg !== 'EdDSA') return fail('alg must be EdDSA');
      if (header.typ !== spec.typ) return fail(`typ must be ${spec.typ}`);
      if (typeof header.kid !== 'string') return fail('kid is missing');
      const payload: unknown = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
      if (!spec.isPayload(payload)) return fail(`payload lacks ${spec.lacks}`);
      const signer = spec.signer(payload);
      if (!header.kid.startsWith(`${signer}#`)) return fail(`key ${header.kid} is not a key of ${signer}`);
      return { ok: true, value: { payload, kid: header.kid } };
    } catch {
      return fail('not a compact JWS');
    }
  }

  /** Checks structure and the Ed25519 signature with `key`; returns the payload read from the verified bytes. */
  async function verify(jws: string, key: JWK): Promise<Checked<{ payload: T; kid: string }>> {
    const decoded = decode(jws);
    if (!decoded.ok) return decoded;
    try {
      const { payload } = await compactVerify(jws, await importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA'), { algorithms: ['EdDSA'] });
      // The verified bytes are what counts: re-read them rather than trust the unverified decode.
      const p: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
      return spec.isPayload(p) ? { ok: true, value: { payload: p, kid: decoded.value.kid } } : fail(`payload lacks ${spec.lacks}`);
    } catch {
      return fail('signature does not verify');
    }
  }

  return { decode, verify };
}
