import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { messageValidator, canonicalPayload } from '../../kernel/index.js';
import { testKey, type TestKey } from '../testing/consent-kit.js';
import { applyEvent, CONSENT_SCHEMA_VERSION, ConsentRecord, newRecord } from './consent-record.js';
import { CONSENT_RECEIPT_TYP, receiptHash, verifyConsentReceipt, type ConsentReceiptPayload } from './consent-receipt.js';

const I = 'did:web:127.0.0.1%3A4003';
const TB = 'did:web:127.0.0.1%3A4001';
const AG = 'did:web:127.0.0.1%3A4002';
const notice = { id: 'urn:uuid:notice-1', version: 1, hash: `sha256:${'a'.repeat(64)}` };
const at = new Date('2026-05-01T10:00:00.000Z');
const validRecord = messageValidator(ConsentRecord);

const requested = () =>
  newRecord({ recordId: 'urn:uuid:c1', principalId: 'urn:uuid:p1', intermediaryDid: I, providerDid: TB, consumerDid: AG, datasetId: 'urn:uuid:ds', purpose: 'guidance', notice, piiCategories: ['training records'], withdrawalUrl: 'http://127.0.0.1:4003/me/', at });

describe('ISO/IEC TS 27560 consent record', () => {
  it('has the sections of the standard and validates against its schema', () => {
    const r = requested();
    assert.deepEqual(validRecord(r), []);
    assert.equal(r.schemaVersion, CONSENT_SCHEMA_VERSION);
    assert.deepEqual([r.recordId, r.piiPrincipalId, r.consentManager, r.state], ['urn:uuid:c1', 'urn:uuid:p1', I, 'requested']);
    assert.deepEqual(r.notice, notice);
    const p = r.purposes[0]!;
    assert.deepEqual([p.purpose, p.lawfulBasis, p.controllers, p.recipients, p.jurisdiction, p.piiCategories, p.withdrawalMethod], ['guidance', 'GDPR Art. 6(1)(a) consent', [TB], [AG], 'EU', ['training records'], 'http://127.0.0.1:4003/me/']);
    assert.deepEqual(r.parties.map((x) => x.role), ['pii-controller', 'recipient', 'consent-manager']);
    assert.deepEqual(r.events, [{ time: at.toISOString(), state: 'requested', action: 'request', method: 'consumer-request', actor: 'recipient', notice }]);
    assert.doesNotMatch(JSON.stringify(r), /tb-123|ag-9|login/, 'no personal identifier in the record');
  });

  it('appends events with time, method, actor and validity; the schema refuses unknown fields', () => {
    const until = new Date('2027-05-01T10:00:00.000Z');
    const g = applyEvent(requested(), { action: 'grant', state: 'granted', reconfirmationRequired: false, at, validUntil: until, notice });
    assert.deepEqual(validRecord(g.record), []);
    assert.equal(g.record.validUntil, until.toISOString());
    assert.deepEqual(g.event, { time: at.toISOString(), state: 'granted', action: 'grant', method: 'explicit-dashboard', actor: 'pii-principal', validUntil: until.toISOString(), notice });
    const w = applyEvent(g.record, { action: 'withdraw', state: 'withdrawn', reconfirmationRequired: false, at: new Date('2026-06-01T00:00:00.000Z') });
    assert.equal(w.record.validUntil, undefined, 'a withdrawn consent is valid no longer');
    assert.deepEqual(w.record.events.map((e) => e.state), ['requested', 'granted', 'withdrawn']);
    const e = applyEvent(g.record, { action: 'expire', state: 'expired', reconfirmationRequired: false, at: until });
    assert.deepEqual([e.event.method, e.event.actor, e.record.validUntil], ['automatic-expiry', 'consent-manager', until.toISOString()]);
    assert.deepEqual(validRecord({ ...g.record, email: 'lea@example.org' }).map((x) => x.message), ['must NOT have additional properties']);
  });
});

describe('consent receipts', () => {
  let key: TestKey;
  let other: TestKey;
  before(async () => {
    key = await testKey(I);
    other = await testKey(I);
  });

  const sign = async (over: Partial<ConsentReceiptPayload> = {}, typ = CONSENT_RECEIPT_TYP, k: TestKey = key) => {
    const g = applyEvent(requested(), { action: 'grant', state: 'granted', reconfirmationRequired: false, at, validUntil: new Date('2027-01-01T00:00:00.000Z'), notice });
    const payload: ConsentReceiptPayload = { type: 'dases:ConsentReceipt', consentId: 'urn:uuid:c1', seq: 1, record: g.record, event: g.event, previous: null, signer: { did: I, kid: k.kid, publicKeyJwk: k.publicKeyJwk as ConsentReceiptPayload['signer']['publicKeyJwk'] }, ...over };
    return k.sign(canonicalPayload(payload), typ);
  };

  it('verifies offline with the DID document (key bound) and alone (self-asserted)', async () => {
    const jws = await sign();
    const bound = verifyConsentReceipt(jws, key.didDocument);
    assert.ok(bound.ok, bound.ok ? '' : bound.reason);
    if (bound.ok) {
      assert.equal(bound.value.keyBinding, 'did-document');
      assert.equal(bound.value.receipt.record.state, 'granted');
    }
    const alone = verifyConsentReceipt(jws);
    assert.ok(alone.ok && alone.value.keyBinding === 'self-asserted');
    assert.match(receiptHash(jws), /^sha256:[0-9a-f]{64}$/);
  });

  it('fails when tampered, signed by another key, of another type, or when record and event disagree', async () => {
    const jws = await sign();
    const [h, p, s] = jws.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as ConsentReceiptPayload;
    payload.record.purposes[0]!.recipients = ['did:web:evil.example'];
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    assert.deepEqual(verifyConsentReceipt(tampered, key.didDocument), { ok: false, reason: 'the signature does not verify' });
    assert.deepEqual(verifyConsentReceipt(tampered), { ok: false, reason: 'the signature does not verify' });
    // A key of someone else claiming the intermediary's DID: the DID document does not list it.
    const forged = await sign({ signer: { did: I, kid: other.kid, publicKeyJwk: other.publicKeyJwk as ConsentReceiptPayload['signer']['publicKeyJwk'] } }, CONSENT_RECEIPT_TYP, other);
    const r = verifyConsentReceipt(forged, key.didDocument);
    assert.ok(!r.ok && /is not a verification method/.test(r.reason));
    assert.deepEqual(verifyConsentReceipt(await sign({}, 'dases-receipt+jwt')), { ok: false, reason: `typ must be ${CONSENT_RECEIPT_TYP}` });
    const g = applyEvent(requested(), { action: 'refuse', state: 'refused', reconfirmationRequired: false, at });
    const mismatch = await sign({ event: g.event });
    assert.deepEqual(verifyConsentReceipt(mismatch, key.didDocument), { ok: false, reason: 'the event is not the last change of the record' });
    assert.deepEqual(verifyConsentReceipt('a.b'), { ok: false, reason: 'not a compact JWS' });
    const wrongDoc = verifyConsentReceipt(jws, { ...key.didDocument, id: TB });
    assert.ok(!wrongDoc.ok && /the DID document is that of/.test(wrongDoc.reason));
  });
});
