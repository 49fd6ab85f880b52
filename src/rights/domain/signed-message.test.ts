import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { canonicalJson, canonicalPayload, decodeMessage, messageKind, verifyMessage, type DidDocumentLike } from '../../kernel/index.js';
import { EXCHANGE_REPORT_TYP, ERASURE_REQUEST_TYP, ExchangeReportPayload, ErasureRequestPayload } from './rights.messages.js';

const DID = 'did:web:tb.example';
const reportKind = messageKind<ExchangeReportPayload>(EXCHANGE_REPORT_TYP, ExchangeReportPayload);
const requestKind = messageKind<ErasureRequestPayload>(ERASURE_REQUEST_TYP, ErasureRequestPayload);
const report: ExchangeReportPayload = {
  type: 'dases:ExchangeReport',
  reporter: DID,
  intermediary: 'did:web:i.example',
  consentId: 'c-1',
  transferId: 't-1',
  role: 'provider',
  providerDid: DID,
  consumerDid: 'did:web:ag.example',
  datasetId: 'urn:uuid:d',
  state: 'COMPLETED',
  at: '2026-03-01T12:00:00.000Z',
  bytes: 10,
  sha256: 'ab'.repeat(32),
};

interface Key {
  kid: string;
  doc: DidDocumentLike;
  sign(payload: object, typ: string, kid?: string): Promise<string>;
}

async function key(did: string): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk: JWK = await exportJWK(publicKey);
  const kid = `${did}#${await calculateJwkThumbprint(jwk)}`;
  return {
    kid,
    doc: { id: did, verificationMethod: [{ id: kid, publicKeyJwk: jwk }] },
    sign: (payload, typ, k = kid) => new CompactSign(new TextEncoder().encode(JSON.stringify(canonicalPayload(payload)))).setProtectedHeader({ alg: 'EdDSA', typ, kid: k }).sign(privateKey),
  };
}

describe('signed messages of the rights context', () => {
  let tb: Key;
  let other: Key;
  before(async () => {
    tb = await key(DID);
    other = await key(DID);
  });

  it('verifies a message with its signer DID document and signs the canonical form', async () => {
    const jws = await tb.sign(report, EXCHANGE_REPORT_TYP);
    const v = verifyMessage(jws, reportKind, tb.doc);
    assert.ok(v.ok);
    assert.deepEqual([v.value.signerDid, v.value.payload], [DID, report]);
    assert.equal(Buffer.from(jws.split('.')[1]!, 'base64url').toString(), canonicalJson(report));
    const relative = { id: DID, verificationMethod: [{ id: `#${tb.kid.split('#')[1]}`, publicKeyJwk: tb.doc.verificationMethod![0]!.publicKeyJwk! }] };
    assert.ok(verifyMessage(jws, reportKind, relative).ok, 'relative verification method ids are understood');
  });

  it('refuses a tampered payload, another key under the same kid, an unknown kid and another DID document', async () => {
    const jws = await tb.sign(report, EXCHANGE_REPORT_TYP);
    const [h, , s] = jws.split('.');
    const forged = `${h}.${Buffer.from(canonicalJson({ ...report, bytes: 11 })).toString('base64url')}.${s}`;
    assert.deepEqual(verifyMessage(forged, reportKind, tb.doc), { ok: false, reason: 'the signature does not verify' });
    assert.deepEqual(verifyMessage(await other.sign(report, EXCHANGE_REPORT_TYP, tb.kid), reportKind, tb.doc), { ok: false, reason: 'the signature does not verify' });
    assert.deepEqual(verifyMessage(await other.sign(report, EXCHANGE_REPORT_TYP), reportKind, tb.doc), { ok: false, reason: `${other.kid} is not a verification method of ${DID}` });
    assert.deepEqual(verifyMessage(jws, reportKind, { ...tb.doc, id: 'did:web:ag.example' }), { ok: false, reason: `the DID document is that of did:web:ag.example, not ${DID}` });
  });

  it('refuses another kind, a malformed token and an invalid payload naming the field', async () => {
    const asRequest = decodeMessage(await tb.sign(report, EXCHANGE_REPORT_TYP), requestKind);
    assert.deepEqual(asRequest, { ok: false, reason: `typ must be ${ERASURE_REQUEST_TYP}` });
    assert.deepEqual(decodeMessage('a.b', reportKind), { ok: false, reason: 'not a compact JWS' });
    assert.deepEqual(decodeMessage('!!.!!.!!', reportKind), { ok: false, reason: 'not a compact JWS' });
    const bad = decodeMessage(await tb.sign({ ...report, state: 'PAUSED' }, EXCHANGE_REPORT_TYP), reportKind);
    assert.ok(!bad.ok && bad.reason.includes('/state'), JSON.stringify(bad));
    const extra = decodeMessage(await tb.sign({ ...report, name: 'Léa' }, EXCHANGE_REPORT_TYP), reportKind);
    assert.ok(!extra.ok, 'unknown fields are refused');
    const noKid = await new CompactSign(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'EdDSA', typ: EXCHANGE_REPORT_TYP }).sign((await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey);
    assert.deepEqual(decodeMessage(noKid, reportKind), { ok: false, reason: 'kid must be <did>#<key id>' });
  });
});
