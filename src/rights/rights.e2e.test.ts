import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock, messageKind, verifyMessage } from '../kernel/index.js';
import { ERASURE_CONFIRMATION_TYP, ErasureConfirmationPayload, EXCHANGE_REPORT_TYP, ExchangeReportPayload } from './index.js';
import { ADMIN, startRightsNode, type RightsNode } from './testing/rights-nodes.js';

const clock = new ManualClock(new Date());
const DATASET = 'urn:uuid:2b0c6f4e-0000-4000-8000-000000000001';
const PASSWORD = 'correct horse battery';
const reportKind = messageKind<ExchangeReportPayload>(EXCHANGE_REPORT_TYP, ExchangeReportPayload);
const confirmationKind = messageKind<ErasureConfirmationPayload>(ERASURE_CONFIRMATION_TYP, ErasureConfirmationPayload);

/**
 * Three real nodes on loopback: the intermediary I (people, rights), the training body TB (provider) and the
 * agency AG (consumer). Links are confirmed node-to-node through src/people; reports, erasure requests and answers
 * travel through each node's outbox with node tokens, and every message is verified against its sender's DID.
 */
forEachEngine('rights across three nodes', (engine) => {
  let i: RightsNode;
  let tb: RightsNode;
  let ag: RightsNode;
  let lea: string;
  let leaId: string;
  let bob: string;
  const me = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    i.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const admin = (n: RightsNode, method: 'GET' | 'POST', url: string, payload?: object) => n.app.inject({ method, url, headers: { 'x-api-key': ADMIN }, ...(payload ? { payload } : {}) });
  /** A DSP call to I as `from` with a real node token. */
  const asNode = async (from: RightsNode, url: string, payload: object) =>
    i.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${await from.identity.tokens.sign(i.did)}` }, payload });

  async function person(login: string): Promise<{ token: string; id: string }> {
    const up = await i.app.inject({ method: 'POST', url: '/api/v1/me/sign-up', payload: { login, password: PASSWORD } });
    assert.equal(up.statusCode, 201, up.body);
    const s = await i.app.inject({ method: 'POST', url: '/api/v1/me/sessions', payload: { login, password: PASSWORD } });
    assert.equal(s.statusCode, 201, s.body);
    return { token: s.json().token, id: up.json().personId };
  }
  async function link(token: string, party: RightsNode, subjectId: string): Promise<void> {
    const opened = await me(token, 'POST', '/api/v1/me/links', { participant: party.did });
    assert.equal(opened.statusCode, 201, opened.body);
    const confirmed = await admin(party, 'POST', '/api/v1/person-links', { intermediary: i.did, code: opened.json().code, subjectId });
    assert.ok(confirmed.statusCode < 300, confirmed.body);
  }
  const report = (n: RightsNode, r: { transferId: string; role: 'provider' | 'consumer'; state: 'STARTED' | 'COMPLETED' | 'TERMINATED'; at: Date; consentId?: string; bytes?: number; sha256?: string; reason?: string }) =>
    n.database.db.transaction().execute((tx) =>
      n.rights.reportExchange(tx, { intermediaryDid: i.did, consentId: r.consentId ?? 'consent-1', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, ...r }),
    );
  const signedReport = (by: RightsNode, over: Partial<ExchangeReportPayload> = {}) =>
    by.identity.signer.sign({ type: 'dases:ExchangeReport', reporter: by.did, intermediary: i.did, consentId: 'consent-1', transferId: 'forged-1', role: 'provider', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, state: 'STARTED', at: clock.now().toISOString(), ...over }, EXCHANGE_REPORT_TYP);
  const problem = (res: { statusCode: number; body: string; json(): { code: string; errors?: Array<{ path: string }> } }, status: number, code: string, path?: string) => {
    assert.equal(res.statusCode, status, res.body);
    assert.equal(res.json().code, code);
    if (path) assert.ok(res.json().errors?.some((e) => e.path === path), res.body);
  };

  before(async () => {
    [i, tb, ag] = await startAll([startRightsNode('I', engine, clock, { intermediary: true }), startRightsNode('TB', engine, clock, { intermediary: false }), startRightsNode('AG', engine, clock, { intermediary: false })]);
    for (const [a, b] of [[i, tb], [i, ag], [tb, i], [ag, i], [tb, ag], [ag, tb]] as const) await a.participants.add(b.did);
    ({ token: lea, id: leaId } = await person('lea'));
    ({ token: bob } = await person('bob'));
    await link(lea, tb, 'tb-123');
    await link(lea, ag, 'ag-9');
    i.consents.add({ id: 'consent-1', personId: leaId, providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, purpose: 'guidance', status: 'granted', record: { recordId: 'consent-1', state: 'granted' }, receipts: [{ seq: 1, state: 'granted', jws: 'receipt.jws.1', hash: 'sha256:00', createdAt: clock.now() }] });
  });
  after(async () => {
    for (const n of [i, tb, ag]) await n?.close();
  });

  it('the parties report a transfer; the person sees it with names, times, bytes and the signed reports', async () => {
    const t0 = clock.now().getTime();
    await report(tb, { transferId: 'tb-transfer-1', role: 'provider', state: 'STARTED', at: new Date(t0 + 1000) });
    await report(tb, { transferId: 'tb-transfer-1', role: 'provider', state: 'COMPLETED', at: new Date(t0 + 2000), bytes: 1234, sha256: 'ab'.repeat(32) });
    await report(ag, { transferId: 'ag-transfer-1', role: 'consumer', state: 'STARTED', at: new Date(t0 + 1500) });
    await report(tb, { transferId: 'tb-transfer-1', role: 'provider', state: 'COMPLETED', at: new Date(t0 + 2000), bytes: 1234, sha256: 'ab'.repeat(32) });
    const items = await pollUntil(async () => {
      const res = await me(lea, 'GET', '/api/v1/me/exchanges');
      assert.equal(res.statusCode, 200, res.body);
      const list = res.json().items as Array<Record<string, unknown> & { reports: Array<{ state: string; report: string }> }>;
      return list.length === 2 && list[0]!.reports.length === 2 ? list : undefined;
    }, { what: 'two exchanges at the intermediary' });
    const [first, second] = items;
    assert.deepEqual([first!.transferId, first!.state, first!.role, first!.reportedBy, first!.bytes, first!.sha256], ['tb-transfer-1', 'COMPLETED', 'provider', tb.did, 1234, 'ab'.repeat(32)]);
    assert.deepEqual(first!.provider, { did: tb.did, name: 'Legal TB' });
    assert.deepEqual(first!.consumer, { did: ag.did, name: 'Legal AG' });
    assert.equal(first!.startedAt, new Date(t0 + 1000).toISOString());
    assert.equal(first!.endedAt, new Date(t0 + 2000).toISOString());
    assert.deepEqual([second!.transferId, second!.state, second!.role, second!.endedAt], ['ag-transfer-1', 'STARTED', 'consumer', undefined]);
    const verified = verifyMessage(first!.reports[0]!.report, reportKind, await i.identity.resolver.resolve(tb.did));
    assert.ok(verified.ok && verified.value.payload.state === 'COMPLETED' && verified.value.payload.bytes === 1234, JSON.stringify(verified));
    assert.equal((await me(bob, 'GET', '/api/v1/me/exchanges')).json().items.length, 0, "Bob does not see Léa's exchanges");
  });

  it('never sends a report whose transaction rolled back; sends one a crash left due on the next sweep', async () => {
    const outgoing = (transferId: string) => tb.database.db.selectFrom('rights_outgoing_reports').select(['status', 'intermediary_did']).where('transfer_id', '=', transferId).execute();
    await assert.rejects(
      tb.database.db.transaction().execute(async (tx) => {
        await tb.rights.reportExchange(tx, { intermediaryDid: i.did, consentId: 'consent-1', transferId: 'rolled-back', role: 'provider', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, state: 'STARTED', at: clock.now() });
        throw new Error('the transfer change failed');
      }),
      /the transfer change failed/,
    );
    assert.deepEqual(await outgoing('rolled-back'), []);
    tb.rights.stop(); // as if the process died right after the commit
    await report(tb, { transferId: 'swept-1', role: 'provider', state: 'STARTED', at: clock.now() });
    await tb.database.db.transaction().execute((tx) => tb.rights.reportExchange(tx, { intermediaryDid: 'did:web:unknown.example', consentId: 'consent-1', transferId: 'swept-2', role: 'provider', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, state: 'STARTED', at: clock.now() }));
    assert.deepEqual(await outgoing('swept-1'), [{ status: 'due', intermediary_did: i.did }]);
    tb.rights.start();
    assert.equal(await tb.rights.sweepReports(), 0, 'a report younger than the grace period is left to its own round');
    clock.advance(3000);
    assert.equal(await tb.rights.sweepReports(), 2);
    assert.deepEqual(await outgoing('swept-1'), [{ status: 'sent', intermediary_did: i.did }]);
    assert.deepEqual(await outgoing('swept-2'), [{ status: 'due', intermediary_did: 'did:web:unknown.example' }], 'kept due until the intermediary is known');
    await pollUntil(async () => (await me(lea, 'GET', '/api/v1/me/exchanges')).json().items.some((x: { transferId: string }) => x.transferId === 'swept-1'), { what: 'the swept report at I' });
    assert.ok(!(await me(lea, 'GET', '/api/v1/me/exchanges')).json().items.some((x: { transferId: string }) => x.transferId === 'rolled-back'));
  });

  it('refuses reports from a non-party, signed by another node, forged, about another consent or dataset', async () => {
    problem(await asNode(ag, '/dsp/people/exchanges', { report: await signedReport(ag) }), 403, 'DS_RIGHTS_NOT_PARTY', '/body/report');
    problem(await asNode(ag, '/dsp/people/exchanges', { report: await signedReport(tb) }), 403, 'DS_RIGHTS_WRONG_SENDER', '/body/report');
    problem(await asNode(tb, '/dsp/people/exchanges', { report: await signedReport(tb, { intermediary: ag.did }) }), 403, 'DS_RIGHTS_WRONG_SENDER', '/body/report');
    problem(await asNode(tb, '/dsp/people/exchanges', { report: await signedReport(tb, { consentId: 'nope' }) }), 404, 'DS_RIGHTS_CONSENT_NOT_FOUND', '/body/report');
    problem(await asNode(tb, '/dsp/people/exchanges', { report: await signedReport(tb, { datasetId: 'urn:uuid:other' }) }), 422, 'DS_RIGHTS_REPORT_MISMATCH', '/body/report/datasetId');
    const genuine = await signedReport(tb);
    const [h, , s] = genuine.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()), transferId: 'other' })).toString('base64url')}.${s}`;
    problem(await asNode(tb, '/dsp/people/exchanges', { report: tampered }), 400, 'DS_RIGHTS_SIGNATURE_INVALID', '/body/report');
    problem(await asNode(tb, '/dsp/people/exchanges', { report: 'not-a-jws' }), 400, 'DS_RIGHTS_SIGNATURE_INVALID', '/body/report');
    const accepted = await asNode(tb, '/dsp/people/exchanges', { report: genuine });
    assert.deepEqual([accepted.statusCode, accepted.json().duplicate], [201, false], accepted.body);
    const again = await asNode(tb, '/dsp/people/exchanges', { report: genuine });
    assert.deepEqual([again.statusCode, again.json().id, again.json().duplicate], [200, accepted.json().id, true]);
    problem(await i.app.inject({ method: 'POST', url: '/dsp/people/exchanges', payload: { report: genuine } }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
  });

  it('sends an erasure request to every linked participant and tracks each answer', async () => {
    const created = await me(lea, 'POST', '/api/v1/me/erasure-requests');
    assert.equal(created.statusCode, 201, created.body);
    const req = created.json();
    assert.equal(req.status, 'open');
    assert.deepEqual(req.parties.map((p: { did: string; subjectId: string; status: string }) => [p.did, p.subjectId, p.status]).sort(), [[ag.did, 'ag-9', 'sent'], [tb.did, 'tb-123', 'sent']].sort());

    const atTb = await pollUntil(async () => (await admin(tb, 'GET', '/api/v1/erasure-requests')).json().items[0], { what: 'the request at TB' });
    assert.deepEqual([atTb.id, atTb.intermediary, atTb.subjectId, atTb.status], [req.id, i.did, 'tb-123', 'received']);
    const atAg = await pollUntil(async () => (await admin(ag, 'GET', '/api/v1/erasure-requests?status=received')).json().items[0], { what: 'the request at AG' });
    assert.equal(atAg.subjectId, 'ag-9');
    assert.deepEqual((await tb.ledger.entries({ type: 'erasure.requested' })).map((e) => e.subject), [req.id]);
    await pollUntil(async () => (await me(lea, 'GET', '/api/v1/me/erasure-requests')).json().items[0].parties.every((p: { status: string }) => p.status === 'delivered'), { what: 'both deliveries recorded' });

    const erased = await admin(tb, 'POST', `/api/v1/erasure-requests/${req.id}/confirm`, { outcome: 'erased' });
    assert.deepEqual([erased.statusCode, erased.json().status], [200, 'erased'], erased.body);
    problem(await admin(tb, 'POST', `/api/v1/erasure-requests/${req.id}/confirm`, { outcome: 'refused', reason: 'changed my mind' }), 409, 'DS_RIGHTS_ERASURE_DECIDED');
    problem(await admin(ag, 'POST', `/api/v1/erasure-requests/${req.id}/confirm`, { outcome: 'refused' }), 400, 'DS_HTTP_VALIDATION', '/body/reason');
    problem(await admin(ag, 'POST', `/api/v1/erasure-requests/${req.id}/confirm`, { outcome: 'deleted' }), 400, 'DS_HTTP_VALIDATION', '/body/outcome');
    problem(await admin(ag, 'POST', '/api/v1/erasure-requests/unknown/confirm', { outcome: 'erased' }), 404, 'DS_RIGHTS_ERASURE_NOT_FOUND');
    const refused = await admin(ag, 'POST', `/api/v1/erasure-requests/${req.id}/confirm`, { outcome: 'refused', reason: 'legal obligation to keep the file 5 years' });
    assert.equal(refused.statusCode, 200, refused.body);
    assert.deepEqual((await ag.ledger.entries({ type: 'erasure.confirmed' })).map((e) => [e.subject, e.payload.outcome]), [[req.id, 'refused']]);

    const settled = await pollUntil(async () => {
      const r = (await me(lea, 'GET', '/api/v1/me/erasure-requests')).json().items[0];
      return r.status === 'closed' ? r : undefined;
    }, { what: 'both answers at the intermediary' });
    const byDid = new Map(settled.parties.map((p: { did: string }) => [p.did, p]));
    const tbAnswer = byDid.get(tb.did) as { status: string; confirmation: string; answeredAt: string; name: string };
    assert.equal(tbAnswer.name, 'Legal TB');
    const agAnswer = byDid.get(ag.did) as { status: string; reason: string };
    assert.deepEqual([tbAnswer.status, agAnswer.status, agAnswer.reason], ['confirmed', 'refused', 'legal obligation to keep the file 5 years']);
    const proof = verifyMessage(tbAnswer.confirmation, confirmationKind, await i.identity.resolver.resolve(tb.did));
    assert.ok(proof.ok && proof.value.payload.outcome === 'erased' && proof.value.payload.requestId === req.id);
    assert.deepEqual((await i.ledger.entries({ type: 'erasure.answered' })).map((e) => e.payload.outcome).sort(), ['erased', 'refused']);
    assert.equal((await i.ledger.entries({ type: 'erasure.sent' })).length, 1);
    assert.equal((await me(bob, 'GET', '/api/v1/me/erasure-requests')).json().items.length, 0, "Bob does not see Léa's requests");
    problem(await me(bob, 'POST', '/api/v1/me/erasure-requests'), 422, 'DS_RIGHTS_NO_LINKED_PARTICIPANTS');
  });

  it('refuses erasure messages from the wrong node', async () => {
    const [r] = (await me(lea, 'GET', '/api/v1/me/erasure-requests')).json().items;
    const conf = (by: RightsNode, over: Partial<ErasureConfirmationPayload> = {}) =>
      by.identity.signer.sign({ type: 'dases:ErasureConfirmation', requestId: r.id, intermediary: i.did, participant: by.did, subjectId: 'ag-9', outcome: 'erased', at: clock.now().toISOString(), ...over }, ERASURE_CONFIRMATION_TYP);
    problem(await asNode(ag, '/dsp/people/erasure-confirmations', { confirmation: await conf(ag) }), 409, 'DS_RIGHTS_ERASURE_DECIDED', '/body/confirmation');
    problem(await asNode(tb, '/dsp/people/erasure-confirmations', { confirmation: await conf(ag) }), 403, 'DS_RIGHTS_WRONG_SENDER', '/body/confirmation');
    problem(await asNode(ag, '/dsp/people/erasure-confirmations', { confirmation: await conf(ag, { requestId: 'nope' }) }), 404, 'DS_RIGHTS_ERASURE_NOT_FOUND', '/body/confirmation');
    problem(await asNode(ag, '/dsp/people/erasure-confirmations', { confirmation: await conf(ag, { subjectId: 'tb-123' }) }), 404, 'DS_RIGHTS_ERASURE_NOT_FOUND', '/body/confirmation');
    // An erasure request forged by a participant (not the intermediary that sends it) is refused by the party.
    const forged = await ag.identity.signer.sign({ type: 'dases:ErasureRequest', id: 'forged', intermediary: i.did, participant: tb.did, subjectId: 'tb-123', requestedAt: clock.now().toISOString() }, 'dases-erasure-request+jwt');
    const res = await tb.app.inject({ method: 'POST', url: '/dsp/erasure-requests', headers: { authorization: `Bearer ${await ag.identity.tokens.sign(tb.did)}` }, payload: { id: 'forged', subjectId: 'tb-123', requestedAt: clock.now().toISOString(), request: forged } });
    problem(res, 403, 'DS_RIGHTS_WRONG_SENDER', '/body/request');
    // The intermediary's genuine request replayed by another node.
    const genuine = (await admin(tb, 'GET', '/api/v1/erasure-requests')).json().items[0];
    const replay = await tb.app.inject({ method: 'POST', url: '/dsp/erasure-requests', headers: { authorization: `Bearer ${await ag.identity.tokens.sign(tb.did)}` }, payload: { id: genuine.id, subjectId: 'tb-123', requestedAt: genuine.requestedAt, request: r.parties.find((p: { did: string }) => p.did === tb.did).request } });
    problem(replay, 403, 'DS_RIGHTS_WRONG_SENDER', '/body/request');
    // The plain fields must be the signed ones; the same request delivered again is accepted once.
    const sent = r.parties.find((p: { did: string }) => p.did === tb.did).request;
    const fromI = { authorization: `Bearer ${await i.identity.tokens.sign(tb.did)}` };
    problem(await tb.app.inject({ method: 'POST', url: '/dsp/erasure-requests', headers: fromI, payload: { id: genuine.id, subjectId: 'tb-999', requestedAt: genuine.requestedAt, request: sent } }), 400, 'DS_RIGHTS_SIGNATURE_INVALID', '/body/subjectId');
    const redelivered = await tb.app.inject({ method: 'POST', url: '/dsp/erasure-requests', headers: { authorization: `Bearer ${await i.identity.tokens.sign(tb.did)}` }, payload: { id: genuine.id, subjectId: 'tb-123', requestedAt: genuine.requestedAt, request: sent } });
    assert.deepEqual([redelivered.statusCode, redelivered.json().status], [200, 'erased'], redelivered.body);
    assert.equal((await tb.ledger.entries({ type: 'erasure.requested' })).length, 1);
  });

  it('exports everything the intermediary holds about the person as one attachment', async () => {
    const res = await me(lea, 'GET', '/api/v1/me/export');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="dases-export-\d{4}-\d{2}-\d{2}\.json"$/);
    const doc = res.json();
    assert.equal(doc.type, 'dases:PersonalDataExport');
    assert.equal(doc.intermediary, i.did);
    assert.deepEqual(Object.keys(doc.account).sort(), ['createdAt', 'id', 'language', 'login']);
    assert.doesNotMatch(res.body, /scrypt|password/i, 'no password hash');
    assert.deepEqual(doc.links.map((l: { participant: string; subjectId: string; status: string }) => [l.participant, l.subjectId, l.status]).sort(), [[ag.did, 'ag-9', 'confirmed'], [tb.did, 'tb-123', 'confirmed']].sort());
    assert.deepEqual(doc.consents.map((c: { id: string; receipts: Array<{ receipt: string }> }) => [c.id, c.receipts.map((r) => r.receipt)]), [['consent-1', ['receipt.jws.1']]]);
    assert.deepEqual(doc.exchanges.map((x: { transferId: string }) => x.transferId).sort(), ['ag-transfer-1', 'forged-1', 'swept-1', 'tb-transfer-1']);
    assert.ok(doc.exchanges.every((x: { reports: Array<{ report: string }> }) => x.reports.every((r) => r.report.split('.').length === 3)));
    assert.equal(doc.erasureRequests.length, 1);
    assert.equal(doc.erasureRequests[0].status, 'closed');
    const bobs = (await me(bob, 'GET', '/api/v1/me/export')).json();
    assert.deepEqual([bobs.account.login, bobs.links.length, bobs.consents.length, bobs.exchanges.length, bobs.erasureRequests.length], ['bob', 0, 0, 0, 0]);
    problem(await i.app.inject({ method: 'GET', url: '/api/v1/me/export' }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
  });

  it('answers person routes on a node without the intermediary role with 409', async () => {
    const res = await tb.app.inject({ method: 'GET', url: '/api/v1/me/exchanges', headers: { authorization: 'Bearer whatever' } });
    assert.equal(res.statusCode, 401, 'no session is valid there');
    const toTb = { authorization: `Bearer ${await i.identity.tokens.sign(tb.did)}` };
    problem(await tb.app.inject({ method: 'POST', url: '/dsp/people/exchanges', headers: toTb, payload: { report: await signedReport(i) } }), 409, 'DS_PEOPLE_NOT_INTERMEDIARY');
  });
});
