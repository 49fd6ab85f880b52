import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { AppError, ManualClock, canonicalPayload } from '../kernel/index.js';
import { applyEvent, CONSENT_RECEIPT_TYP, CONSENT_TOKEN_TYP, newRecord, type ConsentAction, type ConsentRecord, type ConsentReceiptPayload, type ConsentState } from './index.js';
import { receiptHash } from './domain/consent-receipt.js';
import { startHarness, type ConsentHarness } from './testing/consent-harness.js';
import { testKey, type TestKey } from './testing/consent-kit.js';

const I = 'did:web:127.0.0.1%3A4003';
const TB = 'did:web:127.0.0.1%3A4001';
const AG = 'did:web:127.0.0.1%3A4002';
const MALLORY = 'did:web:127.0.0.1%3A4666';
const DS = 'urn:uuid:dataset-training-records';
const notice = { id: 'urn:uuid:notice-1', version: 1, hash: `sha256:${'b'.repeat(64)}` };

forEachEngine('consent at a party: notices and the enforcement point', (engine) => {
  const clock = new ManualClock(new Date('2026-05-01T10:00:00.000Z'));
  let tb: ConsentHarness;
  let iKey: TestKey;
  let malloryKey: TestKey;
  const stopped: string[] = [];
  /** The intermediary's chain of receipts per consent (what its lifecycle would sign). */
  const chains = new Map<string, { record: ConsentRecord; seq: number; previous: string | null }>();

  async function notify(consentId: string, action: ConsentAction, state: ConsentState, opts: { key?: TestKey; from?: string; provider?: string; until?: string; reconfirmationRequired?: boolean } = {}) {
    const chain = chains.get(consentId) ?? {
      record: newRecord({ recordId: consentId, principalId: `urn:uuid:p-${consentId}`, intermediaryDid: I, providerDid: opts.provider ?? TB, consumerDid: AG, datasetId: DS, purpose: 'guidance', notice, piiCategories: [], withdrawalUrl: 'http://127.0.0.1:4003/me/', at: clock.now() }),
      seq: 0,
      previous: null,
    };
    const until = new Date(opts.until ?? '2026-06-01T10:00:00.000Z');
    const { record, event } = applyEvent(chain.record, { action, state, reconfirmationRequired: opts.reconfirmationRequired ?? false, at: clock.now(), validUntil: state === 'granted' ? until : undefined, notice });
    const key = opts.key ?? iKey;
    const payload: ConsentReceiptPayload = { type: 'dases:ConsentReceipt', consentId, seq: chain.seq + 1, record, event, previous: chain.previous, signer: { did: I, kid: key.kid, publicKeyJwk: key.publicKeyJwk as ConsentReceiptPayload['signer']['publicKeyJwk'] } };
    const jws = await key.sign(canonicalPayload(payload), CONSENT_RECEIPT_TYP);
    const res = await tb.app.inject({ method: 'POST', url: '/dsp/consents/notices', headers: { authorization: `Bearer ${tb.nodeToken(opts.from ?? I)}` }, payload: { receipt: jws } });
    if (res.statusCode === 200) chains.set(consentId, { record, seq: chain.seq + 1, previous: receiptHash(jws) });
    return { status: res.statusCode, body: res.json() as { code?: string; status?: string; errors?: Array<{ path: string }> } };
  }

  const token = (over: Record<string, unknown> = {}, key: TestKey = iKey) => {
    const now = Math.floor(clock.now().getTime() / 1000);
    return key.sign({ iss: I, aud: TB, azp: AG, sub: 'tb-123', cid: 'urn:uuid:c1', dataset: DS, purpose: 'guidance', iat: now, exp: now + 300, jti: `j-${Math.random()}`, ...over }, CONSENT_TOKEN_TYP);
  };
  const expect = { consumerDid: AG, datasetId: DS, purpose: 'guidance' };
  const refused = async (t: string, code: string, e: { consumerDid: string; datasetId: string; purpose?: string } = expect) => {
    await assert.rejects(tb.consent.check(t, e), (x: unknown) => x instanceof AppError && x.code === code && x.status === 403 && x.errors?.[0]?.path === '/consentToken');
  };

  before(async () => {
    iKey = await testKey(I);
    malloryKey = await testKey(I);
    const docs = new Map([[I, iKey.didDocument]]);
    tb = await startHarness({ engine, clock, did: TB, intermediary: false, parties: [I, AG], resolver: { resolve: async (did) => docs.get(did) ?? { id: did, verificationMethod: [] } }, statusCacheMs: 0 });
    tb.consent.onStopped((id) => stopped.push(id));
  });
  after(() => tb?.close());

  it('a granted consent passes the check and returns the subject and expiry', async () => {
    const r = await notify('urn:uuid:c1', 'grant', 'granted');
    assert.deepEqual([r.status, r.body.status], [200, 'granted'], JSON.stringify(r.body));
    const ok = await tb.consent.check(await token(), expect);
    assert.deepEqual(ok, { consentId: 'urn:uuid:c1', subjectId: 'tb-123', expiresAt: new Date('2026-06-01T10:00:00.000Z'), intermediaryDid: I });
    assert.equal(await tb.consent.statusOf('urn:uuid:c1'), 'granted');
    assert.equal(await tb.consent.check(await token(), { consumerDid: AG, datasetId: DS }).then((c) => c.consentId), 'urn:uuid:c1', 'purpose is optional');
  });

  it('refuses the wrong consumer, dataset or purpose, forged, expired, misaddressed and unknown tokens', async () => {
    await refused(await token(), 'DS_CONSENT_WRONG_CONSUMER', { ...expect, consumerDid: MALLORY });
    await refused(await token(), 'DS_CONSENT_WRONG_DATASET', { ...expect, datasetId: 'urn:uuid:other' });
    await refused(await token(), 'DS_CONSENT_WRONG_PURPOSE', { ...expect, purpose: 'marketing' });
    // The token names the caller and dataset, but the consent (as the intermediary notified it) covers others.
    await refused(await token({ azp: MALLORY }), 'DS_CONSENT_WRONG_CONSUMER', { ...expect, consumerDid: MALLORY });
    await refused(await token({}, malloryKey), 'DS_CONSENT_TOKEN_INVALID');
    const t = await token();
    const [h, p] = t.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    await refused(`${h}.${Buffer.from(JSON.stringify({ ...claims, exp: 9_999_999_999 })).toString('base64url')}.${t.split('.')[2]}`, 'DS_CONSENT_TOKEN_INVALID');
    await refused(await token({ exp: Math.floor(clock.now().getTime() / 1000) - 1 }), 'DS_CONSENT_TOKEN_INVALID');
    await refused(await token({ aud: AG }), 'DS_CONSENT_TOKEN_INVALID');
    await refused(await token({ iss: MALLORY }), 'DS_CONSENT_TOKEN_INVALID');
    await refused(await token({ cid: 'urn:uuid:never-notified' }), 'DS_CONSENT_UNKNOWN');
    await refused(await iKey.sign({ iss: I }, 'JWT'), 'DS_CONSENT_TOKEN_INVALID');
    await refused('not-a-token', 'DS_CONSENT_TOKEN_INVALID');
  });

  it('refuses notices that are forged, tampered, from another sender or for a consent we are not party to', async () => {
    const forged = await notify('urn:uuid:c2', 'grant', 'granted', { key: malloryKey });
    assert.deepEqual([forged.status, forged.body.code, forged.body.errors?.[0]?.path], [400, 'DS_CONSENT_RECEIPT_INVALID', '/receipt']);
    const relayed = await notify('urn:uuid:c2', 'grant', 'granted', { from: AG });
    assert.deepEqual([relayed.status, relayed.body.code], [403, 'DS_CONSENT_WRONG_SENDER']);
    const foreign = await notify('urn:uuid:c3', 'grant', 'granted', { provider: MALLORY });
    assert.deepEqual([foreign.status, foreign.body.code], [403, 'DS_CONSENT_WRONG_SENDER']);
    const bad = await tb.app.inject({ method: 'POST', url: '/dsp/consents/notices', headers: { authorization: `Bearer ${tb.nodeToken(I)}` }, payload: { receipt: 'x.y.z' } });
    assert.deepEqual([bad.statusCode, bad.json().code], [400, 'DS_CONSENT_RECEIPT_INVALID']);
    const empty = await tb.app.inject({ method: 'POST', url: '/dsp/consents/notices', headers: { authorization: `Bearer ${tb.nodeToken(I)}` }, payload: {} });
    assert.deepEqual([empty.statusCode, empty.json().code, empty.json().errors[0].path], [400, 'DS_HTTP_VALIDATION', '/body/receipt']);
    const anonymous = await tb.app.inject({ method: 'POST', url: '/dsp/consents/notices', payload: { receipt: 'x.y.z' } });
    assert.deepEqual([anonymous.statusCode, anonymous.json().code], [401, 'DS_AUTH_MISSING_CREDENTIALS']);
    assert.equal(await tb.consent.statusOf('urn:uuid:c2'), undefined);
  });

  it('a withdrawal notice stops running transfers and refuses the next check; an older notice does not undo it', async () => {
    const t = await token();
    const r = await notify('urn:uuid:c1', 'withdraw', 'withdrawn');
    assert.deepEqual([r.status, r.body.status], [200, 'withdrawn']);
    assert.deepEqual(stopped, ['urn:uuid:c1']);
    await refused(t, 'DS_CONSENT_WITHDRAWN');
    assert.equal(await tb.consent.statusOf('urn:uuid:c1'), 'withdrawn');
    // A retried, older receipt (seq 1, granted) arrives late: kept out.
    const stale = chains.get('urn:uuid:c1')!;
    chains.set('urn:uuid:c1', { record: newRecord({ recordId: 'urn:uuid:c1', principalId: 'urn:uuid:p-urn:uuid:c1', intermediaryDid: I, providerDid: TB, consumerDid: AG, datasetId: DS, purpose: 'guidance', notice, piiCategories: [], withdrawalUrl: 'http://127.0.0.1:4003/me/', at: clock.now() }), seq: 0, previous: null });
    assert.equal((await notify('urn:uuid:c1', 'grant', 'granted')).status, 200);
    chains.set('urn:uuid:c1', stale);
    assert.equal(await tb.consent.statusOf('urn:uuid:c1'), 'withdrawn');
  });

  it('expired consents are refused by date, then marked expired by the job; refused and reconfirmation-pending ones too', async () => {
    await notify('urn:uuid:c4', 'grant', 'granted', { until: '2026-05-01T11:00:00.000Z' });
    const t = await token({ cid: 'urn:uuid:c4' });
    assert.equal((await tb.consent.check(t, expect)).consentId, 'urn:uuid:c4');
    clock.advance(3_600_000);
    await refused(await token({ cid: 'urn:uuid:c4' }), 'DS_CONSENT_EXPIRED');
    assert.equal(await tb.consent.statusOf('urn:uuid:c4'), 'expired');
    assert.deepEqual((await tb.consent.expireNow()).partyExpired, ['urn:uuid:c4']);
    assert.ok(stopped.includes('urn:uuid:c4'));

    await notify('urn:uuid:c5', 'refuse', 'refused');
    await refused(await token({ cid: 'urn:uuid:c5' }), 'DS_CONSENT_NOT_GRANTED');
    assert.equal(await tb.consent.statusOf('urn:uuid:c5'), 'refused');

    await notify('urn:uuid:c6', 'grant', 'granted');
    assert.equal((await tb.consent.check(await token({ cid: 'urn:uuid:c6' }), expect)).consentId, 'urn:uuid:c6');
    await notify('urn:uuid:c6', 'notice-changed', 'granted', { reconfirmationRequired: true });
    assert.ok(stopped.includes('urn:uuid:c6'), 'running transfers stop until the person reconfirms');
    await refused(await token({ cid: 'urn:uuid:c6' }), 'DS_CONSENT_RECONFIRMATION_REQUIRED');
  });

  it('lists what it holds: all to its operator, a participant only its own', async () => {
    const op = await tb.app.inject({ method: 'GET', url: '/api/v1/consents', headers: { 'x-api-key': 'operator-read-key' } });
    assert.equal(op.statusCode, 200, op.body);
    assert.deepEqual(op.json().items.map((c: { id: string; role: string }) => c.role), ['provider', 'provider', 'provider', 'provider']);
    const ag = await tb.app.inject({ method: 'GET', url: '/api/v1/consents', headers: { authorization: `Bearer ${tb.nodeToken(AG)}` } });
    assert.equal(ag.json().total, 4);
    const other = await tb.app.inject({ method: 'GET', url: '/api/v1/consents', headers: { authorization: `Bearer ${tb.nodeToken(MALLORY)}` } });
    assert.equal(other.json().total, 0);
  });
});
