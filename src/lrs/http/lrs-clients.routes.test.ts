import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Database } from '../../db/index.js';
import { forEachEngine } from '../../../test/support/databases.js';
import { basicAuth, OPERATOR_KEY, withLrsHarness, type LrsHarness } from '../testing/lrs-harness.js';
import { problem, statement } from '../testing/statement-fixtures.js';

/** The operator's xAPI clients (POST/GET/DELETE /api/v1/lrs/clients), HTTP Basic with them, and /xapi/about. */
forEachEngine('LRS clients and about', (engine) => {
  let h: LrsHarness;
  let database: Database;
  withLrsHarness(engine, (x, d) => {
    h = x;
    database = d;
  });
  const admin = { 'x-api-key': OPERATOR_KEY };

  test('a client is created with a secret shown once, listed without it, and works for HTTP Basic', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/lrs/clients', headers: admin, payload: { name: 'Moodle', scopes: ['statements/write', 'statements/read'] } });
    assert.equal(res.statusCode, 201);
    const created = res.json();
    assert.equal(created.name, 'Moodle');
    assert.ok(created.key && created.secret && created.id);
    const list = (await h.app.inject({ method: 'GET', url: '/api/v1/lrs/clients', headers: admin })).json() as Array<Record<string, unknown>>;
    const listed = list.find((c) => c.id === created.id);
    assert.deepEqual(listed?.scopes, ['statements/write', 'statements/read']);
    assert.equal(listed?.secret, undefined);
    // Only a hash of the secret is stored.
    const row = await database.db.selectFrom('lrs_clients').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.notEqual(row.secret_hash, created.secret);
    assert.ok(!JSON.stringify(row).includes(created.secret));
    const auth = basicAuth(created.key, created.secret);
    const post = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '2.0.0' }, payload: statement() });
    assert.equal(post.statusCode, 200);
    // The authority of what it stores is the client.
    const [id] = post.json() as string[];
    const s = (await h.app.inject({ method: 'GET', url: `/xapi/statements?statementId=${id}`, headers: { authorization: auth, 'x-experience-api-version': '2.0.0' } })).json();
    assert.deepEqual(s.authority, { objectType: 'Agent', name: 'Moodle', account: { homePage: 'https://lrs.example', name: created.id } });
    const wrong = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { authorization: basicAuth(created.key, `${created.secret}x`), 'x-experience-api-version': '2.0.0' } });
    assert.deepEqual(problem(wrong), { status: 401, code: 'DS_LRS_INVALID_CREDENTIALS', paths: ['/headers/authorization'] });
    // Deleted: its credentials stop working at once.
    assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/v1/lrs/clients/${created.id}`, headers: admin })).statusCode, 204);
    const after = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '2.0.0' } });
    assert.equal(problem(after).code, 'DS_LRS_INVALID_CREDENTIALS');
    assert.deepEqual(problem(await h.app.inject({ method: 'DELETE', url: `/api/v1/lrs/clients/${created.id}`, headers: admin })), { status: 404, code: 'DS_LRS_CLIENT_NOT_FOUND', paths: ['/params/id'] });
  });

  test('creating needs the admin key and valid scopes, naming the field', async () => {
    assert.equal((await h.app.inject({ method: 'POST', url: '/api/v1/lrs/clients', payload: { name: 'x', scopes: ['all'] } })).statusCode, 401);
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/lrs/clients', headers: admin, payload: { name: 'x', scopes: ['everything'] } });
    assert.equal(bad.statusCode, 400);
    assert.ok(problem(bad).paths.some((p) => p.startsWith('/body/scopes/0')));
    assert.deepEqual(problem(await h.app.inject({ method: 'POST', url: '/api/v1/lrs/clients', headers: admin, payload: { name: 'x', scopes: ['all'], secret: 's' } })).paths, ['/body/secret']);
  });

  test('authenticate() gives the principal the kernel checks scopes on', async () => {
    const c = await h.lrs.clients.create({ name: 'cmi5 player', scopes: ['state'] });
    assert.deepEqual(await h.lrs.authenticate(c.key, c.secret), { kind: 'lrs-client', clientId: c.id, name: 'cmi5 player', scopes: ['state'] });
    await assert.rejects(h.lrs.authenticate(c.key, 'nope'), { code: 'DS_LRS_INVALID_CREDENTIALS' });
    await assert.rejects(h.lrs.authenticate('lrs_unknown', c.secret), { code: 'DS_LRS_INVALID_CREDENTIALS' });
  });

  test('XAPI-00315/00316/00317/00318/00319/00320 /xapi/about is public, lists the versions and needs no version header', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/xapi/about' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.ok(body.version.includes('1.0.3') && body.version.includes('2.0.0'));
    assert.equal(res.headers['x-experience-api-version'], '2.0.0');
    assert.equal(body.extensions['https://w3id.org/dases/ns#node'], 'did:web:lrs.example');
    const old = await h.app.inject({ method: 'GET', url: '/xapi/about', headers: { 'x-experience-api-version': '1.0.3' } });
    assert.equal(old.headers['x-experience-api-version'], '1.0.3');
    // XAPI-00316: a 1.0 client sees only 1.0.x versions.
    assert.ok((old.json().version as string[]).every((v) => /^1\.0\.\d+$/.test(v)));
  });
});
