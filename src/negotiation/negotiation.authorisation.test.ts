import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../kernel/index.js';
import { negotiationMessages } from './index.js';
import { startNegotiationNode, type NegotiationNode } from './testing/negotiation-nodes.js';
import { startAll } from '../../test/support/start-all.js';

/**
 * Every route of the negotiation context: management routes refuse a missing or unknown API key and a key whose
 * scope is too weak; protocol routes refuse calls without a valid token from an active trusted participant, with
 * a ContractNegotiationError body.
 */
describe('authorisation of the negotiation routes', () => {
  const clock = new ManualClock(new Date());
  let a: NegotiationNode;
  let b: NegotiationNode;
  const keys: Record<string, string> = {};
  const ours = () => a.routes.filter((r) => /\/(negotiations|agreements)/.test(r.url));
  const path = (url: string) => url.replace(/:[A-Za-z]+/g, 'urn:uuid:00000000-0000-4000-8000-000000000000');
  const inject = (method: string, url: string, headers: Record<string, string> = {}) =>
    a.app.inject({ method: method as 'GET', url, headers: { ...headers, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, ...(method === 'POST' ? { payload: '{}' } : {}) });

  before(async () => {
    [a, b] = await startAll([startNegotiationNode('alice', 'pglite', clock), startNegotiationNode('bob', 'pglite', clock)]);
    for (const scope of ['read', 'write'] as const) keys[scope] = (await a.api('POST', '/api/v1/keys', { name: scope, scopes: [scope] })).body.key;
  });
  after(async () => {
    for (const n of [a, b]) await n?.close();
  });

  it('declares the expected routes: management under /api/v1, protocol under /dsp/negotiations', () => {
    const table = ours().map((r) => `${r.method} ${r.url} ${typeof r.auth === 'string' ? r.auth : 'management' in r.auth ? r.auth.management : r.auth.lrs}`).sort();
    assert.deepEqual(table, [
      'GET /api/v1/agreements read',
      'GET /api/v1/agreements/:id read',
      'GET /api/v1/negotiations read',
      'GET /api/v1/negotiations/:id read',
      'GET /dsp/negotiations/:pid dsp',
      'POST /api/v1/negotiations write',
      'POST /api/v1/negotiations/:id/accept write',
      'POST /api/v1/negotiations/:id/agree write',
      'POST /api/v1/negotiations/:id/offer write',
      'POST /api/v1/negotiations/:id/request write',
      'POST /api/v1/negotiations/:id/terminate write',
      'POST /api/v1/negotiations/offers write',
      'POST /dsp/negotiations/:pid/agreement dsp',
      'POST /dsp/negotiations/:pid/agreement/verification dsp',
      'POST /dsp/negotiations/:pid/events dsp',
      'POST /dsp/negotiations/:pid/offers dsp',
      'POST /dsp/negotiations/:pid/request dsp',
      'POST /dsp/negotiations/:pid/termination dsp',
      'POST /dsp/negotiations/offers dsp',
      'POST /dsp/negotiations/request dsp',
    ]);
  });

  it('refuses management routes without a key (401), with an unknown key (401) and with too weak a scope (403)', async () => {
    for (const r of ours().filter((x) => typeof x.auth === 'object')) {
      const url = path(r.url);
      const none = await inject(r.method, url);
      assert.deepEqual([none.statusCode, none.json().code], [401, 'DS_AUTH_MISSING_CREDENTIALS'], `${r.method} ${r.url}`);
      const unknown = await inject(r.method, url, { 'x-api-key': 'dases_not-a-key' });
      assert.deepEqual([unknown.statusCode, unknown.json().code], [401, 'DS_AUTH_INVALID_API_KEY'], `${r.method} ${r.url}`);
      const read = await inject(r.method, url, { 'x-api-key': keys.read! });
      if ((r.auth as { management: string }).management === 'write') assert.deepEqual([read.statusCode, read.json().code], [403, 'DS_AUTH_INSUFFICIENT_SCOPE'], `${r.method} ${r.url}`);
      else assert.ok(![401, 403].includes(read.statusCode), `${r.method} ${r.url} with a read key: ${read.statusCode}`);
      const write = await inject(r.method, url, { 'x-api-key': keys.write! });
      assert.ok(![401, 403].includes(write.statusCode), `${r.method} ${r.url} with a write key: ${write.statusCode}`);
    }
  });

  it('refuses protocol routes without a token, with a forged one, from a stranger and from a suspended participant', async () => {
    const dsp = ours().filter((r) => r.auth === 'dsp');
    assert.equal(dsp.length, 9);
    const token = async () => `Bearer ${await b.identity.tokens.sign(a.did)}`;
    const check = async (headers: Record<string, string>, code: string) => {
      for (const r of dsp) {
        const res = await inject(r.method, path(r.url), headers);
        assert.deepEqual([res.statusCode, res.json().code], [401, code], `${r.method} ${r.url}: ${res.body}`);
        assert.deepEqual(negotiationMessages.validateContractNegotiationError(res.json()), [], 'a ContractNegotiationError');
      }
    };
    await check({}, 'DS_AUTH_MISSING_CREDENTIALS');
    await check({ authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA' }, 'DS_AUTH_INVALID_TOKEN');
    for (const r of dsp) {
      const res = await inject(r.method, path(r.url), { authorization: await token() });
      assert.deepEqual([res.statusCode, res.json().code], [401, 'DS_AUTH_UNKNOWN_PARTICIPANT'], `${r.method} ${r.url}`);
    }
    await a.participants.add(b.did);
    await a.participants.suspend(b.did, 'test');
    for (const r of dsp) assert.equal((await inject(r.method, path(r.url), { authorization: await token() })).json().code, 'DS_AUTH_SUSPENDED_PARTICIPANT');
    await a.participants.activate(b.did);
    for (const r of dsp) {
      const res = await inject(r.method, path(r.url), { authorization: await token() });
      assert.ok([400, 404].includes(res.statusCode), `${r.method} ${r.url}: an active participant gets past authentication (${res.statusCode})`);
    }
  });
});
