import type { JWK } from 'jose';

/** Signs tree heads with the node's key (implemented by identity.signer). */
export interface LedgerSigner {
  /** A compact JWS (alg EdDSA) whose header carries `typ` and `kid`, the full verification method id. */
  sign(payload: object, typ: string): Promise<string>;
  /** The active key, or the key `kid` (retired keys stay published, so old heads keep verifying). */
  publicKey(kid?: string): Promise<{ kid: string; publicKeyJwk: JWK }>;
}
