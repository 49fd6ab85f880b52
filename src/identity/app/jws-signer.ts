import type { CryptoKey, JWK } from 'jose';
import { signCompact } from './compact-jws.js';
import type { PublicKeyEntry } from '../domain/did-document.js';

/** Signs arbitrary payloads as compact JWS with the node's active key (tree heads, cosignatures, receipts). */
export interface JwsSigner {
  /** alg EdDSA; the header carries `typ` and `kid`, the full verification method id (`<did>#<thumbprint>`). */
  sign(payload: object, typ: string): Promise<string>;
  /** The active key, or the key `kid` (full id or bare thumbprint); retired keys stay listed in the DID document. */
  publicKey(kid?: string): Promise<{ kid: string; publicKeyJwk: JWK }>;
}

export function createJwsSigner(deps: { did: string; activeKey: () => Promise<{ kid: string; privateKey: CryptoKey }>; keys: () => Promise<PublicKeyEntry[]> }): JwsSigner {
  const { did } = deps;
  // A key id names one key for good (a rotation adds a key, a retirement keeps it published), so a key found once
  // is kept: a tree head or receipt needs no database read for the key that signed it. Bounded by the node's keys.
  const known = new Map<string, JWK>();
  return {
    async sign(payload, typ) {
      const { kid, privateKey } = await deps.activeKey();
      return signCompact({ alg: 'EdDSA', typ, kid: `${did}#${kid}` }, JSON.stringify(payload), privateKey);
    },
    async publicKey(kid) {
      const wanted = kid === undefined ? (await deps.activeKey()).kid : kid.startsWith(`${did}#`) ? kid.slice(did.length + 1) : kid;
      let jwk = known.get(wanted);
      if (!jwk) {
        for (const k of await deps.keys()) known.set(k.kid, k.publicJwk);
        jwk = known.get(wanted);
      }
      if (!jwk) throw new Error(`${kid ?? wanted} is not a key of ${did}`);
      // Exactly as the DID document publishes it, so a holder can compare the two.
      return { kid: `${did}#${wanted}`, publicKeyJwk: jwk };
    },
  };
}
