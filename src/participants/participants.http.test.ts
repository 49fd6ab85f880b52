import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { openTestDatabase } from '../../test/support/databases.js';
import { freePort } from '../../test/support/nodes.js';
import { startAll } from '../../test/support/start-all.js';
import type { Database } from '../db/index.js';
import { createIdentity, type Identity } from '../identity/index.js';
import { ManualClock, randomIds, silentLogger } from '../kernel/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import { createParticipants, type Participants } from './index.js';

interface TestNode {
  url: string;
  app: App;
  identity: Identity;
  participants: Participants;
  database: Database;
}

const ADMIN = 'admin-key';
const clock = new ManualClock(new Date());

/** A real node shell on loopback: identity, participants, the DSP version document and one 'dsp' test route. */
async function startNode(name: string, headquarters: string): Promise<TestNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase('pglite');
  const identity = await createIdentity({
    db: database.db,
    clock,
    ids: randomIds,
    logger: silentLogger(),
    publicUrl: url,
    dataDir: null,
    adminApiKey: ADMIN,
    didCacheTtlSeconds: 300,
    profile: { name, legalName: `Legal ${name}`, headquarters, roles: ['data-provider', 'data-consumer'] },
  });
  const participants = createParticipants({ db: database.db, clock, logger: silentLogger(), identity });
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 65536, authenticator: identity.authenticatorFor(participants.directory) });
  await app.register(identity.routes);
  await app.register(participants.routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  app.get('/dsp/test-protected', { config: { auth: 'dsp' } }, async (req) => ({ caller: req.principal.kind === 'participant' ? req.principal.did : null }));
  await app.listen({ host: '127.0.0.1', port });
  return { url, app, identity, participants, database };
}

describe('participants over the network', () => {
  let a: TestNode;
  let b: TestNode;
  let stranger: TestNode;
  let reader: string;

  const api = (n: TestNode, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, key: string | null = ADMIN) =>
    n.app.inject({ method, url, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload ? { payload } : {}) });
  const callA = (token?: string) => fetch(`${a.url}/dsp/test-protected`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const expect401 = async (res: Response, code: string) => {
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(((await res.json()) as { code: string }).code, code);
  };

  before(async () => {
    [a, b, stranger] = await startAll([startNode('a', 'FR-IDF'), startNode('b', 'FR-ARA'), startNode('s', 'DE-BY')], async (n) => (await n.app.close(), await n.database.close()));
    reader = (await api(a, 'POST', '/api/v1/keys', { name: 'r', scopes: ['read'] })).json().key;
  });
  after(async () => {
    for (const n of [a, b, stranger]) {
      await n?.app.close();
      await n?.database.close();
    }
  });

  it('adds B by DID over the network, verifying its credential and discovering its DSP endpoint', async () => {
    const res = await api(a, 'POST', '/api/v1/participants', { did: b.identity.did });
    assert.equal(res.statusCode, 201, res.body);
    const p = res.json();
    assert.equal(p.did, b.identity.did);
    assert.equal(p.name, 'Legal b');
    assert.equal(p.status, 'active');
    assert.deepEqual(p.roles, ['data-provider', 'data-consumer']);
    assert.deepEqual(p.endpoints, { dsp: `${b.url}/dsp`, catalog: `${b.url}/dsp/catalog`, credential: `${b.url}/.well-known/participant.vc` });
    assert.equal(p.selfDescription['gx:headquartersAddress']['gx:countrySubdivisionCode'], 'FR-ARA');
    const again = await api(a, 'POST', '/api/v1/participants', { url: b.url });
    assert.equal(again.statusCode, 200, 'adding again by URL refreshes');
    assert.deepEqual((await a.participants.directory.listActive()).map((x) => x.did), [b.identity.did]);
  });

  it('accepts B token on a dsp route and refuses forged, expired, replayed, unknown and wrong-audience ones', async () => {
    await expect401(await callA(), 'DS_AUTH_MISSING_CREDENTIALS');
    const good = await b.identity.tokens.sign(a.identity.did);
    const ok = await callA(good);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { caller: b.identity.did });
    await expect401(await callA(good), 'DS_AUTH_TOKEN_REPLAYED');

    const [h, p, s] = (await b.identity.tokens.sign(a.identity.did)).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    await expect401(await callA(`${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 60 })).toString('base64url')}.${s}`), 'DS_AUTH_INVALID_TOKEN');

    // The stranger signs with its own key but claims to be B: the key is not in B's DID document.
    const { generateKeyPair } = await import('jose');
    const evil = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const iat = Math.floor(clock.now().getTime() / 1000);
    const impostor = await new SignJWT({ jti: 'x1' }).setProtectedHeader({ alg: 'EdDSA', kid: `${b.identity.did}#nope` }).setIssuer(b.identity.did).setSubject(b.identity.did).setAudience(a.identity.did).setIssuedAt(iat).setExpirationTime(iat + 60).sign(evil.privateKey);
    await expect401(await callA(impostor), 'DS_AUTH_INVALID_TOKEN');

    clock.advance(-10 * 60_000);
    const old = await b.identity.tokens.sign(a.identity.did);
    clock.advance(10 * 60_000);
    await expect401(await callA(old), 'DS_AUTH_TOKEN_EXPIRED');

    await expect401(await callA(await stranger.identity.tokens.sign(a.identity.did)), 'DS_AUTH_UNKNOWN_PARTICIPANT');
    await expect401(await callA(await b.identity.tokens.sign(stranger.identity.did)), 'DS_AUTH_WRONG_AUDIENCE');
  });

  it('cuts off a suspended participant at once and lets it back in on activation', async () => {
    const enc = encodeURIComponent(b.identity.did);
    const res = await api(a, 'POST', `/api/v1/participants/${enc}/suspend`, { reason: 'contract ended' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().statusReason, 'contract ended');
    await expect401(await callA(await b.identity.tokens.sign(a.identity.did)), 'DS_AUTH_SUSPENDED_PARTICIPANT');
    assert.deepEqual(await a.participants.directory.listActive(), []);
    assert.equal((await api(a, 'GET', '/api/v1/participants?status=suspended')).json().total, 1);
    assert.equal((await api(a, 'POST', `/api/v1/participants/${enc}/activate`)).statusCode, 200);
    assert.equal((await callA(await b.identity.tokens.sign(a.identity.did))).status, 200);
  });

  it('still accepts tokens after the caller rotates its key', async () => {
    await b.identity.rotateKey();
    assert.equal((await callA(await b.identity.tokens.sign(a.identity.did))).status, 200);
  });

  it('refuses to add itself, invalid input, an unresolvable DID, and reports unknown participants', async () => {
    const self = await api(a, 'POST', '/api/v1/participants', { url: a.url });
    assert.equal(self.json().code, 'DS_PARTICIPANT_IS_SELF');
    const both = await api(a, 'POST', '/api/v1/participants', { did: b.identity.did, url: b.url });
    assert.equal(both.statusCode, 400);
    assert.equal(both.json().errors[0].path, '/body');
    const bad = await api(a, 'POST', '/api/v1/participants', { did: 'did:key:z6Mk' });
    assert.equal(bad.json().code, 'DS_IDENTITY_INVALID_DID');
    assert.equal(bad.json().errors[0].path, '/body/did');
    const gone = await api(a, 'POST', '/api/v1/participants', { url: `http://127.0.0.1:${await freePort()}` });
    assert.equal(gone.statusCode, 502);
    assert.equal(gone.json().code, 'DS_IDENTITY_DID_RESOLUTION_FAILED');
    const missing = await api(a, 'GET', `/api/v1/participants/${encodeURIComponent('did:web:nobody.example')}`);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'DS_PARTICIPANT_NOT_FOUND');
  });

  it('refuses every participant route without a key (401) and changes with a read-only key (403)', async () => {
    const enc = encodeURIComponent(b.identity.did);
    const routes: Array<['GET' | 'POST' | 'DELETE', string, boolean]> = [
      ['POST', '/api/v1/participants', true],
      ['GET', '/api/v1/participants', false],
      ['GET', `/api/v1/participants/${enc}`, false],
      ['POST', `/api/v1/participants/${enc}/suspend`, true],
      ['POST', `/api/v1/participants/${enc}/activate`, true],
      ['DELETE', `/api/v1/participants/${enc}`, true],
    ];
    for (const [m, u, write] of routes) {
      const none = await api(a, m, u, undefined, null);
      assert.equal(none.statusCode, 401, `${m} ${u}`);
      const weak = await api(a, m, u, undefined, reader);
      if (write) assert.equal(weak.statusCode, 403, `${m} ${u}`);
      else assert.equal(weak.statusCode, 200, `${m} ${u}`);
    }
  });

  it('deletes a participant, after which its tokens are unknown', async () => {
    assert.equal((await api(a, 'DELETE', `/api/v1/participants/${encodeURIComponent(b.identity.did)}`)).statusCode, 204);
    await expect401(await callA(await b.identity.tokens.sign(a.identity.did)), 'DS_AUTH_UNKNOWN_PARTICIPANT');
    assert.equal((await api(a, 'DELETE', `/api/v1/participants/${encodeURIComponent(b.identity.did)}`)).statusCode, 404);
  });
});
