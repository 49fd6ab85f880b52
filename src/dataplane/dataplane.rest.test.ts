import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { startPlane, type TestPlane } from './testing/dataplane-test-kit.js';

const SECRET = 'Bearer upstream-secret-4242';
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** A stand-in for a participant's own systems: an API that needs a credential, a sink, and an endless feed. */
function upstream(): Promise<{ server: Server; url: string; seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }>; feeds: { open: number } }> {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const feeds = { open: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    if (req.url === '/stall') return void res.writeHead(200, { 'content-type': 'text/plain' }).write('first bytes, then silence');
    if (req.url?.startsWith('/feed')) {
      feeds.open++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: tick\n\n'), 5);
      res.on('close', () => (clearInterval(timer), feeds.open--));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.headers.authorization !== SECRET) return void res.writeHead(401).end('no');
      if (req.url?.includes('/broken')) return void res.writeHead(500).end('boom');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, ok: true }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, feeds })));
}

describe('data plane: REST sources, connections and REST sinks', () => {
  let provider: TestPlane;
  let consumer: TestPlane;
  let up: Awaited<ReturnType<typeof upstream>>;
  before(async () => {
    [provider, consumer, up] = await startAll([startPlane('provider', { limits: { headersTimeoutMs: 300, idleTimeoutMs: 300 } }), startPlane('consumer'), upstream()]);
    for (const p of [provider, consumer]) {
      const created = await p.api('POST', '/api/v1/connections', { name: 'lms', kind: 'http', url: `${up.url}/api`, headers: { Authorization: SECRET } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
  });
  after(async () => {
    await Promise.all([provider.close(), consumer.close()]);
    up.server.closeAllConnections();
    up.server.close();
  });

  it('stores connection credentials sealed and never returns them', async () => {
    const one = await provider.api('GET', '/api/v1/connections/lms');
    assert.deepEqual(one.body, { ...one.body, name: 'lms', kind: 'http', url: `${up.url}/api`, headerNames: ['Authorization'], hasSecret: true });
    const list = await provider.api('GET', '/api/v1/connections');
    for (const answer of [one, list]) assert.ok(!JSON.stringify(answer.body).includes('upstream-secret'));
    const row = await sql<{ row: string }>`select row_to_json(c)::text as row from connections c`.execute(provider.db.db);
    assert.equal(row.rows.length, 1);
    assert.ok(!row.rows[0]!.row.includes('upstream-secret'), 'the secret is not in the database in clear');
    const pg = await provider.api('POST', '/api/v1/connections', { name: 'warehouse', kind: 'postgres', url: 'postgres://reader:pa55word@127.0.0.1:5432/school' });
    assert.deepEqual([pg.status, pg.body.url, pg.body.hasSecret], [201, 'postgres://reader@127.0.0.1:5432/school', true]);
    const bad = await provider.api('POST', '/api/v1/connections', { name: 'x', kind: 'http', url: 'https://user:pw@host.example/' });
    assert.deepEqual([bad.status, bad.body.code, bad.body.errors[0].path], [400, 'DS_HTTP_VALIDATION', '/body/url']);
    const unknown = await provider.api('POST', '/api/v1/connections', { name: 'x', kind: 'ftp', url: 'ftp://h' });
    assert.deepEqual([unknown.status, unknown.body.errors[0].path], [400, '/body/kind']);
    assert.equal((await provider.api('DELETE', '/api/v1/connections/warehouse')).status, 204);
    assert.deepEqual(provider.audited.map((e) => `${e.type} ${e.subject}`), ['connection.saved lms', 'connection.saved warehouse', 'connection.deleted warehouse']);
    assert.ok(!JSON.stringify(provider.audited).includes('upstream-secret') && !JSON.stringify(provider.audited).includes('pa55word'));
    const gone = await provider.api('GET', '/api/v1/connections/warehouse');
    assert.deepEqual([gone.status, gone.body.code, gone.body.errors[0].path], [404, 'DS_DATAPLANE_CONNECTION_NOT_FOUND', '/params/name']);
  });

  it('pulls a REST source with the connection credentials; the upstream sees them, the consumer does not', async () => {
    provider.gate.pulls.set('r1', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/api/skills?level=2`, connection: 'lms' }, finite: true });
    const address = await provider.plane.issuePullAddress({ transferId: 'r1', consumerDid: consumer.did });
    const { body, contentType, measured } = await consumer.plane.open({ transferId: 'r1', address });
    let text = '';
    for await (const c of body) text += (c as Buffer).toString();
    assert.deepEqual([contentType, JSON.parse(text)], ['application/json', { path: '/api/skills?level=2', ok: true }]);
    assert.equal(up.seen.at(-1)?.headers.authorization, SECRET);
    const m = await measured;
    assert.deepEqual([m.complete, m.sha256], [true, sha(text)]);
  });

  it('refuses to send credentials outside the connection base URL, and reports upstream failures as 502', async () => {
    provider.gate.pulls.set('r2', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/elsewhere`, connection: 'lms' }, finite: true });
    provider.gate.pulls.set('r3', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/api/broken`, connection: 'lms' }, finite: true });
    const before = up.seen.length;
    for (const tid of ['r2', 'r3']) {
      const address = await provider.plane.issuePullAddress({ transferId: tid, consumerDid: consumer.did });
      await assert.rejects(consumer.plane.open({ transferId: tid, address }), (e: Error & { code?: string }) => e.code === 'DS_DATAPLANE_REMOTE_FAILED' && /502: DS_DATAPLANE_SOURCE_FAILED/.test(e.message));
    }
    assert.equal(up.seen.length, before + 1, 'only the request under the base URL went out');
  });

  it('times out an upstream that does not answer, and one that stalls mid-stream', async () => {
    provider.gate.pulls.set('hang', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/hang` }, finite: true });
    provider.gate.pulls.set('stall', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/stall` }, finite: true });
    const hang = await provider.plane.issuePullAddress({ transferId: 'hang', consumerDid: consumer.did });
    await assert.rejects(consumer.plane.open({ transferId: 'hang', address: hang }), /502: DS_DATAPLANE_SOURCE_FAILED the upstream API did not answer within 300 ms/);
    const stall = await provider.plane.issuePullAddress({ transferId: 'stall', consumerDid: consumer.did });
    const { body, measured } = await consumer.plane.open({ transferId: 'stall', address: stall });
    await assert.rejects(
      (async () => {
        for await (const _ of body) void _;
      })(),
    );
    assert.equal((await measured).complete, false);
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'stall'));
    assert.deepEqual([served.m.complete, served.m.bytes], [false, 'first bytes, then silence'.length]);
  });

  it('proxies an API source: subpath and query forwarded on each request, never above the base', async () => {
    provider.gate.pulls.set('api', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/api/v1`, connection: 'lms', api: true }, finite: false });
    const address = await provider.plane.issuePullAddress({ transferId: 'api', consumerDid: consumer.did });
    const authorization = `Bearer ${address.endpointProperties[0]!.value}`;
    const a = await fetch(`${address.endpoint}/learners/42?fields=name`, { headers: { authorization } });
    assert.deepEqual(await a.json(), { path: '/api/v1/learners/42?fields=name', ok: true });
    // Sent raw: fetch would normalise the dot segments away before they reach the data plane.
    for (const path of ['%2e%2e/%2e%2e/admin', '..%2fadmin', '%2E%2E']) {
      const status = await new Promise<number>((resolve, reject) =>
        request({ host: '127.0.0.1', port: new URL(address.endpoint).port, path: `${new URL(address.endpoint).pathname}/${path}`, headers: { authorization } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject).end(),
      );
      assert.equal(status, 400, `${path}: ${status}`);
    }
    const before = provider.gate.requests;
    await fetch(`${address.endpoint}/courses`, { headers: { authorization } }).then((r) => r.text());
    assert.equal(provider.gate.requests, before + 1);
  });

  it('pushes into a REST destination with the consumer connection credentials, streamed', async () => {
    consumer.gate.pushes.set('s1', { provider: provider.did, destination: { type: 'rest', url: `${up.url}/api/inbox`, method: 'PUT', connection: 'lms' } });
    provider.gate.pulls.set('unused', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/api/skills`, connection: 'lms' }, finite: true });
    const address = await consumer.plane.issuePushAddress({ transferId: 's1', providerDid: provider.did });
    const m = await provider.plane.push({ transferId: 's1', source: { type: 'rest', url: `${up.url}/api/skills`, connection: 'lms' }, address });
    const delivered = up.seen.find((s) => s.url === '/api/inbox')!;
    assert.deepEqual([delivered.headers.authorization, delivered.headers['content-type'], JSON.parse(delivered.body)], [SECRET, 'application/json', { path: '/api/skills', ok: true }]);
    assert.deepEqual([m.complete, m.sha256], [true, sha(delivered.body)]);
    consumer.gate.pushes.set('s2', { provider: provider.did, destination: { type: 'rest', url: `${up.url}/api/broken` } });
    const failing = await consumer.plane.issuePushAddress({ transferId: 's2', providerDid: provider.did });
    await assert.rejects(provider.plane.push({ transferId: 's2', source: { type: 'rest', url: `${up.url}/api/skills`, connection: 'lms' }, address: failing }), { code: 'DS_DATAPLANE_REMOTE_FAILED' });
    const ended = await pollUntil(async () => consumer.gate.ended.find((e) => e.transferId === 's2'));
    assert.equal(ended.m.complete, false);
  });

  it('abort stops a running API stream within a second, on both ends', async () => {
    provider.gate.pulls.set('feed', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/feed` }, finite: false });
    const address = await provider.plane.issuePullAddress({ transferId: 'feed', consumerDid: consumer.did });
    const { body, measured } = await consumer.plane.open({ transferId: 'feed', address });
    const reading = (async () => {
      for await (const _ of body) void _;
    })();
    await pollUntil(async () => up.feeds.open === 1);
    const t0 = Date.now();
    provider.plane.abort('feed', 'contract revoked');
    await assert.rejects(reading);
    const m = await measured;
    assert.ok(Date.now() - t0 < 1000, `stopped after ${Date.now() - t0} ms`);
    assert.equal(m.complete, false);
    await pollUntil(async () => up.feeds.open === 0, { timeoutMs: 5000, what: 'the upstream request to close' });
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'feed'));
    assert.equal(served.m.complete, false);
  });

  it('abort on the consumer node stops its own stream of the transfer, and the provider then sees it incomplete', async () => {
    provider.gate.pulls.set('feed2', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/feed` }, finite: false });
    const address = await provider.plane.issuePullAddress({ transferId: 'feed2', consumerDid: consumer.did });
    const { body, measured } = await consumer.plane.open({ transferId: 'feed2', address });
    const reading = (async () => {
      for await (const _ of body) void _;
    })();
    await pollUntil(async () => up.feeds.open === 1);
    const t0 = Date.now();
    consumer.plane.abort('feed2', 'terminated by the consumer');
    await assert.rejects(reading);
    assert.equal((await measured).complete, false);
    assert.ok(Date.now() - t0 < 1000);
    await pollUntil(async () => up.feeds.open === 0, { timeoutMs: 5000, what: 'the upstream request to close' });
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'feed2'));
    assert.equal(served.m.complete, false);
  });
});
