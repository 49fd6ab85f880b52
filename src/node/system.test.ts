import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, silentLogger } from '../kernel/index.js';
import { buildNode, type DasesNode } from './node.js';

describe('system routes', () => {
  let node: DasesNode;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-system-'));
    node = await buildNode({ config: loadConfig({ DASES_ADMIN_API_KEY: 'k' }, { dataDir: dir }), logger: silentLogger() });
  });
  after(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports liveness with a database round trip', async () => {
    const res = await node.app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().database, { status: 'ok', kind: 'pglite' });
    assert.equal(res.json().did, node.did);
  });

  it('exposes Prometheus metrics including per-route HTTP counters', async () => {
    await node.app.inject({ method: 'GET', url: '/api/v1/datasets' });
    const res = await node.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/plain/);
    assert.match(res.body, /dases_http_requests_total\{method="GET",route="\/api\/v1\/datasets",status="401"\} 1/);
    assert.match(res.body, /dases_process_cpu_seconds_total/);
  });

  it('compiles every route\'s validators and response serializers (on first use when serving; all at once here)', () => {
    assert.ok(node.routes.length > 100);
    // At least a validator or serializer per route was left for its first request (one was served above).
    assert.ok(node.compileSchemas() > node.routes.length, 'compiled at start');
    assert.equal(node.compileSchemas(), 0, 'nothing is left to compile');
  });

  it('publishes an OpenAPI 3.1 document of every route, with their security schemes, and its UI', async () => {
    const doc = (await node.app.inject({ method: 'GET', url: '/docs/json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const r of node.routes.filter((x) => !x.url.startsWith('/docs'))) {
      const p = r.url.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/\*$/, '/{*}');
      assert.ok(doc.paths[p]?.[r.method.toLowerCase()], `${r.method} ${r.url} missing from OpenAPI`);
    }
    assert.ok(doc.components.securitySchemes.apiKey);
    assert.deepEqual(doc.paths['/api/v1/datasets'].post.security, [{ apiKey: [] }]);
    assert.deepEqual(doc.paths['/dsp/catalog/request'].post.security, [{ nodeToken: [] }]);
    assert.equal(doc.paths['/health'].get.security, undefined);
    const ui = await node.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });
});
