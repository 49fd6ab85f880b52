import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, silentLogger } from '../kernel/index.js';
import { buildNode, type DasesNode } from './node.js';

/**
 * Every management route that takes a body answers malformed JSON, oversized bodies and unsupported media types
 * with a 4xx problem+json naming the body, never a 500.
 */
describe('bad input on every route that takes a body', () => {
  let node: DasesNode;
  let dir: string;
  const key = 'admin-key-for-bad-input';
  const path = (url: string) => url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-bad-input-'));
    node = await buildNode({ config: loadConfig({ DASES_ADMIN_API_KEY: key, DASES_BODY_LIMIT: '2048' }, { dataDir: dir }), logger: silentLogger() });
  });
  after(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const withBody = () => node.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && typeof r.auth === 'object' && 'management' in r.auth);

  const expectProblem = (res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code: string, what: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(res.statusCode, status, what);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/, what);
    const body = res.json();
    assert.equal(body.code, code, what);
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0 && typeof body.errors[0].path === 'string', what);
  };

  it('refuses malformed JSON with 400 naming the body', async () => {
    assert.ok(withBody().length >= 8);
    for (const r of withBody()) {
      const res = await node.app.inject({ method: r.method as 'POST', url: path(r.url), headers: { 'x-api-key': key, 'content-type': 'application/json' }, payload: '{"title": ' });
      expectProblem(res, 400, 'DS_HTTP_MALFORMED_JSON', `${r.method} ${r.url}`);
    }
  });

  it('refuses bodies over the configured limit with 413', async () => {
    for (const r of withBody()) {
      const res = await node.app.inject({ method: r.method as 'POST', url: path(r.url), headers: { 'x-api-key': key, 'content-type': 'application/json' }, payload: JSON.stringify({ title: 'x'.repeat(4096) }) });
      expectProblem(res, 413, 'DS_HTTP_BODY_TOO_LARGE', `${r.method} ${r.url}`);
    }
  });

  it('refuses unsupported media types with 415', async () => {
    for (const r of withBody()) {
      const res = await node.app.inject({ method: r.method as 'POST', url: path(r.url), headers: { 'x-api-key': key, 'content-type': 'image/png' }, payload: 'PNG' });
      expectProblem(res, 415, 'DS_HTTP_UNSUPPORTED_MEDIA_TYPE', `${r.method} ${r.url}`);
    }
  });

  it('names the field for wrong types and unknown fields', async () => {
    const res = await node.app.inject({ method: 'POST', url: '/api/v1/datasets', headers: { 'x-api-key': key }, payload: { title: 42, colour: 'blue' } });
    expectProblem(res, 400, 'DS_HTTP_VALIDATION', 'dataset');
    const paths = (res.json().errors as Array<{ path: string }>).map((e) => e.path);
    assert.ok(paths.includes('/body/title'), paths.join());
    assert.ok(paths.includes('/body/colour'), paths.join());
    const bad = await node.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { 'x-api-key': key }, payload: { did: 'did:example:123' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'DS_IDENTITY_INVALID_DID');
  });
});
