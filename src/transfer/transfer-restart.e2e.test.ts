import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import { negotiate, publishDataset, startTransferNode, trustEachOther, type TransferNode } from './testing/transfer-nodes.js';

const clock = new ManualClock(new Date());
const e = encodeURIComponent;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

forEachEngine('transfers across node restarts', (engine) => {
  let p: TransferNode;
  let c: TransferNode;
  let api: Server;
  const requests = new Map<string, number>();
  let sink: Server;
  let sinkUrl: string;
  const sunk: number[] = [];
  const hung: ServerResponse[] = [];
  const content = Buffer.alloc(2_000_000, 'abcdefghij');
  const view = async (n: TransferNode, id: string) => (await n.api('GET', `/api/v1/transfers/${e(id)}`)).body;
  const until = (n: TransferNode, id: string, state: string) =>
    pollUntil(async () => {
      const v = await view(n, id);
      return v?.state === state ? v : undefined;
    }, { what: `${n.name}: ${id} ${state}`, timeoutMs: 15_000 });

  before(async () => {
    // The backend sends half the data on its first request and then stalls; later requests get everything.
    api = createServer((req, res) => {
      const n = (requests.get(req.url ?? '') ?? 0) + 1;
      requests.set(req.url ?? '', n);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(content.length) });
      if (n > 1) return void res.end(content);
      res.write(content.subarray(0, content.length / 2));
      hung.push(res);
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    // The consumer's own system, where a REST destination forwards to: counts the bytes of each delivery.
    sink = createServer((req, res) => {
      const i = sunk.push(0) - 1;
      req.on('data', (b: Buffer) => (sunk[i]! += b.length));
      req.on('end', () => res.writeHead(204).end());
      req.on('error', () => undefined);
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/in`;
    [p, c] = await startAll([startTransferNode('provider', engine, clock), startTransferNode('consumer', engine, clock)]);
    await trustEachOther([p, c]);
  });
  after(async () => {
    for (const n of [p, c]) await n?.close();
    for (const r of hung) r.destroy();
    await new Promise((r) => api.close(r));
    sink.closeAllConnections();
    await new Promise((r) => sink.close(r));
  });
  const source = (path: string) => publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'rest', url: `http://127.0.0.1:${(api.address() as AddressInfo).port}${path}` } }]);
  const restart = async () => {
    await c.close({ keepDatabase: true });
    c = await startTransferNode('consumer', engine, clock, { port: c.port, database: c.database });
  };

  it('a pull into a file interrupted by a restart of the consumer node resumes and is stored exactly once', async () => {
    const offer = await source('/data');
    const agreementId = await negotiate(c, p, offer);
    const target = join(mkdtempSync(join(tmpdir(), 'dases-restart-')), 'data.bin');
    const made = await c.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PULL', dataDestination: { type: 'file', path: target } });
    assert.equal(made.status, 201, made.raw);
    await pollUntil(async () => existsSync(`${target}.part`) && statSync(`${target}.part`).size > 0, { what: 'half the data in the .part' });
    await c.close({ keepDatabase: true });
    assert.equal(existsSync(target), false, 'nothing half-delivered under the final name');
    c = await startTransferNode('consumer', engine, clock, { port: c.port, database: c.database });
    const cv = await until(c, made.body.id, 'COMPLETED');
    assert.equal(sha(readFileSync(target)), sha(content));
    assert.deepEqual([cv.bytes, cv.sha256], [content.length, sha(content)]);
    assert.equal(cv.history.filter((h: { state: string }) => h.state === 'COMPLETED').length, 1, 'completed once');
    assert.equal(requests.get('/data'), 2, 'the backend was read again once, by the resumed job');
    await until(p, cv.providerPid, 'COMPLETED');
  });

  it('a pull forwarded to a REST destination interrupted by a restart is terminated, never delivered twice', async () => {
    const offer = await source('/forward');
    const agreementId = await negotiate(c, p, offer);
    const made = await c.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PULL', dataDestination: { type: 'rest', url: sinkUrl } });
    assert.equal(made.status, 201, made.raw);
    await pollUntil(async () => (sunk[0] ?? 0) > 0, { what: 'the first bytes at the sink' });
    await restart();
    const cv = await until(c, made.body.id, 'TERMINATED');
    assert.equal(cv.code, 'dases:delivery-interrupted');
    assert.equal(sunk.length, 1, 'one delivery attempt only');
    assert.ok(sunk[0]! < content.length, 'and it was not complete');
    await until(p, cv.providerPid, 'TERMINATED');
  });

  // Passes alone; after the other tests the consumer's data plane sometimes fails the second push with ENOENT on the
  // .part (the cleanup of the aborted first push races it): the transfer then ends TERMINATED cleanly. Data plane issue.
  it('a push interrupted by a restart of the provider node is pushed again and stored exactly once', async () => {
    const offer = await source('/push');
    const agreementId = await negotiate(c, p, offer);
    const target = join(mkdtempSync(join(tmpdir(), 'dases-restart-')), 'pushed.bin');
    const made = await c.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PUSH', dataDestination: { type: 'file', path: target } });
    assert.equal(made.status, 201, made.raw);
    const cv = await until(c, made.body.id, 'STARTED');
    await pollUntil(async () => (requests.get('/push') ?? 0) > 0, { what: 'the push under way' });
    await p.close({ keepDatabase: true });
    p = await startTransferNode('provider', engine, clock, { port: p.port, database: p.database });
    const done = await until(c, cv.id, 'COMPLETED');
    assert.equal(sha(readFileSync(target)), sha(content));
    assert.equal(done.sha256, sha(content));
    assert.equal(requests.get('/push'), 2, 'pushed again once');
    const pv = await until(p, cv.providerPid, 'COMPLETED');
    assert.equal(pv.history.filter((h: { state: string }) => h.state === 'COMPLETED').length, 1);
  });
});
