import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startPlane, type TestPlane } from './testing/dataplane-test-kit.js';
import { startAll } from '../../test/support/start-all.js';

const TOTAL = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'dases-');

/** An upstream API answering TOTAL bytes, written only as fast as its reader takes them. */
function generator(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const pump = () => {
      while (sent < TOTAL) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** Memory must not grow with the payload: 200 MB flows upstream → provider → consumer with a bounded footprint. */
describe('data plane: bounded memory', () => {
  let provider: TestPlane;
  let consumer: TestPlane;
  let up: { server: Server; url: string };
  before(async () => {
    [provider, consumer, up] = await startAll([startPlane('provider'), startPlane('consumer'), generator()]);
  });
  after(async () => {
    await Promise.all([provider.close(), consumer.close()]);
    up.server.closeAllConnections();
    up.server.close();
  });

  it('streams 200 MB through both data planes while the heap and buffers stay far below the payload size', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = used();
    let peak = baseline;
    // Live memory (after a collection), sampled while the bytes flow: what the data plane holds, not garbage in waiting.
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, used());
    }, 25);
    provider.gate.pulls.set('big', { consumer: consumer.did, source: { type: 'rest', url: `${up.url}/generate` }, finite: true });
    const address = await provider.plane.issuePullAddress({ transferId: 'big', consumerDid: consumer.did });
    const { body, measured } = await consumer.plane.open({ transferId: 'big', address });
    const expected = createHash('sha256');
    let received = 0;
    for await (const chunk of body) received += (chunk as Buffer).length;
    for (let sent = 0; sent < TOTAL; sent += CHUNK.length) expected.update(CHUNK);
    clearInterval(sampler);
    const m = await measured;
    assert.deepEqual([received, m.bytes, m.complete, m.sha256], [TOTAL, TOTAL, true, expected.digest('hex')]);
    const growth = (peak - baseline) / 1024 / 1024;
    assert.ok(growth < 32, `memory grew by ${growth.toFixed(1)} MB for a ${TOTAL / 1024 / 1024} MB payload`);
  });
});
