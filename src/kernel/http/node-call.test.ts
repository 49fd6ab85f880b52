import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { AppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { nodeCall, type NodeCallOptions } from './node-call.js';

let server: Server;
let base: string;
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url === '/redirect') return res.writeHead(302, { location: '/elsewhere' }).end();
    if (req.url === '/big') return res.end('x'.repeat(5000));
    res.writeHead(200, { 'content-type': 'application/json', link: '<http://x/next>; rel="next"' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

let n = 0;
const opts: NodeCallOptions = {
  sign: async (aud) => `token-${++n}-for-${aud}`,
  fetch,
  logger: silentLogger(),
  timeoutMs: 2000,
  maxBytes: 1000,
  accept: 'application/json',
  unreachable: (d) => new AppError('DS_DSP_REMOTE_UNREACHABLE', d),
  tooLarge: (d) => new AppError('DS_DSP_REMOTE_INVALID', d),
};

it('sends a fresh token for the receiver on every call and returns status, headers and text', async () => {
  const a = await nodeCall(opts, `${base}/ok`, 'did:web:peer', { method: 'GET' });
  await nodeCall(opts, `${base}/ok`, 'did:web:peer', { method: 'GET' });
  assert.equal(a.status, 200);
  assert.equal(a.text, '{"ok":true}');
  assert.match(a.headers.get('link') ?? '', /rel="next"/);
  const tokens = seen.filter((s) => s.startsWith('/ok')).map((s) => s.split(' ')[2]);
  assert.equal(new Set(tokens).size, 2);
  assert.match(tokens[0]!, /for-did:web:peer$/);
});

it('never follows a redirect with the token', async () => {
  await assert.rejects(nodeCall(opts, `${base}/redirect`, 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_UNREACHABLE');
  assert.ok(!seen.some((s) => s.startsWith('/elsewhere')));
});

it('refuses an answer over the size limit and reports an unreachable peer', async () => {
  await assert.rejects(nodeCall(opts, `${base}/big`, 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_INVALID');
  await assert.rejects(nodeCall(opts, 'http://127.0.0.1:1/none', 'did:web:peer', { method: 'GET' }), (e: AppError) => e.code === 'DS_DSP_REMOTE_UNREACHABLE');
});
