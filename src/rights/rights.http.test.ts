import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { ManualClock } from '../kernel/index.js';
import { READ_KEY, startShell, testKey, WRITE_KEY, type RightsShell, type TestKey } from './testing/rights-shell.js';

const I = 'did:web:i.example';
const TB = 'did:web:tb.example';
const AG = 'did:web:ag.example';
const GONE = 'did:web:gone.example';
type Res = { statusCode: number; body: string; json(): { code: string; errors?: Array<{ path: string }> } };

const problem = (res: Res, status: number, code: string, path?: string) => {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().code, code, res.body);
  if (path) assert.ok(res.json().errors?.some((e) => e.path === path), res.body);
};

/** One intermediary and one participant node (HTTP through inject; the outboxes record what they would send). */
forEachEngine('rights routes, roles and the outbox messages', (engine) => {
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  let inter: RightsShell;
  let party: RightsShell;
  let keys: Record<string, TestKey>;
  let lea: string;
  const call = (s: RightsShell, method: 'GET' | 'POST', url: string, o: { token?: string; key?: string; payload?: unknown } = {}) =>
    s.app.inject({ method, url, headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.key ? { 'x-api-key': o.key } : {}) }, ...(o.payload !== undefined ? { payload: o.payload as object } : {}) });

  before(async () => {
    keys = { [I]: await testKey(I), [TB]: await testKey(TB), [AG]: await testKey(AG) };
    const resolver = { resolve: async (did: string) => keys[did]?.doc ?? { id: did, verificationMethod: [] } };
    inter = await startShell({ engine, clock, key: keys[I]!, intermediary: true, parties: { [TB]: 'http://127.0.0.1:9/tb/dsp/', [AG]: 'http://127.0.0.1:9/ag/dsp', [GONE]: undefined }, resolver });
    party = await startShell({ engine, clock, key: keys[TB]!, intermediary: false, parties: { [I]: 'http://127.0.0.1:9/i/dsp' }, resolver });
    inter.people.accounts.set('p-lea', { login: 'lea', createdAt: clock.now() }).set('p-bob', { login: 'bob', createdAt: clock.now() });
    inter.people.linkRows.push(
      { personId: 'p-lea', participantDid: TB, subjectId: 'tb-123', status: 'confirmed' },
      { personId: 'p-lea', participantDid: AG, subjectId: 'ag-9', status: 'confirmed' },
      { personId: 'p-lea', participantDid: GONE, subjectId: 'g-1', status: 'confirmed' },
      { personId: 'p-bob', participantDid: TB, subjectId: 'tb-456', status: 'pending' },
    );
    lea = inter.session('p-lea');
  });
  after(async () => {
    await inter?.close();
    await party?.close();
  });

  it('refuses every route to the wrong kind of caller', async () => {
    const node = inter.nodeToken(TB);
    const personal = ['GET /api/v1/me/exchanges', 'GET /api/v1/me/export', 'POST /api/v1/me/erasure-requests', 'GET /api/v1/me/erasure-requests'];
    for (const r of personal) {
      const [method, url] = r.split(' ') as ['GET' | 'POST', string];
      problem(await call(inter, method, url), 401, 'DS_AUTH_MISSING_CREDENTIALS');
      problem(await call(inter, method, url, { key: WRITE_KEY }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
      problem(await call(inter, method, url, { token: node }), 401, 'DS_AUTH_INVALID_TOKEN');
    }
    for (const url of ['/dsp/people/exchanges', '/dsp/people/erasure-confirmations', '/dsp/erasure-requests']) {
      problem(await call(inter, 'POST', url, { payload: {} }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
      problem(await call(inter, 'POST', url, { token: lea, payload: {} }), 401, 'DS_AUTH_INVALID_TOKEN', undefined);
    }
    problem(await call(party, 'GET', '/api/v1/erasure-requests'), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call(party, 'GET', '/api/v1/erasure-requests', { token: party.nodeToken(I) }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call(party, 'POST', '/api/v1/erasure-requests/x/confirm', { key: READ_KEY, payload: { outcome: 'erased' } }), 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
    problem(await call(party, 'GET', '/api/v1/me/exchanges', { token: party.session('p-lea') }), 409, 'DS_PEOPLE_NOT_INTERMEDIARY');
    problem(await call(party, 'POST', '/api/v1/me/erasure-requests', { token: party.session('p-lea') }), 409, 'DS_PEOPLE_NOT_INTERMEDIARY');
  });

  it('names the offending field of bad input', async () => {
    const node = inter.nodeToken(TB);
    problem(await call(inter, 'POST', '/dsp/people/exchanges', { token: node, payload: { report: 'a.b.c', extra: 1 } }), 400, 'DS_HTTP_VALIDATION');
    problem(await call(inter, 'POST', '/dsp/people/exchanges', { token: node, payload: {} }), 400, 'DS_HTTP_VALIDATION', '/body/report');
    problem(await call(inter, 'POST', '/dsp/people/exchanges', { token: node, payload: { report: 'a.b.c' } }), 400, 'DS_RIGHTS_SIGNATURE_INVALID', '/body/report');
    problem(await call(inter, 'POST', '/api/v1/me/erasure-requests', { token: lea, payload: { everyone: true } }), 400, 'DS_HTTP_VALIDATION');
    problem(await call(party, 'POST', '/dsp/erasure-requests', { token: party.nodeToken(I), payload: { id: 'x', subjectId: 's', requestedAt: 'now' } }), 400, 'DS_HTTP_VALIDATION', '/body/request');
    problem(await call(party, 'GET', '/api/v1/erasure-requests?status=lost', { key: READ_KEY }), 400, 'DS_HTTP_VALIDATION', '/querystring/status');
  });

  it('sends signed erasure requests through the outbox and tracks delivery, refusal by the transport and answers', async () => {
    inter.refuse.add('http://127.0.0.1:9/ag/dsp/erasure-requests');
    const res = await call(inter, 'POST', '/api/v1/me/erasure-requests', { token: lea });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as string;
    const states = async () => Object.fromEntries((await call(inter, 'GET', '/api/v1/me/erasure-requests', { token: lea })).json().items[0].parties.map((p: { did: string; status: string }) => [p.did, p.status]));
    assert.deepEqual(await states(), { [TB]: 'sent', [AG]: 'sent', [GONE]: 'undeliverable' });
    await pollUntil(async () => (await states())[AG] === 'undeliverable' && (await states())[TB] === 'delivered', { what: 'both outbox outcomes' });
    const toTb = inter.deliveries.find((d) => d.url === 'http://127.0.0.1:9/tb/dsp/erasure-requests')!;
    assert.deepEqual(Object.keys(toTb.body).sort(), ['id', 'request', 'requestedAt', 'subjectId']);
    assert.deepEqual([toTb.body.id, toTb.body.subjectId, toTb.body.requestedAt], [id, 'tb-123', clock.now().toISOString()]);
    assert.ok(!inter.deliveries.some((d) => d.body.subjectId === 'tb-456'), "Bob's pending link gets nothing");

    // The participant receives it (as the e2e test does over HTTP), its operator confirms, the answer goes back.
    const received = await call(party, 'POST', '/dsp/erasure-requests', { token: party.nodeToken(I), payload: toTb.body });
    assert.equal(received.statusCode, 201, received.body);
    const listed = (await call(party, 'GET', '/api/v1/erasure-requests?status=received', { key: READ_KEY })).json();
    assert.deepEqual([listed.total, listed.items[0].id, listed.items[0].intermediary, listed.items[0].subjectId], [1, id, I, 'tb-123']);
    const confirmed = await call(party, 'POST', `/api/v1/erasure-requests/${id}/confirm`, { key: WRITE_KEY, payload: { outcome: 'erased' } });
    assert.deepEqual([confirmed.statusCode, confirmed.json().status], [200, 'erased'], confirmed.body);
    const answer = await pollUntil(async () => party.deliveries.find((d) => d.url === 'http://127.0.0.1:9/i/dsp/people/erasure-confirmations'), { what: 'the answer in the outbox' });
    problem(await call(inter, 'POST', '/dsp/people/erasure-confirmations', { token: inter.nodeToken(AG), payload: answer.body }), 403, 'DS_RIGHTS_WRONG_SENDER', '/body/confirmation');
    const settled = await call(inter, 'POST', '/dsp/people/erasure-confirmations', { token: inter.nodeToken(TB), payload: answer.body });
    assert.deepEqual([settled.statusCode, settled.json()], [200, { requestId: id, status: 'confirmed' }], settled.body);
    assert.equal((await call(inter, 'POST', '/dsp/people/erasure-confirmations', { token: inter.nodeToken(TB), payload: answer.body })).statusCode, 200, 'the same answer again is idempotent');
    assert.deepEqual(await states(), { [TB]: 'confirmed', [AG]: 'undeliverable', [GONE]: 'undeliverable' });
    assert.equal((await call(inter, 'GET', '/api/v1/me/erasure-requests', { token: lea })).json().items[0].status, 'closed');
    const sent = await inter.ledger.entries({ type: 'erasure.sent' });
    assert.deepEqual(sent.map((e) => e.subject), [id]);
    assert.doesNotMatch(JSON.stringify(sent[0]!.payload), /tb-123|ag-9/, 'no subject id in the intermediary log');
    assert.deepEqual((await party.ledger.entries({ type: 'erasure.confirmed' })).map((e) => e.payload.outcome), ['erased']);
    assert.deepEqual((await call(inter, 'GET', '/api/v1/me/erasure-requests', { token: inter.session('p-bob') })).json().items, []);
  });

  it('a party report leaves through the outbox signed; a bad measurement is left out, an invalid report never leaves', async () => {
    const base = { intermediaryDid: I, consentId: 'c-9', role: 'provider' as const, providerDid: TB, consumerDid: AG, datasetId: 'urn:uuid:d', state: 'COMPLETED' as const, at: clock.now() };
    await party.database.db.transaction().execute(async (tx) => {
      await party.rights.reportExchange(tx, { ...base, transferId: 't-ok', bytes: 5, sha256: 'AB'.repeat(32) });
      await party.rights.reportExchange(tx, { ...base, transferId: 't-bad-hash', bytes: -1, sha256: 'not-hex' });
      await party.rights.reportExchange(tx, { ...base, transferId: 't-bad-did', consumerDid: 'nobody' });
    });
    const sent = await pollUntil(async () => {
      const d = party.deliveries.filter((x) => x.url === 'http://127.0.0.1:9/i/dsp/people/exchanges');
      return d.length === 2 ? d : undefined;
    }, { what: 'two reports in the outbox' });
    const payloads = sent.map((d) => JSON.parse(Buffer.from(d.body.report!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>);
    const byId = Object.fromEntries(payloads.map((p) => [p.transferId, p]));
    assert.deepEqual([byId['t-ok']?.bytes, byId['t-ok']?.sha256, byId['t-ok']?.reporter], [5, 'ab'.repeat(32), TB]);
    assert.deepEqual([byId['t-bad-hash']?.bytes, byId['t-bad-hash']?.sha256], [undefined, undefined]);
    assert.equal(byId['t-bad-did'], undefined);
    const rows = await party.database.db.selectFrom('rights_outgoing_reports').select('transfer_id').where('transfer_id', '=', 't-bad-did').execute();
    assert.deepEqual(rows, []);
  });

  it('an unknown request id at the party is 404, a second id with other content 409', async () => {
    problem(await call(party, 'POST', '/api/v1/erasure-requests/nope/confirm', { key: WRITE_KEY, payload: { outcome: 'erased' } }), 404, 'DS_RIGHTS_ERASURE_NOT_FOUND');
    const first = (await call(party, 'GET', '/api/v1/erasure-requests', { key: READ_KEY })).json().items[0];
    const other = await keys[I]!.sign({ type: 'dases:ErasureRequest', id: first.id, intermediary: I, participant: TB, subjectId: 'tb-777', requestedAt: clock.now().toISOString() }, 'dases-erasure-request+jwt');
    problem(await call(party, 'POST', '/dsp/erasure-requests', { token: party.nodeToken(I), payload: { id: first.id, subjectId: 'tb-777', requestedAt: clock.now().toISOString(), request: other } }), 409, 'DS_RIGHTS_ERASURE_CONFLICT', '/body/id');
  });

  it('an answer that cannot reach its intermediary is refused and nothing changes', async () => {
    // AG's node acts as an intermediary the participant's directory does not list (e.g. removed since).
    const at = clock.now().toISOString();
    const request = await keys[AG]!.sign({ type: 'dases:ErasureRequest', id: 'from-ag', intermediary: AG, participant: TB, subjectId: 'tb-1', requestedAt: at }, 'dases-erasure-request+jwt');
    assert.equal((await call(party, 'POST', '/dsp/erasure-requests', { token: party.nodeToken(AG), payload: { id: 'from-ag', subjectId: 'tb-1', requestedAt: at, request } })).statusCode, 201);
    problem(await call(party, 'POST', '/api/v1/erasure-requests/from-ag/confirm', { key: WRITE_KEY, payload: { outcome: 'erased' } }), 422, 'DS_RIGHTS_UNKNOWN_INTERMEDIARY');
    const row = (await call(party, 'GET', '/api/v1/erasure-requests?status=received', { key: READ_KEY })).json().items.find((r: { id: string }) => r.id === 'from-ag');
    assert.equal(row.status, 'received');
    assert.equal((await party.ledger.entries({ type: 'erasure.confirmed' })).length, 1, 'only the earlier answer is logged');
  });
});
