import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { streamRequest } from './http-client.js';

let server: Server;
let base: string;
const BIG = 8 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 7);

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect') return res.writeHead(302, { location: '/elsewhere' }).end();
    if (req.url === '/never') return; // never answers
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"e1"' });
      let sent = 0;
      const more = () => {
        while (sent < BIG) {
          sent += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    if (req.url === '/stall') {
      // One chunk, then nothing: a sender that stopped while its answer is read.
      res.writeHead(200);
      return void res.write('first');
    }
    if (req.url === '/problem') return res.writeHead(403, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ code: 'X', detail: 'y'.repeat(2000) }));
    if (req.url === '/upload') {
      const h = createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        h.update(c);
        bytes += c.byteLength;
      });
      return void req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes, sha256: h.digest('hex') })));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const timeouts = { headersMs: 2000, idleMs: 2000 };
const signal = () => new AbortController().signal;
async function readAll(body: Readable, delayMs = 0): Promise<{ bytes: number; sha256: string }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of body) {
    h.update(c as Buffer);
    bytes += (c as Buffer).byteLength;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  }
  return { bytes, sha256: h.digest('hex') };
}

describe('data plane HTTP client', { timeout: 10_000 }, () => {
  it('streams an answer with its status and headers', async () => {
    const res = await streamRequest(`${base}/big`, { method: 'GET', headers: { authorization: 'Bearer t' } }, signal(), timeouts);
    assert.equal(res.status, 200);
    assert.equal(res.ok, true);
    assert.equal(res.headers.get('etag'), '"e1"');
    const expected = createHash('sha256');
    for (let i = 0; i < BIG / chunk.byteLength; i++) expected.update(chunk);
    assert.deepEqual(await readAll(res.body), { bytes: BIG, sha256: expected.digest('hex') });
  });

  it('a reader that holds the body back longer than the idle deadline is no stall', async () => {
    const res = await streamRequest(`${base}/big`, { method: 'GET', headers: {} }, signal(), { headersMs: 2000, idleMs: 150 });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    // The sender is blocked by back-pressure meanwhile: its socket is idle for well over idleMs.
    await new Promise((r) => setTimeout(r, 500));
    let bytes = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) bytes += (r.value as Buffer).byteLength;
    assert.ok(bytes > 0 && bytes < BIG);
  });

  it('a body that stops arriving while it is read fails after the idle deadline', async () => {
    const res = await streamRequest(`${base}/stall`, { method: 'GET', headers: {} }, signal(), { headersMs: 2000, idleMs: 200 });
    await assert.rejects(readAll(res.body), /no data for 200 ms/);
  });

  it('refuses redirects: the token must not travel to another address', async () => {
    await assert.rejects(streamRequest(`${base}/redirect`, { method: 'GET', headers: { authorization: 'Bearer t' } }, signal(), timeouts), /redirect \(302\) refused/);
  });

  it('gives up when no answer comes within the headers deadline', async () => {
    await assert.rejects(streamRequest(`${base}/never`, { method: 'GET', headers: {} }, signal(), { headersMs: 150, idleMs: 2000 }), /no answer within 150 ms/);
  });

  it('stops on abort, before the answer and while the body flows', async () => {
    const early = new AbortController();
    const pending = streamRequest(`${base}/never`, { method: 'GET', headers: {} }, early.signal, timeouts);
    early.abort(new Error('stopped by the operator'));
    await assert.rejects(pending, /stopped by the operator/);

    const late = new AbortController();
    const res = await streamRequest(`${base}/big`, { method: 'GET', headers: {} }, late.signal, timeouts);
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    late.abort(new Error('policy lapsed'));
    await assert.rejects(async () => {
      for (let r = await it.next(); !r.done; r = await it.next());
    }, /policy lapsed/);
  });

  it('refuses addresses that are not http(s)', async () => {
    await assert.rejects(streamRequest('file:///etc/passwd', { method: 'GET', headers: {} }, signal(), timeouts), /unsupported protocol file:/);
    await assert.rejects(streamRequest('not a url', { method: 'GET', headers: {} }, signal(), timeouts), /invalid URL/);
  });

  it('pushes a body as it is produced; the headers deadline counts once it is sent', async () => {
    const parts = Array.from({ length: 30 }, (_, i) => Buffer.alloc(16 * 1024, i));
    const expected = createHash('sha256');
    for (const p of parts) expected.update(p);
    // A source that yields a part every 20 ms: the upload outlasts headersMs, the answer follows it at once.
    async function* slowly() {
      for (const p of parts) {
        await new Promise((r) => setTimeout(r, 20));
        yield p;
      }
    }
    const res = await streamRequest(`${base}/upload`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Readable.from(slowly()) }, signal(), { headersMs: 300, idleMs: 2000 });
    assert.deepEqual(JSON.parse(await res.text(10_000)), { bytes: 30 * 16 * 1024, sha256: expected.digest('hex') });
  });

  it('reads an error answer up to a bound', async () => {
    const res = await streamRequest(`${base}/problem`, { method: 'GET', headers: {} }, signal(), timeouts);
    assert.equal(res.ok, false);
    assert.equal(res.status, 403);
    const text = await res.text(500);
    assert.equal(text.length, 500);
    assert.ok(text.startsWith('{"code":"X"'));
  });
});
