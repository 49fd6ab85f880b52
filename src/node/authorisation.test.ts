import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, silentLogger } from '../kernel/index.js';
import { buildNode, type DasesNode } from './node.js';

/**
 * Walks every route the node registers: nothing is anonymous except the routes listed here on purpose, every
 * management route refuses a missing or unknown key and a key whose scope is too weak, and every protocol route
 * refuses calls without a valid node token.
 */
const PUBLIC = new Set([
  'GET /health', 'GET /metrics', 'GET /.well-known/did.json', 'GET /.well-known/participant.vc', 'GET /.well-known/dspace-version',
  'GET /contexts/dspace/2025/1/context.jsonld',
  'GET /contexts/dspace/2025/1/odrl-profile.jsonld',
  'GET /.well-known/dases-log-head',
  // The learner's dashboard and the way into it: the page and its files, sign-up and sign-in.
  'GET /me/', 'GET /me/app.js', 'GET /me/strings.js', 'GET /me/app.css',
  'POST /api/v1/me/sign-up', 'POST /api/v1/me/sessions',
  // The LRS says which xAPI versions it speaks to anyone (xAPI: the About resource needs no credentials).
  'GET /xapi/about',
  // CORS preflights of browser-hosted xAPI content: they carry no credentials by design and reveal nothing.
  'OPTIONS /xapi/*',
]);

describe('authorisation of every route', () => {
  let node: DasesNode;
  let dir: string;
  const keys: Record<string, string> = {};

  const path = (url: string) => url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-authz-'));
    node = await buildNode({ config: loadConfig({ DASES_ADMIN_API_KEY: 'admin-key-for-tests' }, { dataDir: dir }), logger: silentLogger() });
    for (const scope of ['read', 'write'] as const) {
      const res = await node.app.inject({ method: 'POST', url: '/api/v1/keys', headers: { 'x-api-key': 'admin-key-for-tests' }, payload: { name: scope, scopes: [scope] } });
      assert.equal(res.statusCode, 201, res.body);
      keys[scope] = res.json().key;
    }
  });
  after(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps public only the discovery, health and documentation routes', () => {
    const open = node.routes.filter((r) => r.auth === 'public' && !r.url.startsWith('/docs')).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(new Set(open), PUBLIC);
  });

  it('refuses management routes without a key, with an unknown key and with too weak a scope', async () => {
    const managed = node.routes.filter((r) => typeof r.auth === 'object' && 'management' in r.auth);
    assert.ok(managed.length > 10);
    for (const r of managed) {
      const url = path(r.url);
      const method = r.method as 'GET';
      const none = await node.app.inject({ method, url });
      assert.equal(none.statusCode, 401, `${r.method} ${r.url} without key`);
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      assert.match(none.headers['content-type'] as string, /problem\+json/);
      const unknown = await node.app.inject({ method, url, headers: { 'x-api-key': 'dases_not-a-key' } });
      assert.equal(unknown.statusCode, 401, `${r.method} ${r.url} unknown key`);
      assert.equal(unknown.json().code, 'DS_AUTH_INVALID_API_KEY');
      const needed = (r.auth as { management: string }).management;
      const weaker = needed === 'admin' ? keys.write : needed === 'write' ? keys.read : undefined;
      if (weaker) {
        const res = await node.app.inject({ method, url, headers: { 'x-api-key': weaker } });
        assert.equal(res.statusCode, 403, `${r.method} ${r.url} with a weaker scope`);
        assert.equal(res.json().code, 'DS_AUTH_INSUFFICIENT_SCOPE');
      }
    }
  });

  it('refuses data-plane routes without a valid transfer token', async () => {
    const data = node.routes.filter((r) => r.auth === 'transfer');
    assert.deepEqual(new Set(data.map((r) => `${r.method} ${r.url}`)), new Set(['GET /dataplane/pull/:transferId', 'GET /dataplane/pull/:transferId/*', 'PUT /dataplane/push/:transferId', 'POST /dataplane/push/:transferId']));
    for (const r of data) {
      const method = r.method as 'GET';
      const url = path(r.url).replace('*', 'items');
      const none = await node.app.inject({ method, url });
      assert.equal(none.statusCode, 401, `${r.method} ${r.url} without token`);
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      const forged = await node.app.inject({ method, url, headers: { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA' } });
      assert.equal(forged.statusCode, 401, `${r.method} ${r.url} with a forged token`);
      assert.match(forged.headers['content-type'] as string, /problem\+json/);
      // A node token is no transfer token.
      const nodeToken = await node.identity.tokens.sign(node.did);
      assert.equal((await node.app.inject({ method, url, headers: { authorization: `Bearer ${nodeToken}` } })).statusCode, 401, `${r.method} ${r.url} with a node token`);
    }
  });

  it("refuses a person's routes without a session, with a forged or unknown one, and with an operator key", async () => {
    const personal = node.routes.filter((r) => r.auth === 'person');
    assert.ok(personal.length >= 8, `person routes: ${personal.length}`);
    for (const r of personal) {
      const method = r.method as 'GET';
      const url = path(r.url).replace(':action', 'grant');
      const none = await node.app.inject({ method, url });
      assert.equal(none.statusCode, 401, `${r.method} ${r.url} without a session`);
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      for (const headers of [{ authorization: 'Bearer not-a-session' }, { cookie: 'dases_session=not-a-session' }]) {
        const forged = await node.app.inject({ method, url, headers });
        assert.equal(forged.statusCode, 401, `${r.method} ${r.url} with ${Object.keys(headers)[0]}`);
        assert.equal(forged.json().code, 'DS_AUTH_INVALID_TOKEN');
      }
      assert.equal((await node.app.inject({ method, url, headers: { 'x-api-key': 'admin-key-for-tests' } })).statusCode, 401, `${r.method} ${r.url}: an operator key is no session`);
      const nodeToken = await node.identity.tokens.sign(node.did);
      assert.equal((await node.app.inject({ method, url, headers: { authorization: `Bearer ${nodeToken}` } })).statusCode, 401, `${r.method} ${r.url}: a node token is no session`);
    }
  });

  it('refuses routes open to operators and participants without a key or with a forged node token', async () => {
    const shared = node.routes.filter((r) => typeof r.auth === 'object' && 'management' in r.auth && r.auth.participants);
    assert.ok(shared.length >= 1);
    for (const r of shared) {
      const method = r.method as 'GET';
      const forged = await node.app.inject({ method, url: path(r.url), headers: { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA' } });
      assert.equal(forged.statusCode, 401, `${r.method} ${r.url} with a forged node token`);
      // Our own token is refused: this node is not a trusted participant of itself.
      const own = await node.app.inject({ method, url: path(r.url), headers: { authorization: `Bearer ${await node.identity.tokens.sign(node.did)}` } });
      assert.equal(own.statusCode, 401, `${r.method} ${r.url} with an untrusted node's token`);
    }
  });

  it('refuses LRS routes without HTTP Basic credentials, with unknown ones and without the scope', async () => {
    const lrs = node.routes.filter((r) => typeof r.auth === 'object' && 'lrs' in r.auth);
    assert.ok(lrs.length >= 10, `LRS routes: ${lrs.length}`);
    const clients: Record<string, string> = {};
    for (const scope of ['statements/read', 'statements/write', 'state', 'profile']) {
      const res = await node.app.inject({ method: 'POST', url: '/api/v1/lrs/clients', headers: { 'x-api-key': 'admin-key-for-tests' }, payload: { name: scope, scopes: [scope] } });
      assert.equal(res.statusCode, 201, res.body);
      clients[scope] = `Basic ${Buffer.from(`${res.json().key}:${res.json().secret}`).toString('base64')}`;
    }
    const v = { 'x-experience-api-version': '1.0.3' };
    for (const r of lrs) {
      const method = r.method as 'GET';
      const needed = ([] as string[]).concat((r.auth as { lrs: string | string[] }).lrs);
      const none = await node.app.inject({ method, url: r.url, headers: v });
      assert.equal(none.statusCode, 401, `${r.method} ${r.url} without credentials`);
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      const unknown = await node.app.inject({ method, url: r.url, headers: { ...v, authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}` } });
      assert.equal(unknown.statusCode, 401, `${r.method} ${r.url} with unknown credentials`);
      assert.equal((await node.app.inject({ method, url: r.url, headers: { ...v, 'x-api-key': 'admin-key-for-tests' } })).statusCode, 401, `${r.method} ${r.url}: an operator key is no LRS client`);
      const other = Object.keys(clients).find((s) => !needed.includes(s) && !needed.includes('all'));
      assert.ok(other, `${r.method} ${r.url} needs ${needed.join(' or ')}`);
      const weak = await node.app.inject({ method, url: r.url, headers: { ...v, authorization: clients[other]! } });
      assert.equal(weak.statusCode, 403, `${r.method} ${r.url} with only ${other}`);
      assert.equal(weak.json().code, 'DS_AUTH_INSUFFICIENT_SCOPE');
    }
  });

  it('forwards alternate-syntax xAPI requests only to routes that authenticate them', async () => {
    const forward = node.routes.filter((r) => r.auth === 'forward');
    assert.deepEqual(new Set(forward.map((r) => r.method)), new Set(['POST']));
    assert.ok(forward.every((r) => r.url.startsWith('/xapi/')) && forward.length >= 7, forward.map((r) => r.url).join());
    for (const r of forward) {
      const send = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
        node.app.inject({ method: 'POST', url: `${r.url}?method=GET`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams({ 'X-Experience-API-Version': '1.0.3', ...fields }).toString() });
      // The About resource is public in any syntax; every other one wants an LRS client.
      if (r.url === '/xapi/about') {
        assert.equal((await send({})).statusCode, 200);
        continue;
      }
      const none = await send({});
      assert.equal(none.statusCode, 401, `${r.url} without credentials`);
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      assert.equal((await send({ Authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}` })).statusCode, 401, `${r.url} with unknown credentials`);
      assert.equal((await send({}, { 'x-api-key': 'admin-key-for-tests' })).statusCode, 401, `${r.url}: an operator key is no LRS client`);
    }
  });

  it('refuses protocol routes without a valid node token', async () => {
    const dsp = node.routes.filter((r) => r.auth === 'dsp');
    assert.ok(dsp.length >= 2);
    for (const r of dsp) {
      const method = r.method as 'GET';
      const none = await node.app.inject({ method, url: path(r.url) });
      assert.equal(none.statusCode, 401, `${r.method} ${r.url}`);
      const forged = await node.app.inject({ method, url: path(r.url), headers: { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA' } });
      assert.equal(forged.statusCode, 401, `${r.method} ${r.url}`);
      assert.match(forged.json()['@type'], /^[A-Za-z]+Error$/, 'a DSP error object');
      assert.ok(Array.isArray(forged.json()['@context']));
    }
  });
});
