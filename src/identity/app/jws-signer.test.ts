import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { PublicKeyEntry } from '../domain/did-document.js';
import { createJwsSigner } from './jws-signer.js';

const DID = 'did:web:node.example';

it('finds a public key once and then answers from memory; a key added by a rotation is found on its first use', async () => {
  const key = async (kid: string) => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    return { kid, publicJwk: (await exportJWK(publicKey)) as JWK, privateKey: privateKey as CryptoKey };
  };
  const first = await key('k1');
  const second = await key('k2');
  const published: PublicKeyEntry[] = [{ kid: first.kid, publicJwk: first.publicJwk, retired: false }];
  let active = first;
  let reads = 0;
  const signer = createJwsSigner({
    did: DID,
    activeKey: async () => ({ kid: active.kid, privateKey: active.privateKey }),
    keys: async () => (reads++, published),
  });

  assert.deepEqual(await signer.publicKey(), { kid: `${DID}#k1`, publicKeyJwk: first.publicJwk });
  assert.deepEqual(await signer.publicKey(`${DID}#k1`), { kid: `${DID}#k1`, publicKeyJwk: first.publicJwk });
  assert.deepEqual(await signer.publicKey('k1'), { kid: `${DID}#k1`, publicKeyJwk: first.publicJwk });
  assert.equal(reads, 1, 'one read for the key, however it is named');

  // A rotation: the old key is retired but stays published, the new one is active.
  published[0] = { ...published[0]!, retired: true };
  published.push({ kid: second.kid, publicJwk: second.publicJwk, retired: false });
  active = second;
  assert.deepEqual(await signer.publicKey(), { kid: `${DID}#k2`, publicKeyJwk: second.publicJwk });
  assert.deepEqual(await signer.publicKey('k1'), { kid: `${DID}#k1`, publicKeyJwk: first.publicJwk }, 'a retired key still answers');
  assert.equal(reads, 2);

  // A key the node never had is looked for every time, and refused.
  await assert.rejects(signer.publicKey(`${DID}#nope`), /is not a key of/);
  await assert.rejects(signer.publicKey('nope'), /is not a key of/);
  assert.equal(reads, 4);
});
