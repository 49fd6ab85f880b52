import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { decodeReceiptJws, documentHash, isReceiptDocument, receiptDocument, RECEIPT_TYP, signedBytes, verifyReceiptJws, type ExchangeFacts } from './receipt-document.js';

const P = 'did:web:provider.example';
const C = 'did:web:consumer.example';
const facts: ExchangeFacts = {
  transferId: 'urn:uuid:p-1',
  consumerPid: 'urn:uuid:c-1',
  agreementId: 'urn:uuid:ag-1',
  datasetId: 'urn:uuid:ds-1',
  providerDid: P,
  consumerDid: C,
  bytes: 1024,
  sha256: 'AB'.repeat(32),
  startedAt: new Date('2026-03-01T10:00:00Z'),
  endedAt: new Date('2026-03-01T10:00:02Z'),
};

async function party(did: string) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `${did}#key-1`;
  const sign = (payload: object, typ = RECEIPT_TYP, signerKid = kid) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, kid: signerKid }).sign(privateKey);
  return { kid, jwk: await exportJWK(publicKey), sign };
}

describe('exchange receipt document', () => {
  it('holds exactly the facts, lower-case hash, ISO instants', () => {
    const doc = receiptDocument(facts);
    assert.deepEqual(doc, {
      type: 'dases:ExchangeReceipt', agreementId: 'urn:uuid:ag-1', providerPid: 'urn:uuid:p-1', consumerPid: 'urn:uuid:c-1', datasetId: 'urn:uuid:ds-1',
      provider: P, consumer: C, bytes: 1024, sha256: 'ab'.repeat(32), startedAt: '2026-03-01T10:00:00.000Z', endedAt: '2026-03-01T10:00:02.000Z',
    });
    assert.equal(isReceiptDocument(doc), true);
    assert.equal(isReceiptDocument({ ...doc, extra: 1 }), false, 'nothing beyond the facts');
    assert.equal(isReceiptDocument({ ...doc, bytes: -1 }), false);
    assert.equal(isReceiptDocument({ ...doc, startedAt: '2026-03-01' }), false);
  });

  it('hashes the canonical JSON: key order does not matter, any fact does', () => {
    const doc = receiptDocument(facts);
    const reordered = Object.fromEntries(Object.entries(doc).reverse()) as typeof doc;
    assert.equal(documentHash(reordered), documentHash(doc));
    assert.match(documentHash(doc), /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(documentHash({ ...doc, bytes: 1025 }), documentHash(doc));
    assert.equal(JSON.stringify(signedBytes(reordered)), JSON.stringify(signedBytes(doc)), 'both parties sign the same bytes');
  });

  it('verifies a party signature and refuses tampering, other signers, other documents, other typ', async () => {
    const doc = receiptDocument(facts);
    const provider = await party(P);
    const stranger = await party('did:web:stranger.example');
    const jws = await provider.sign(signedBytes(doc));
    const decoded = decodeReceiptJws(jws);
    assert.ok(decoded.ok);
    assert.deepEqual([decoded.value.signer, decoded.value.kid], [P, provider.kid]);
    assert.deepEqual(await verifyReceiptJws(jws, provider.jwk, { signer: P, document: doc }), { ok: true, value: doc });

    const [h, , s] = jws.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...doc, bytes: 2048 })).toString('base64url')}.${s}`;
    assert.deepEqual(await verifyReceiptJws(tampered, provider.jwk, { signer: P }), { ok: false, reason: 'the signature does not verify' });
    assert.deepEqual(await verifyReceiptJws(jws, stranger.jwk, { signer: P }), { ok: false, reason: 'the signature does not verify' });
    assert.deepEqual(await verifyReceiptJws(jws, provider.jwk, { signer: C }), { ok: false, reason: `signed by ${P}, not ${C}` });
    assert.deepEqual(await verifyReceiptJws(jws, provider.jwk, { signer: P, document: { ...doc, bytes: 1 } }), { ok: false, reason: 'it is about other facts than this exchange' });
    const outsider = await stranger.sign(signedBytes(doc));
    assert.deepEqual(await verifyReceiptJws(outsider, stranger.jwk, { signer: 'did:web:stranger.example' }), { ok: false, reason: 'did:web:stranger.example is not a party of the exchange' });
    assert.deepEqual(decodeReceiptJws(await provider.sign(signedBytes(doc), 'JWT')), { ok: false, reason: `typ must be ${RECEIPT_TYP}` });
    assert.deepEqual(decodeReceiptJws(await provider.sign({ ...doc, bytes: 'many' })), { ok: false, reason: 'the payload is not an exchange receipt' });
    assert.deepEqual(decodeReceiptJws('not-a-jws'), { ok: false, reason: 'not a compact JWS' });
  });
});
