import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import type { Database } from '../db/index.js';
import { ManualClock, SequentialIds, silentLogger, type Authenticator } from '../kernel/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import { SqlSeenTokenStore } from './adapters/sql-identity.store.js';
import { createIdentity, type Identity, type IdentityDeps } from './index.js';

const URL_A = 'http://127.0.0.1:4999';
const masterKey = randomBytes(32).toString('base64');

forEachEngine('identity store', (engine) => {
  let d: Database;
  let dir: string;
  let identity: Identity;
  let app: App;
  const clock = new ManualClock('2026-04-01T00:00:00Z');
  // One id sequence for every instance: real processes draw random UUIDs and never collide; two
  // SequentialIds would hand both "processes" the same ids.
  const ids = new SequentialIds();
  const deps = (over: Partial<IdentityDeps> = {}): IdentityDeps => ({
    db: d.db,
    clock,
    ids,
    logger: silentLogger(),
    publicUrl: URL_A,
    dataDir: null,
    masterKey,
    adminApiKey: 'admin-secret',
    didCacheTtlSeconds: 60,
    profile: { name: 'node a', legalName: 'Organisme A', headquarters: 'FR-IDF', roles: ['data-provider'] },
    ...over,
  });
  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key?: string, payload?: unknown) =>
    app.inject({ method, url, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload !== undefined ? { payload: payload as object } : {}) });

  before(async () => {
    d = await openTestDatabase(engine);
    dir = mkdtempSync(join(tmpdir(), 'dases-id-'));
    // Two processes starting together on one database: one key, one bootstrap key.
    const [first] = await Promise.all([createIdentity(deps()), createIdentity(deps())]);
    identity = first;
    const participants = { statusOf: async () => undefined };
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 65536, authenticator: identity.authenticatorFor(participants) }));
    await app.register(identity.routes);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates exactly one active key and one bootstrap key when processes start together', async () => {
    assert.equal((await d.db.selectFrom('node_keys').selectAll().execute()).length, 1);
    assert.equal((await d.db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null).execute()).length, 1);
    const row = await d.db.selectFrom('node_keys').selectAll().executeTakeFirstOrThrow();
    assert.ok(!row.private_jwk_enc.includes('"d"'), 'private key is encrypted');
  });

  it('serves a DID document and a credential that verifies against it', async () => {
    const doc = await api('GET', '/.well-known/did.json');
    assert.equal(doc.statusCode, 200);
    assert.match(doc.headers['content-type'] as string, /application\/did\+json/);
    const body = doc.json();
    assert.equal(body.id, 'did:web:127.0.0.1%3A4999');
    assert.deepEqual(body.service.map((s: { type: string }) => s.type), ['DataService', 'CatalogService', 'ParticipantCredential', 'ExchangeReceiptService']);
    const vc = await api('GET', '/.well-known/participant.vc');
    assert.match(vc.headers['content-type'] as string, /application\/vc\+jwt/);
    const r = await identity.verifyCredential(vc.body, body);
    assert.ok(r.ok);
    assert.equal(r.value['gx:legalName'], 'Organisme A');
  });

  it('rotates keys: old key stays published, new credential and tokens use the new key', async () => {
    const oldVc = (await api('GET', '/.well-known/participant.vc')).body;
    const res = await api('POST', '/api/v1/identity/keys/rotate', 'admin-secret');
    assert.equal(res.statusCode, 200, res.body);
    const keys = res.json().keys as Array<{ status: string; kid: string }>;
    assert.deepEqual(keys.map((k) => k.status).sort(), ['active', 'retired']);
    const doc = await identity.didDocument();
    assert.equal(doc.verificationMethod?.length, 2);
    assert.deepEqual(doc.assertionMethod, [`${identity.did}#${keys.find((k) => k.status === 'active')!.kid}`]);
    assert.ok((await identity.verifyCredential(oldVc, doc)).ok, 'an old credential still verifies');
    const newVc = (await api('GET', '/.well-known/participant.vc')).body;
    assert.notEqual(newVc, oldVc);
    const header = JSON.parse(Buffer.from(newVc.split('.')[0]!, 'base64url').toString());
    assert.equal(header.kid, doc.assertionMethod?.[0]);
  });

  it('updates the profile (validated) and reissues the credential', async () => {
    const bad = await api('PUT', '/api/v1/identity/profile', 'admin-secret', { name: 'n', headquarters: 'Paris', roles: ['data-provider'] });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].path, '/body/headquarters');
    const ok = await api('PUT', '/api/v1/identity/profile', 'admin-secret', { name: 'node a', legalName: 'Nouveau nom', headquarters: 'FR-ARA', roles: ['data-consumer'] });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().credential.credentialSubject['gx:legalName'], 'Nouveau nom');
    const again = await createIdentity(deps());
    assert.equal((await d.db.selectFrom('node_identity').select('profile').executeTakeFirstOrThrow()).profile && (await api('GET', '/api/v1/identity', 'admin-secret')).json().profile.legalName, 'Nouveau nom', 'an unchanged config does not undo the edit');
    assert.equal(again.did, identity.did);
  });

  it('runs the API key lifecycle: create, list without secrets, authenticate, revoke at once', async () => {
    const created = await api('POST', '/api/v1/keys', 'admin-secret', { name: 'reader', scopes: ['read'] });
    assert.equal(created.statusCode, 201, created.body);
    const { id, key } = created.json();
    assert.match(key, /^dases_[A-Za-z0-9_-]{43}$/);
    const list = await api('GET', '/api/v1/keys', 'admin-secret');
    assert.ok(!list.body.includes(key));
    assert.ok(list.json().items.some((k: { id: string; prefix: string }) => k.id === id && key.startsWith(k.prefix)));
    assert.equal((await api('GET', '/api/v1/identity', key)).statusCode, 200);
    assert.equal((await api('GET', '/api/v1/keys', key)).statusCode, 403);
    assert.equal((await api('DELETE', `/api/v1/keys/${id}`, 'admin-secret')).statusCode, 204);
    const refused = await api('GET', '/api/v1/identity', key);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().code, 'DS_AUTH_INVALID_API_KEY');
    const unknown = await api('DELETE', '/api/v1/keys/00000000-0000-4000-8000-00000000abcd', 'admin-secret');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'DS_IDENTITY_KEY_NOT_FOUND');
  });

  it('refuses every identity route without a key (401) and with too weak a scope (403)', async () => {
    const reader = (await api('POST', '/api/v1/keys', 'admin-secret', { name: 'r', scopes: ['read'] })).json().key as string;
    const routes: Array<['GET' | 'POST' | 'PUT' | 'DELETE', string, boolean]> = [
      ['GET', '/api/v1/identity', false],
      ['PUT', '/api/v1/identity/profile', true],
      ['POST', '/api/v1/identity/keys/rotate', true],
      ['POST', '/api/v1/keys', true],
      ['GET', '/api/v1/keys', true],
      ['DELETE', '/api/v1/keys/00000000-0000-4000-8000-000000000000', true],
    ];
    for (const [m, u, needsMore] of routes) {
      const none = await api(m, u);
      assert.equal(none.statusCode, 401, `${m} ${u}`);
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      if (needsMore) assert.equal((await api(m, u, reader)).statusCode, 403, `${m} ${u}`);
    }
  });

  it('replaces the bootstrap key when DASES_ADMIN_API_KEY changes', async () => {
    await createIdentity(deps({ adminApiKey: 'new-admin-secret' }));
    assert.equal((await api('GET', '/api/v1/keys', 'admin-secret')).statusCode, 401);
    assert.equal((await api('GET', '/api/v1/keys', 'new-admin-secret')).statusCode, 200);
  });

  it('generates an admin key file (0600) when none is configured and no key is active', async () => {
    const fresh = await openTestDatabase(engine);
    try {
      const id = await createIdentity({ ...deps({ adminApiKey: undefined, dataDir: dir }), db: fresh.db });
      assert.equal(id.generatedAdminKeyFile, join(dir, 'admin-api-key'));
      assert.equal(statSync(id.generatedAdminKeyFile!).mode & 0o777, 0o600);
      const key = readFileSync(id.generatedAdminKeyFile!, 'utf8').trim();
      const auth: Authenticator = id.authenticatorFor({ statusOf: async () => undefined });
      assert.deepEqual((await auth.operator(key)).scopes, ['admin']);
      assert.equal((await createIdentity({ ...deps({ adminApiKey: undefined, dataDir: dir }), db: fresh.db })).generatedAdminKeyFile, undefined);
    } finally {
      await fresh.close();
    }
  });

  it('records a jti and reads its issuer\'s status in one statement', async () => {
    const store = new SqlSeenTokenStore(d.db);
    const row = (did: string, status: 'active' | 'suspended') => ({ did, name: did, roles: '[]', endpoints: '{}', did_document: '{}', credential: '', self_description: '{}', status, status_reason: null, verified_at: clock.now(), added_at: clock.now(), updated_at: clock.now() });
    await d.db.insertInto('participants').values([row('did:web:active.example', 'active'), row('did:web:suspended.example', 'suspended')]).execute();
    const read = (did: string) => d.db.selectFrom('participants').select('status').where('did', '=', did);
    const until = new Date('2026-04-02T00:00:00Z');
    assert.deepEqual(await store.markSeenReading('did:web:active.example', 'j1', until, read('did:web:active.example')), { fresh: true, status: 'active' });
    assert.deepEqual(await store.markSeenReading('did:web:active.example', 'j1', until, read('did:web:active.example')), { fresh: false, status: 'active' });
    assert.deepEqual(await store.markSeenReading('did:web:suspended.example', 'j1', until, read('did:web:suspended.example')), { fresh: true, status: 'suspended' });
    assert.deepEqual(await store.markSeenReading('did:web:stranger.example', 'j2', until, read('did:web:stranger.example')), { fresh: true, status: undefined });
    // Two requests racing with one token: exactly one is fresh.
    const raced = await Promise.all(Array.from({ length: 8 }, () => store.markSeenReading('did:web:active.example', 'j3', until, read('did:web:active.example'))));
    assert.equal(raced.filter((r) => r.fresh).length, 1);
    await d.db.deleteFrom('seen_tokens').execute();
    await d.db.deleteFrom('participants').execute();
  });

  it('sweeps seen token ids once expired', async () => {
    await d.db.insertInto('seen_tokens').values([{ issuer: 'x', jti: '1', expires_at: new Date('2026-03-01T00:00:00Z') }, { issuer: 'x', jti: '2', expires_at: new Date('2026-05-01T00:00:00Z') }]).execute();
    assert.equal(await identity.sweepSeenTokens(), 1);
  });
});
