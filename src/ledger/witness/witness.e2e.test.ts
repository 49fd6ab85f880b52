import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import { pollUntil } from '../../../test/support/poll.js';
import { startAll } from '../../../test/support/start-all.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { ManualClock, randomIds, silentLogger } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createLedger, TREE_HEAD_TYP, type Ledger } from '../index.js';
import { createWitnessing, type Witnessing } from './index.js';

const ADMIN = 'admin-key';
const clock = new ManualClock(new Date());

interface TestNode {
  url: string;
  app: App;
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  witnessing: Witnessing;
  database: Database;
}

/** A real node on loopback with identity, participants (recorded in the log), the ledger and witnessing. */
async function startNode(name: string, engine: Engine): Promise<TestNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider'] } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const witnessing = createWitnessing({ db, clock, logger, did: identity.did, ledger, tokens: identity.tokens, resolver: identity.resolver, signer: identity.signer, participants: participants.directory, intervalSeconds: 0, holder: name });
  const { app } = await createHttpApp({ logger, bodyLimit: 65536, authenticator: identity.authenticatorFor(participants.directory) });
  for (const routes of [identity.routes, participants.routes, ledger.routes, witnessing.routes]) await app.register(routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  await app.listen({ host: '127.0.0.1', port });
  return { url, app, identity, participants, ledger, witnessing, database };
}

forEachEngine('cross-node witnessing of transparency logs', (engine) => {
  let a: TestNode;
  let b: TestNode;
  let reader: string;
  const api = (n: TestNode, method: 'GET' | 'POST', url: string, payload?: object, key: string | null = ADMIN) =>
    n.app.inject({ method, url, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload ? { payload } : {}) });
  const appendToA = (n: number, tag: string) =>
    a.database.db.transaction().execute((tx) => a.ledger.appendMany(tx, Array.from({ length: n }, (_, i) => ({ type: 'dataset.published', actor: a.identity.did, subject: `${tag}-${i}`, payload: { i } }))));
  const witnessA = () => api(b, 'POST', '/api/v1/log/witness', { participant: a.identity.did });
  const typesIn = async (n: TestNode, type: string) => (await n.ledger.entries({ type })).map((e) => e.subject);

  before(async () => {
    [a, b] = await startAll([startNode('a', engine), startNode('b', engine)], async (n) => (await n.app.close(), await n.database.close()));
    await a.participants.add(b.identity.did);
    await b.participants.add(a.identity.did);
    reader = (await api(b, 'POST', '/api/v1/keys', { name: 'r', scopes: ['read'] })).json().key;
  });
  after(async () => {
    for (const n of [a, b]) {
      await n?.app.close();
      await n?.database.close();
    }
  });

  it('B verifies and counter-signs A head; both sides keep the signature and the cosignature', async () => {
    await appendToA(5, 'first');
    const res = await witnessA();
    assert.equal(res.statusCode, 200, res.body);
    const w = res.json();
    const head = await a.ledger.latestHead();
    assert.equal(head.size, 6, 'participant.added plus five entries');
    assert.deepEqual([w.participant, w.size, w.rootHash, w.head, w.delivered], [a.identity.did, 6, head.rootHash, head.head, true]);

    const witnessed = (await api(b, 'GET', `/api/v1/log/witnessed?participant=${encodeURIComponent(a.identity.did)}`, undefined, reader)).json();
    assert.deepEqual(witnessed.items.map((x: { size: number; cosignature: string }) => [x.size, x.cosignature]), [[6, w.cosignature]]);
    const cosigs = (await api(a, 'GET', '/api/v1/log/cosignatures')).json();
    assert.deepEqual(cosigs.items.map((x: { size: number; witness: string; cosignature: string }) => [x.size, x.witness, x.cosignature]), [[6, b.identity.did, w.cosignature]]);
    const payload = JSON.parse(Buffer.from(w.cosignature.split('.')[1], 'base64url').toString());
    assert.deepEqual(payload, { subject: a.identity.did, size: 6, rootHash: head.rootHash, timestamp: head.timestamp, witness: b.identity.did });
    assert.deepEqual(await typesIn(b, 'witness.cosigned'), [a.identity.did]);
  });

  it('witnesses again after A grows, verifying consistency; an unchanged head adds nothing to B log', async () => {
    await appendToA(7, 'second');
    const res = await witnessA();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().size, 13);
    assert.equal(res.json().rootHash, (await a.ledger.latestHead()).rootHash);
    assert.equal((await witnessA()).statusCode, 200);
    assert.equal((await typesIn(b, 'witness.cosigned')).length, 2, 'the same head is not cosigned into the log twice');
    assert.deepEqual((await api(a, 'GET', '/api/v1/log/cosignatures')).json().items.map((x: { size: number }) => x.size), [13, 6]);
    assert.deepEqual((await b.witnessing.witnessAll()).map((r) => [r.participant, r.ok, r.size]), [[a.identity.did, true, 13]]);
  });

  it('detects a split view when A presents another validly signed head for a size B witnessed', async () => {
    const real = await a.ledger.latestHead();
    const forgedRoot = randomBytes(32);
    const forged = await a.identity.signer.sign({ iss: a.identity.did, size: real.size, rootHash: forgedRoot.toString('base64'), timestamp: new Date(clock.now().getTime() + 1000).toISOString() }, TREE_HEAD_TYP);
    await a.database.db.updateTable('ledger_heads').set({ jws: forged, root_hash: forgedRoot }).where('size', '=', real.size).execute();
    assert.equal((await a.ledger.latestHead()).head, forged, 'A now serves the forged head');

    const res = await witnessA();
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, 'DS_LEDGER_WITNESS_SPLIT_VIEW');
    assert.equal(res.json().errors[0].path, '/remote/head');
    assert.equal((await witnessA()).statusCode, 409, 'still refused');
    const views = (await api(b, 'GET', '/api/v1/log/split-views', undefined, reader)).json();
    assert.equal(views.total, 1, 'the evidence is recorded once');
    assert.deepEqual([views.items[0].participant, views.items[0].size, views.items[0].knownHead, views.items[0].presentedHead], [a.identity.did, 13, real.head, forged]);
    assert.match(views.items[0].reason, /two different roots signed for size 13/);
    const [entry, ...more] = await b.ledger.entries({ type: 'witness.split-view' });
    assert.equal(more.length, 0);
    assert.deepEqual([entry?.subject, entry?.payload.knownHead, entry?.payload.presentedHead], [a.identity.did, real.head, forged]);
    const run = await b.witnessing.witnessAll();
    assert.deepEqual(run, [{ participant: a.identity.did, ok: false, code: 'DS_LEDGER_WITNESS_SPLIT_VIEW' }]);
    // Put the real head back for the following tests.
    await a.database.db.updateTable('ledger_heads').set({ jws: real.head, root_hash: Buffer.from(real.rootHash, 'base64') }).where('size', '=', real.size).execute();
  });

  it('detects a larger head whose consistency proof does not lead from the head B witnessed', async () => {
    await appendToA(2, 'third');
    const real = await a.ledger.latestHead();
    assert.equal(real.size, 15);
    const forgedRoot = randomBytes(32);
    const forged = await a.identity.signer.sign({ iss: a.identity.did, size: 15, rootHash: forgedRoot.toString('base64'), timestamp: real.timestamp }, TREE_HEAD_TYP);
    await a.database.db.updateTable('ledger_heads').set({ jws: forged, root_hash: forgedRoot }).where('size', '=', 15).execute();
    const res = await witnessA();
    assert.deepEqual([res.statusCode, res.json().code], [409, 'DS_LEDGER_WITNESS_SPLIT_VIEW']);
    assert.match(res.json().detail, /the consistency proof from size 13 to 15 does not verify/);
    await a.database.db.updateTable('ledger_heads').set({ jws: real.head, root_hash: Buffer.from(real.rootHash, 'base64') }).where('size', '=', 15).execute();
    const again = await witnessA();
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().size, 15);
    assert.equal((await api(b, 'GET', '/api/v1/log/split-views', undefined, reader)).json().total, 2);
    assert.deepEqual(await typesIn(a, 'participant.added'), [b.identity.did], "A's registry change is in A's log");
  });

  it('reports unverifiable, failing and unreachable logs without taking them for split views', async () => {
    const real = await a.ledger.latestHead();
    const restore = () => a.database.db.updateTable('ledger_heads').set({ jws: real.head }).where('size', '=', real.size).execute();
    // Signed by B's key while claiming to be A's: no evidence against A, just an invalid answer.
    const impostor = await b.identity.signer.sign({ iss: a.identity.did, size: real.size, rootHash: real.rootHash, timestamp: real.timestamp }, TREE_HEAD_TYP);
    await a.database.db.updateTable('ledger_heads').set({ jws: impostor }).where('size', '=', real.size).execute();
    const invalid = await witnessA();
    assert.deepEqual([invalid.statusCode, invalid.json().code, invalid.json().errors[0].path], [502, 'DS_LEDGER_WITNESS_INVALID_HEAD', '/remote/head']);
    await restore();

    await a.participants.suspend(b.identity.did, 'maintenance');
    const refused = await witnessA();
    assert.deepEqual([refused.statusCode, refused.json().code], [502, 'DS_LEDGER_WITNESS_REMOTE_ERROR']);
    assert.deepEqual(refused.json().errors.map((e: { message: string }) => e.message), ['401', 'DS_AUTH_SUSPENDED_PARTICIPANT']);
    await a.participants.activate(b.identity.did);

    const endpoints = (await b.participants.directory.get(a.identity.did))!.endpoints;
    const setDsp = (dsp: string) => b.database.db.updateTable('participants').set({ endpoints: JSON.stringify({ ...endpoints, dsp }) }).where('did', '=', a.identity.did).execute();
    await setDsp(`http://127.0.0.1:${await freePort()}/dsp`);
    const down = await witnessA();
    assert.deepEqual([down.statusCode, down.json().code], [502, 'DS_LEDGER_WITNESS_UNREACHABLE']);
    await setDsp(endpoints.dsp!);

    assert.equal((await api(b, 'GET', '/api/v1/log/split-views', undefined, reader)).json().total, 2, 'no new split view');
    assert.equal((await witnessA()).statusCode, 200);
  });

  it('runs the periodic job under its lease and stops it', async () => {
    const job = createWitnessing({ db: b.database.db, clock, logger: silentLogger(), did: b.identity.did, ledger: b.ledger, tokens: b.identity.tokens, resolver: b.identity.resolver, signer: b.identity.signer, participants: b.participants.directory, intervalSeconds: 1, holder: 'job-test' });
    const before = await b.database.db.selectFrom('ledger_witnessed').select('observed_at').where('participant_did', '=', a.identity.did).orderBy('size', 'desc').executeTakeFirstOrThrow();
    await appendToA(1, 'job');
    const { size } = await a.ledger.latestHead();
    clock.advance(1000);
    job.start();
    try {
      const lease = await pollUntil(() => b.database.db.selectFrom('job_leases').selectAll().where('name', '=', 'ledger.witness').executeTakeFirst(), { timeoutMs: 10_000, what: 'the witness job lease' });
      assert.equal(lease.holder, 'job-test');
      const latest = await pollUntil(() => b.database.db.selectFrom('ledger_witnessed').selectAll().where('participant_did', '=', a.identity.did).where('size', '=', size).executeTakeFirst(), { timeoutMs: 10_000, what: 'the job to witness A' });
      assert.ok(latest.observed_at > before.observed_at);
      // The round ends with handing the cosignature to A: wait for it so no request outlives this test.
      await pollUntil(() => a.database.db.selectFrom('ledger_cosignatures').selectAll().where('size', '=', size).executeTakeFirst(), { timeoutMs: 10_000, what: 'A to receive the cosignature' });
    } finally {
      job.stop();
    }
  });

  it('refuses callers without a token on the dsp routes and keys without the scope on the management routes', async () => {
    for (const [method, path] of [['GET', '/dsp/log/head'], ['POST', '/dsp/log/cosignatures']] as const) {
      const res = await fetch(`${a.url}${path}`, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{"head":"x","cosignature":"y"}' } : {}) });
      assert.equal(res.status, 401, path);
      const body = (await res.json()) as { code: string; '@type'?: string };
      assert.deepEqual([body.code, body['@type']], ['DS_AUTH_MISSING_CREDENTIALS', 'LogError']);
    }
    for (const [method, path] of [['POST', '/api/v1/log/witness'], ['GET', '/api/v1/log/witnessed'], ['GET', '/api/v1/log/cosignatures'], ['GET', '/api/v1/log/split-views']] as const) {
      assert.equal((await api(b, method, path, method === 'POST' ? { participant: a.identity.did } : undefined, null)).statusCode, 401, path);
    }
    const res = await api(b, 'POST', '/api/v1/log/witness', { participant: a.identity.did }, reader);
    assert.deepEqual([res.statusCode, res.json().code], [403, 'DS_AUTH_INSUFFICIENT_SCOPE']);
  });

  it('answers bad requests with problem+json naming the field', async () => {
    const head = await fetch(`${a.url}/dsp/log/head?from=999`, { headers: { authorization: `Bearer ${await b.identity.tokens.sign(a.identity.did)}` } });
    assert.equal(head.status, 400);
    assert.equal(((await head.json()) as { errors: Array<{ path: string }> }).errors[0]?.path, '/querystring/from');
    const post = async (body: object) =>
      fetch(`${a.url}/dsp/log/cosignatures`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await b.identity.tokens.sign(a.identity.did)}` }, body: JSON.stringify(body) });
    const real = await a.ledger.latestHead();
    const cosign = (p: object) => b.identity.signer.sign({ subject: a.identity.did, size: real.size, rootHash: real.rootHash, timestamp: real.timestamp, witness: b.identity.did, ...p }, 'dases-cosignature+jwt');
    const expect = async (res: Response, status: number, code: string, path: string) => {
      const body = (await res.json()) as { code: string; errors: Array<{ path: string }> };
      assert.deepEqual([res.status, body.code, body.errors[0]?.path], [status, code, path]);
    };
    await expect(await post({ head: real.head, cosignature: await cosign({ witness: a.identity.did }) }), 400, 'DS_LEDGER_WITNESS_INVALID_COSIGNATURE', '/body/cosignature');
    await expect(await post({ head: real.head, cosignature: await cosign({ size: 1 }) }), 400, 'DS_LEDGER_WITNESS_INVALID_COSIGNATURE', '/body/cosignature');
    await expect(await post({ head: real.head, cosignature: await cosign({ subject: b.identity.did }) }), 400, 'DS_LEDGER_WITNESS_INVALID_COSIGNATURE', '/body/cosignature');
    const foreign = await b.identity.signer.sign({ iss: a.identity.did, size: real.size, rootHash: real.rootHash, timestamp: real.timestamp }, TREE_HEAD_TYP);
    await expect(await post({ head: foreign, cosignature: await cosign({}) }), 404, 'DS_LEDGER_WITNESS_UNKNOWN_HEAD', '/body/head');
    await expect(await post({ head: real.head, cosignature: await cosign({}), extra: 1 }), 400, 'DS_HTTP_VALIDATION', '/body/extra');

    const unknown = await api(b, 'POST', '/api/v1/log/witness', { participant: 'did:web:nobody.example' });
    assert.deepEqual([unknown.statusCode, unknown.json().code, unknown.json().errors[0].path], [422, 'DS_LEDGER_WITNESS_NO_ENDPOINT', '/body/participant']);
    const missing = await api(b, 'POST', '/api/v1/log/witness', {});
    assert.deepEqual([missing.statusCode, missing.json().errors[0].path], [400, '/body/participant']);
  });
});
