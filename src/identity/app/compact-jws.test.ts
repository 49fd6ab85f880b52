import assert from 'node:assert/strict';
import { KeyObject } from 'node:crypto';
import { it } from 'node:test';
import { CompactSign, compactVerify, decodeProtectedHeader, generateKeyPair } from 'jose';
import { signCompact } from './compact-jws.js';

it('makes the same compact JWS as jose (Ed25519 is deterministic), which jose verifies', async () => {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const header = { alg: 'EdDSA' as const, typ: 'dases-test+jwt', kid: 'did:web:a.example#k1' };
  const payload = JSON.stringify({ n: 1, text: 'é ✓' });
  const ours = signCompact(header, payload, privateKey);
  assert.equal(ours, await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader(header).sign(privateKey));
  assert.equal(signCompact(header, payload, KeyObject.from(privateKey)), ours);
  const { payload: bytes } = await compactVerify(ours, publicKey, { algorithms: ['EdDSA'] });
  assert.equal(new TextDecoder().decode(bytes), payload);
  assert.deepEqual(decodeProtectedHeader(ours), header);
});

it('refuses a key that is not an Ed25519 private key', async () => {
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  assert.throws(() => signCompact({ alg: 'EdDSA' }, 'x', publicKey), TypeError);
});
