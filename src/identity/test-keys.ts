import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { buildDidDocument, type DidDocument } from './domain/did-document.js';

/** Test helper: a did:web with a fresh Ed25519 key, its DID document and the private key. Not used by the node. */
export async function testKeyPair(did: string, publicUrl = 'http://127.0.0.1:1'): Promise<{ kid: string; privateKey: CryptoKey; doc: DidDocument }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, doc: buildDidDocument(did, publicUrl, [{ kid, publicJwk, retired: false }]) };
}
