import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { LedgerSigner } from '../app/signer.js';

/** Test helper: a real Ed25519 signer for a DID, shaped like identity.signer. Not used by the node. */
export async function testSigner(did: string): Promise<LedgerSigner & { didDocument: { id: string; verificationMethod: Array<{ id: string; publicKeyJwk: object }> } }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicKeyJwk = await exportJWK(publicKey);
  const kid = `${did}#${await calculateJwkThumbprint(publicKeyJwk)}`;
  return {
    sign: (payload, typ) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey),
    async publicKey(k) {
      if (k !== undefined && k !== kid) throw new Error(`unknown key ${k}`);
      return { kid, publicKeyJwk };
    },
    didDocument: { id: did, verificationMethod: [{ id: kid, publicKeyJwk }] },
  };
}
