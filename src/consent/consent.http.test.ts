import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { ManualClock } from '../kernel/index.js';
import { CONSENT_TOKEN_TYP, verifyConsentReceipt } from './index.js';
import { OPERATOR_KEY, startHarness, type ConsentHarness } from './testing/consent-harness.js';

const I = 'did:web:127.0.0.1%3A4003';
const TB = 'did:web:127.0.0.1%3A4001';
const AG = 'did:web:127.0.0.1%3A4002';
const OTHER = 'did:web:127.0.0.1%3A4009';
const DS = 'urn:uuid:dataset-training-records';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test bodies

forEachEngine('consent at the intermediary over HTTP', (engine) => {
  const clock = new ManualClock(new Date('2026-05-01T10:00:00.000Z'));
  let h: ConsentHarness;
  let lea: string;
  let bob: string;
  const call = async (method: 'GET' | 'POST', url: string, auth: { person?: string; node?: string; key?: string } = {}, payload?: unknown) => {
    const headers: Record<string, string> = {};
    if (auth.person) headers.authorization = `Bearer ${auth.person}`;
    if (auth.node) headers.authorization = `Bearer ${h.nodeToken(auth.node)}`;
    if (auth.key) headers['x-api-key'] = auth.key;
    const res = await h.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Json } : {}) });
    return { status: res.statusCode, body: res.json() as Json };
  };
  const ask = (over: Json = {}, from = AG) => call('POST', '/dsp/consents/requests', { node: from }, { provider: TB, datasetId: DS, purpose: 'guidance', subjectId: 'ag-9', ...over });
  const act = (id: string, action: string, person = lea, payload?: unknown) => call('POST', `/api/v1/me/consents/${encodeURIComponent(id)}/${action}`, { person }, payload);
  const problem = (r: { status: number; body: Json }, status: number, code: string, path?: string) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
    if (path) assert.ok((r.body.errors as Array<{ path: string }>).some((e) => e.path === path), JSON.stringify(r.body.errors));
  };

  before(async () => {
    h = await startHarness({ engine, clock, did: I, intermediary: true, parties: [TB, AG] });
    h.people.link('person-lea', AG, 'ag-9').link('person-lea', TB, 'tb-123').link('person-bob', AG, 'ag-10');
    lea = h.session('person-lea');
    bob = h.session('person-bob');
  });
  after(() => h?.close());

  it('refuses requests it cannot serve, naming the field', async () => {
    problem(await ask({ subjectId: 'ag-unknown' }), 422, 'DS_CONSENT_SUBJECT_UNKNOWN', '/subjectId');
    problem(await ask({ subjectId: 'ag-10' }), 422, 'DS_CONSENT_NOT_LINKED', '/provider');
    problem(await ask({ provider: OTHER }), 422, 'DS_CONSENT_UNKNOWN_PARTY', '/provider');
    problem(await ask({ extra: 1 }), 400, 'DS_HTTP_VALIDATION');
    problem(await ask({ purpose: '' }), 400, 'DS_HTTP_VALIDATION', '/body/purpose');
    problem(await call('POST', '/dsp/consents/requests', {}, {}), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    h.notices.fail = true;
    problem(await ask(), 502, 'DS_CONSENT_NOTICE_UNAVAILABLE', '/provider');
    h.notices.fail = false;
  });

  it('the person grants; the receipt verifies offline, is logged, and both parties are notified', async () => {
    const asked = await ask();
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.deepEqual([asked.body.status, asked.body.reconfirmationRequired], ['requested', false]);
    const again = await ask();
    assert.deepEqual([again.status, again.body.id], [200, asked.body.id], 'asking again returns the open request');

    const mine = await call('GET', '/api/v1/me/consents', { person: lea });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.items.map((c: Json) => [c.id, c.status, c.consumer, c.provider, c.purpose]), [[asked.body.id, 'requested', AG, TB, 'guidance']]);
    assert.deepEqual((await call('GET', '/api/v1/me/consents', { person: bob })).body.items, [], "Bob does not see Léa's requests");
    problem(await call('GET', `/api/v1/me/consents/${encodeURIComponent(asked.body.id)}`, { person: bob }), 404, 'DS_CONSENT_NOT_FOUND', '/params/id');
    problem(await act(asked.body.id, 'grant', bob), 404, 'DS_CONSENT_NOT_FOUND');
    problem(await call('GET', '/api/v1/me/consents', {}), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await act(asked.body.id, 'approve'), 400, 'DS_HTTP_VALIDATION', '/params/action');
    problem(await act(asked.body.id, 'grant', lea, { days: 0 }), 400, 'DS_HTTP_VALIDATION', '/body/days');

    const detail = await call('GET', `/api/v1/me/consents/${encodeURIComponent(asked.body.id)}`, { person: lea });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.deepEqual(detail.body.noticeDocument.content.personalData.categories, ['training records', 'identity']);
    assert.deepEqual(detail.body.record.purposes[0].piiCategories, ['training records', 'identity']);

    const granted = await act(asked.body.id, 'grant', lea, { days: 30 });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.status, 'granted');
    assert.equal(granted.body.expiresAt, '2026-05-31T10:00:00.000Z');
    const [receipt] = granted.body.receipts as Json[];
    const verified = verifyConsentReceipt(receipt!.receipt, h.key.didDocument);
    assert.ok(verified.ok, verified.ok ? '' : verified.reason);
    if (verified.ok) {
      assert.deepEqual([verified.value.receipt.seq, verified.value.receipt.previous, verified.value.receipt.record.state, verified.value.keyBinding], [1, null, 'granted', 'did-document']);
      assert.doesNotMatch(receipt!.receipt, /tb-123|ag-9|person-lea/);
    }
    const [entry] = await h.ledger.entries({ type: 'consent.granted', subject: asked.body.id });
    assert.deepEqual([entry?.payload.receiptHash, entry?.payload.state, entry?.actor], [receipt!.hash, 'granted', I]);
    assert.doesNotMatch(JSON.stringify(entry), /tb-123|ag-9|person-lea/, 'nothing personal in the log');

    const sent = await pollUntil(async () => (h.deliveries.length >= 2 ? h.deliveries : undefined), { what: 'the notices to both parties' });
    assert.deepEqual(sent.map((d) => d.url).sort(), [`http://127.0.0.1:9/${encodeURIComponent(AG)}/dsp/consents/notices`, `http://127.0.0.1:9/${encodeURIComponent(TB)}/dsp/consents/notices`].sort());
    assert.deepEqual(sent.map((d) => d.body.receipt), [receipt!.receipt, receipt!.receipt]);
    assert.deepEqual(sent.map((d) => d.authorization).sort(), [`Bearer node-token-for-${AG}`, `Bearer node-token-for-${TB}`].sort(), 'each addressed to its party');
    problem(await act(asked.body.id, 'grant'), 409, 'DS_CONSENT_ILLEGAL_TRANSITION', '/action');
  });

  it('issues consent tokens to the consumer only, never beyond the consent', async () => {
    const [c] = (await call('GET', '/api/v1/me/consents', { person: lea })).body.items as Json[];
    const url = `/dsp/consents/${encodeURIComponent(c!.id)}/tokens`;
    const t = await call('POST', url, { node: AG });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const [header, claims] = (t.body.token as string).split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Json);
    assert.equal(header!.typ, CONSENT_TOKEN_TYP);
    assert.deepEqual([claims!.iss, claims!.aud, claims!.azp, claims!.sub, claims!.cid, claims!.dataset, claims!.purpose], [I, TB, AG, 'tb-123', c!.id, DS, 'guidance']);
    assert.equal(claims!.exp - claims!.iat, 300);
    assert.equal(t.body.expiresAt, new Date(claims!.exp * 1000).toISOString());
    problem(await call('POST', url, { node: TB }), 403, 'DS_CONSENT_NOT_PARTY');
    problem(await call('POST', '/dsp/consents/urn%3Auuid%3Anope/tokens', { node: AG }), 404, 'DS_CONSENT_NOT_FOUND');
    // One minute before expiry the token lasts one minute.
    clock.set(new Date('2026-05-31T09:59:00.000Z'));
    const late = await call('POST', url, { node: AG });
    assert.equal(late.body.expiresAt, '2026-05-31T10:00:00.000Z');
    clock.set(new Date('2026-05-01T10:00:00.000Z'));
  });

  it('a new notice version waits for reconfirmation; withdrawal chains a new receipt and stops tokens', async () => {
    const [c] = (await call('GET', '/api/v1/me/consents', { person: lea })).body.items as Json[];
    h.notices.retentionDays = 730;
    const asked = await ask();
    assert.deepEqual([asked.status, asked.body.id, asked.body.reconfirmationRequired], [200, c!.id, true]);
    problem(await call('POST', `/dsp/consents/${encodeURIComponent(c!.id)}/tokens`, { node: AG }), 403, 'DS_CONSENT_RECONFIRMATION_REQUIRED');
    const shown = await call('GET', `/api/v1/me/consents/${encodeURIComponent(c!.id)}`, { person: lea });
    assert.deepEqual([shown.body.notice.version, shown.body.pendingNotice.version], [1, 2]);
    const re = await act(c!.id, 'reconfirm');
    assert.equal(re.status, 200, JSON.stringify(re.body));
    assert.deepEqual([re.body.status, re.body.reconfirmationRequired, re.body.notice.version, re.body.pendingNotice], ['granted', false, 2, undefined]);
    assert.equal(re.body.expiresAt, '2027-05-01T10:00:00.000Z', 'reconfirmed for the default days');

    // The provider publishes another version without anyone asking again: the next token request finds it.
    h.notices.retentionDays = 1000;
    problem(await call('POST', `/dsp/consents/${encodeURIComponent(c!.id)}/tokens`, { node: AG }), 403, 'DS_CONSENT_RECONFIRMATION_REQUIRED');
    const flagged = await call('GET', `/api/v1/me/consents/${encodeURIComponent(c!.id)}`, { person: lea });
    assert.deepEqual([flagged.body.reconfirmationRequired, flagged.body.notice.version, flagged.body.pendingNotice.version], [true, 2, 3]);
    assert.equal((await act(c!.id, 'reconfirm')).body.notice.version, 3);
    assert.equal((await call('POST', `/dsp/consents/${encodeURIComponent(c!.id)}/tokens`, { node: AG })).status, 200, 'reconfirmed: tokens again');

    const out = await act(c!.id, 'withdraw');
    assert.equal(out.body.status, 'withdrawn');
    const receipts = out.body.receipts as Json[];
    assert.deepEqual(receipts.map((r) => r.state), ['granted', 'granted', 'granted', 'granted', 'granted', 'withdrawn']);
    for (let i = 1; i < receipts.length; i++) {
      const v = verifyConsentReceipt(receipts[i]!.receipt, h.key.didDocument);
      assert.ok(v.ok && v.value.receipt.previous === receipts[i - 1]!.hash && v.value.receipt.seq === i + 1, 'each receipt chains to the previous one');
    }
    assert.equal((await h.ledger.entries({ type: 'consent.withdrawn', subject: c!.id })).length, 1);
    assert.equal((await h.ledger.entries({ type: 'consent.notice-changed', subject: c!.id })).length, 2);
    problem(await call('POST', `/dsp/consents/${encodeURIComponent(c!.id)}/tokens`, { node: AG }), 403, 'DS_CONSENT_NOT_GRANTED');
    problem(await act(c!.id, 'reconfirm'), 409, 'DS_CONSENT_ILLEGAL_TRANSITION');
  });

  it('refusal and expiry are recorded; an expired consent can be reconfirmed', async () => {
    const refused = await ask({ purpose: 'statistics' });
    // The notice changes before the person decided: they simply read (and decide on) the newer one.
    h.notices.retentionDays = 90;
    const reasked = await ask({ purpose: 'statistics' });
    assert.deepEqual([reasked.body.id, reasked.body.reconfirmationRequired], [refused.body.id, false]);
    const pending = await call('GET', `/api/v1/me/consents/${encodeURIComponent(refused.body.id)}`, { person: lea });
    assert.deepEqual([pending.body.notice.hash, pending.body.record.notice.hash, pending.body.pendingNotice], [pending.body.noticeDocument.hash, pending.body.noticeDocument.hash, undefined]);
    assert.equal(pending.body.noticeDocument.content.retention.days, 90);
    assert.equal((await act(refused.body.id, 'refuse')).body.status, 'refused');
    assert.equal((await h.ledger.entries({ type: 'consent.refused', subject: refused.body.id })).length, 1);

    const asked = await ask({ purpose: 'placement' });
    await act(asked.body.id, 'grant', lea, { days: 1 });
    clock.set(new Date('2026-05-02T10:00:00.000Z'));
    const round = await h.consent.expireNow();
    assert.deepEqual(round.expired, [asked.body.id]);
    const expired = await call('GET', `/api/v1/me/consents/${encodeURIComponent(asked.body.id)}`, { person: lea });
    assert.equal(expired.body.status, 'expired');
    assert.deepEqual(expired.body.record.events.map((e: Json) => [e.action, e.method]).at(-1), ['expire', 'automatic-expiry']);
    assert.equal((await h.ledger.entries({ type: 'consent.expired', subject: asked.body.id })).length, 1);
    const back = await act(asked.body.id, 'reconfirm', lea, { days: 10 });
    assert.deepEqual([back.body.status, back.body.expiresAt], ['granted', '2026-05-12T10:00:00.000Z']);
    assert.equal((await h.ledger.entries({ type: 'consent.reconfirmed', subject: asked.body.id })).length, 1);

    // Two decisions at once (two tabs): one applies, the other is refused, and only one receipt exists.
    const both = await Promise.all([act(asked.body.id, 'withdraw'), act(asked.body.id, 'withdraw')]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 409]);
    assert.match(both.find((r) => r.status === 409)!.body.code, /^DS_CONSENT_(CONFLICT|ILLEGAL_TRANSITION)$/);
    assert.equal((await h.ledger.entries({ type: 'consent.withdrawn', subject: asked.body.id })).length, 1);
  });

  it('operators see every consent; a participant only those it is party to', async () => {
    const op = await call('GET', '/api/v1/consents', { key: OPERATOR_KEY });
    assert.equal(op.status, 200, JSON.stringify(op.body));
    assert.equal(op.body.total, 3);
    assert.ok((op.body.items as Json[]).every((c) => c.role === 'intermediary' && c.intermediary === I));
    assert.doesNotMatch(JSON.stringify(op.body), /tb-123|ag-9|person-lea/);
    assert.equal((await call('GET', '/api/v1/consents', { node: TB })).body.total, 3);
    assert.deepEqual((await call('GET', '/api/v1/consents', { node: OTHER })).body, { items: [], total: 0, limit: 50, offset: 0 });
    const paged = await call('GET', '/api/v1/consents?limit=1&offset=1', { key: OPERATOR_KEY });
    assert.deepEqual([paged.body.items.length, paged.body.total], [1, 3]);
    problem(await call('GET', '/api/v1/consents', {}), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call('GET', '/api/v1/consents?limit=0', { key: OPERATOR_KEY }), 400, 'DS_HTTP_VALIDATION', '/querystring/limit');
  });
});

forEachEngine('consent routes on a node without the intermediary role', (engine) => {
  let h: ConsentHarness;
  before(async () => {
    h = await startHarness({ engine, clock: new ManualClock(new Date('2026-05-01T10:00:00.000Z')), did: TB, intermediary: false, parties: [AG, I] });
  });
  after(() => h?.close());

  it('answers 409 DS_PEOPLE_NOT_INTERMEDIARY to person and request routes', async () => {
    const person = h.session('person-lea');
    for (const [method, url, auth, payload] of [
      ['GET', '/api/v1/me/consents', `Bearer ${person}`, undefined],
      ['POST', '/dsp/consents/requests', `Bearer ${h.nodeToken(AG)}`, { provider: TB, datasetId: DS, purpose: 'guidance', subjectId: 'ag-9' }],
      ['POST', '/dsp/consents/urn%3Auuid%3Ax/tokens', `Bearer ${h.nodeToken(AG)}`, undefined],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: { authorization: auth }, ...(payload ? { payload } : {}) });
      assert.equal(res.statusCode, 409, `${url}: ${res.body}`);
      assert.equal(res.json().code, 'DS_PEOPLE_NOT_INTERMEDIARY');
    }
  });
});
