import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { ManualClock, randomIds, silentLogger } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createLedger, hashedForm, leafHash, verifyReceipt, verifyTreeHeadJws, type Ledger } from '../index.js';

const ADMIN = 'admin-key';

describe('transparency log HTTP routes', () => {
  let database: Database;
  let identity: Identity;
  let log: Ledger;
  let app: App;
  const keys: Record<string, string> = {};
  const get = (url: string, key: string | null = ADMIN) => app.inject({ method: 'GET', url, ...(key ? { headers: { 'x-api-key': key } } : {}) });
  const problem = async (url: string, status: number, code: string, path: string) => {
    const res = await get(url);
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(res.json().code, code, url);
    assert.equal(res.json().errors[0].path, path, url);
  };

  before(async () => {
    database = await openTestDatabase('pglite');
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    identity = await createIdentity({ db: database.db, clock, ids: randomIds, logger: silentLogger(), publicUrl: 'http://127.0.0.1:1', dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name: 'n', roles: ['data-provider'] } });
    log = createLedger({ db: database.db, clock, logger: silentLogger(), did: identity.did, signer: identity.signer });
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 65536, authenticator: identity.authenticatorFor({ statusOf: async () => undefined }) }));
    await app.register(identity.routes);
    await app.register(log.routes);
    await app.ready();
    for (const scope of ['read', 'write']) keys[scope] = (await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { 'x-api-key': ADMIN }, payload: { name: scope, scopes: [scope] } })).json().key;
    await database.db.transaction().execute((tx) =>
      log.appendMany(tx, Array.from({ length: 13 }, (_, i) => ({ type: i % 2 ? 'participant.added' : 'dataset.published', actor: identity.did, subject: `s${i}`, payload: { i, note: 'ünïcode ✓' } }))),
    );
  });
  after(async () => {
    await app.close();
    await database.close();
  });

  it('serves the signed head under the API and publicly, signed by a key of the DID document', async () => {
    const res = await get('/api/v1/log/head');
    assert.equal(res.statusCode, 200, res.body);
    const h = res.json();
    assert.equal(h.size, 13);
    const pub = await get('/.well-known/dases-log-head', null);
    assert.equal(pub.statusCode, 200);
    assert.match(pub.headers['content-type'] as string, /application\/jose/);
    assert.equal(pub.body, h.head);
    const vm = (await identity.didDocument()).verificationMethod![0]!;
    const v = await verifyTreeHeadJws(h.head, vm.publicKeyJwk);
    assert.ok(v.ok);
    assert.deepEqual({ size: v.value.head.size, rootHash: v.value.head.rootHash, timestamp: v.value.head.timestamp, iss: v.value.head.iss }, { size: 13, rootHash: h.rootHash, timestamp: h.timestamp, iss: identity.did });
  });

  it('lists entries whose hashed form (without index) is the leaf the inclusion proof starts from', async () => {
    const res = await get('/api/v1/log/entries?start=2&end=9&type=participant.added&limit=2');
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json();
    assert.deepEqual(page.entries.map((e: { index: number }) => e.index), [3, 5]);
    assert.equal(page.next, 6);
    for (const e of page.entries) {
      const p = (await get(`/api/v1/log/proofs/inclusion?index=${e.index}&size=13`)).json();
      assert.equal(p.leafHash, Buffer.from(leafHash(hashedForm(e))).toString('base64'));
      assert.equal(p.auditPath.length, 4);
    }
    const c = (await get('/api/v1/log/proofs/consistency?from=5&to=13')).json();
    assert.equal(c.from, 5);
    assert.ok(c.proof.length > 0);
  });

  it('hands out a receipt that verifies offline against the DID document', async () => {
    const res = await get('/api/v1/log/receipts/7');
    assert.equal(res.statusCode, 200, res.body);
    const r = await verifyReceipt(res.json(), { didDocument: await identity.didDocument() });
    assert.ok(r.ok, JSON.stringify(r));
  });

  it('answers bad and out-of-range parameters with 400 naming the field', async () => {
    await problem('/api/v1/log/proofs/inclusion?index=abc', 400, 'DS_HTTP_VALIDATION', '/querystring/index');
    await problem('/api/v1/log/proofs/inclusion?index=13', 400, 'DS_LEDGER_OUT_OF_RANGE', '/querystring/index');
    await problem('/api/v1/log/proofs/inclusion?index=1&size=14', 400, 'DS_LEDGER_OUT_OF_RANGE', '/querystring/size');
    await problem('/api/v1/log/proofs/inclusion?index=-1', 400, 'DS_HTTP_VALIDATION', '/querystring/index');
    await problem('/api/v1/log/proofs/consistency?from=6&to=5', 400, 'DS_LEDGER_OUT_OF_RANGE', '/querystring/from');
    await problem('/api/v1/log/proofs/consistency?from=1&to=99', 400, 'DS_LEDGER_OUT_OF_RANGE', '/querystring/to');
    await problem('/api/v1/log/proofs/consistency?from=1', 400, 'DS_HTTP_VALIDATION', '/querystring/to');
    await problem('/api/v1/log/entries?type=dataset.stolen', 400, 'DS_LEDGER_UNKNOWN_TYPE', '/querystring/type');
    await problem('/api/v1/log/entries?limit=0', 400, 'DS_HTTP_VALIDATION', '/querystring/limit');
    await problem('/api/v1/log/entries?start=5&end=4', 400, 'DS_HTTP_VALIDATION', '/querystring/end');
    await problem('/api/v1/log/entries?from=yesterday', 400, 'DS_HTTP_VALIDATION', '/querystring/from');
    await problem('/api/v1/log/entries?colour=red', 400, 'DS_HTTP_VALIDATION', '/querystring/colour');
    await problem('/api/v1/log/receipts/x', 400, 'DS_HTTP_VALIDATION', '/params/index');
    await problem('/api/v1/log/receipts/13', 400, 'DS_LEDGER_OUT_OF_RANGE', '/params/index');
  });

  it('refuses every management route without a key (401) and verify without the admin scope (403)', async () => {
    for (const url of ['/api/v1/log/head', '/api/v1/log/entries', '/api/v1/log/proofs/inclusion?index=0', '/api/v1/log/proofs/consistency?from=0&to=1', '/api/v1/log/receipts/0', '/api/v1/log/verify']) {
      const res = await get(url, null);
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      assert.equal((await get(url, keys.read)).statusCode, url.endsWith('verify') ? 403 : 200, url);
    }
    assert.equal((await get('/api/v1/log/verify', keys.write)).json().code, 'DS_AUTH_INSUFFICIENT_SCOPE');
  });

  it('reports verification with 200, ok:false and the first bad index after tampering', async () => {
    const good = await get('/api/v1/log/verify');
    assert.equal(good.statusCode, 200);
    assert.equal(good.json().ok, true);
    await sql`update ledger_entries set canonical = replace(canonical, '"i":4', '"i":40') where idx = 4`.execute(database.db);
    const bad = (await get('/api/v1/log/verify')).json();
    assert.equal(bad.ok, false);
    assert.equal(bad.firstBadIndex, 4);
  });
});
