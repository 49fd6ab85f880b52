import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { nodeCall, type NodeCallOptions } from './node-call.js';

let server: Server;
let base: string;
const seen: string[] = [];
const bodies: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      if (req.url === '/redirect') return res.writeHead(302, { location: '/elsewhere' }).end();
      if (req.url === '/big') return res.end('x'.repeat(5000));
      // No content-length: the limit must hold while the answer streams in.
      if (req.url === '/streamed') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 50; i++) res.write('y'.repeat(100));
        return res.end();
      }
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      res.writeHead(200, { 'content-type': 'application/json', link: '<http://x/next>; rel="next"' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

let n = 0;
const common: NodeCallOptions = {
  sign: async (aud) => `token-${++n}-for-${aud}`,
  logger: silentLogger(),
  timeoutMs: 2000,
  maxBytes: 1000,
  accept: 'application/json',
  unreachable: (d) => new AppError('DS_DSP_REMOTE_UNREACHABLE', d),
  tooLarge: (d) => new AppError('DS_DSP_REMOTE_INVALID', d),
};

// The same rules whether the HTTP client is an injected fetch or nodeCall's own keep-alive client.
for (const [client, opts] of [
  ['fetch', { ...common, fetch }],
  ['node:http', common],
] as const) {
  describe(`nodeCall through ${client}`, () => {
    it('sends a fresh token for the receiver on every call and returns status, headers and text', async () => {
      const a = await nodeCall(opts, `${base}/ok`, 'did:web:peer', { method: 'GET' });
      await nodeCall(opts, `${base}/ok`, 'did:web:peer', { method: 'GET' });
      assert.equal(a.status, 200);
      assert.equal(a.text, '{"ok":true}');
      assert.match(a.headers.get('link') ?? '', /rel="next"/);
      const tokens = seen.filter((s) => s.startsWith('/ok')).map((s) => s.split(' ')[2]).slice(-2);
      assert.equal(new Set(tokens).size, 2);
      assert.match(tokens[0]!, /for-did:web:peer$/);
    });

    it('posts the body as given', async () => {
      const r = await nodeCall(opts, `${base}/ok`, 'did:web:peer', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":"é"}' });
      assert.equal(r.status, 200);
      assert.equal(bodies.at(-1), '{"n":"é"}');
    });

    it('never follows a redirect with the token', async () => {
      await assert.rejects(nodeCall(opts, `${base}/redirect`, 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_UNREACHABLE');
      assert.ok(!seen.some((s) => s.startsWith('/elsewhere')));
    });

    it('refuses an answer over the size limit, declared or streamed, and reports an unreachable peer', async () => {
      await assert.rejects(nodeCall(opts, `${base}/big`, 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_INVALID');
      await assert.rejects(nodeCall(opts, `${base}/streamed`, 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_INVALID');
      await assert.rejects(nodeCall(opts, 'http://127.0.0.1:1/none', 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_UNREACHABLE');
    });

    it('gives up on a peer that does not answer in time', async () => {
      const t0 = Date.now();
      await assert.rejects(nodeCall({ ...opts, timeoutMs: 200 }, `${base}/slow`, 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_UNREACHABLE');
      assert.ok(Date.now() - t0 < 900, 'the timeout, not the answer, ended the call');
    });
  });
}
