import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { startPlane, type TestPlane } from './testing/dataplane-test-kit.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Files and directories between two real data planes: Range, resume, tar round trip, safe extraction. */
describe('data plane: file and directory sources, file and folder sinks', () => {
  let provider: TestPlane;
  let consumer: TestPlane;
  let dir: string;
  let big: Buffer;
  before(async () => {
    [provider, consumer] = await startAll([startPlane('provider'), startPlane('consumer')]);
    dir = mkdtempSync(join(tmpdir(), 'dp-file-'));
    big = randomBytes(64 * 1024 * 1024);
    writeFileSync(join(dir, 'big.bin'), big);
    writeFileSync(join(dir, 'small.txt'), '0123456789');
    provider.gate.pulls.set('small', { consumer: consumer.did, source: { type: 'file', path: join(dir, 'small.txt') }, finite: true, mediaType: 'text/plain' });
  });
  after(() => Promise.all([provider.close(), consumer.close()]));

  it('answers Range requests: 206 with Content-Range, 416 outside, HEAD and If-Range', async () => {
    const address = await provider.plane.issuePullAddress({ transferId: 'small', consumerDid: consumer.did });
    const authorization = `Bearer ${address.endpointProperties[0]!.value}`;
    const head = await fetch(address.endpoint, { method: 'HEAD', headers: { authorization } });
    assert.deepEqual([head.status, head.headers.get('accept-ranges'), head.headers.get('content-length'), head.headers.get('content-type')], [200, 'bytes', '10', 'text/plain']);
    const etag = head.headers.get('etag')!;
    const part = await fetch(address.endpoint, { headers: { authorization, range: 'bytes=2-5' } });
    assert.deepEqual([part.status, part.headers.get('content-range'), await part.text()], [206, 'bytes 2-5/10', '2345']);
    const tail = await fetch(address.endpoint, { headers: { authorization, range: 'bytes=7-', 'if-range': etag } });
    assert.deepEqual([tail.status, await tail.text()], [206, '789']);
    const stale = await fetch(address.endpoint, { headers: { authorization, range: 'bytes=7-', 'if-range': '"other"' } });
    assert.deepEqual([stale.status, await stale.text()], [200, '0123456789']);
    const outside = await fetch(address.endpoint, { headers: { authorization, range: 'bytes=10-' } });
    assert.deepEqual([outside.status, outside.headers.get('content-range'), ((await outside.json()) as { code: string }).code], [416, 'bytes */10', 'DS_DATAPLANE_RANGE_NOT_SATISFIABLE']);
    // The tail reached the end of the file: complete, with the hash of the whole file, not of the fragment.
    const ends = await pollUntil(async () => (provider.gate.ended.filter((e) => e.transferId === 'small').length >= 3 ? provider.gate.ended.filter((e) => e.transferId === 'small') : undefined));
    const complete = ends.filter((e) => e.m.complete);
    assert.ok(complete.length >= 2);
    for (const e of complete) assert.deepEqual([e.m.bytes, e.m.sha256], [10, sha(Buffer.from('0123456789'))]);
    assert.equal(ends.find((e) => e.m.bytes === 4)?.m.complete, false);
  });

  it('resumes an interrupted pull into a file with a Range request, and the hash is that of the whole file', async () => {
    provider.gate.pulls.set('big', { consumer: consumer.did, source: { type: 'file', path: join(dir, 'big.bin') }, finite: true });
    const address = await provider.plane.issuePullAddress({ transferId: 'big', consumerDid: consumer.did });
    const target = join(mkdtempSync(join(tmpdir(), 'dp-dest-')), 'out', 'big.bin');
    const first = new AbortController();
    const watcher = setInterval(() => {
      if (existsSync(`${target}.part`) && statSync(`${target}.part`).size > 4 * 1024 * 1024) first.abort();
    }, 1);
    await assert.rejects(consumer.plane.pull({ transferId: 'big', address, destination: { type: 'file', path: target }, signal: first.signal }), { code: 'DS_DATAPLANE_ABORTED' });
    clearInterval(watcher);
    const kept = statSync(`${target}.part`).size;
    assert.ok(kept > 0 && kept < big.length, `part of ${kept} bytes`);
    assert.equal(existsSync(target), false);
    const m = await consumer.plane.pull({ transferId: 'big', address, destination: { type: 'file', path: target } });
    assert.deepEqual([m.complete, m.bytes, m.sha256], [true, big.length, sha(big)]);
    assert.equal(sha(readFileSync(target)), sha(big));
    assert.equal(existsSync(`${target}.part`), false);
    assert.equal(provider.seen.at(-1)?.range, `bytes=${kept}-`);
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'big' && e.m.complete));
    assert.equal(served.m.sha256, sha(big));
  });

  it('abort on the provider stops a file being served: the consumer sees the stream fail, both ends incomplete', async () => {
    provider.gate.pulls.set('big-abort', { consumer: consumer.did, source: { type: 'file', path: join(dir, 'big.bin') }, finite: true });
    const address = await provider.plane.issuePullAddress({ transferId: 'big-abort', consumerDid: consumer.did });
    const { body, measured } = await consumer.plane.open({ transferId: 'big-abort', address });
    let read = 0;
    const reading = (async () => {
      // Slow reader: the file cannot be served to its end before the abort.
      for await (const chunk of body) {
        read += (chunk as Buffer).length;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await pollUntil(async () => read > 1024 * 1024);
    provider.plane.abort('big-abort', 'contract revoked');
    await assert.rejects(reading);
    assert.equal((await measured).complete, false);
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'big-abort'));
    assert.equal(served.m.complete, false);
    assert.ok(served.m.bytes < big.length, `served ${served.m.bytes} bytes`);
  });

  it('streams a directory as a tar and extracts it into a folder destination', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'a', 'b'), { recursive: true });
    writeFileSync(join(tree, 'top.txt'), 'top');
    writeFileSync(join(tree, 'a', 'b', `${'long-name-'.repeat(12)}.csv`), 'x,y\n1,2\n');
    provider.gate.pulls.set('tree', { consumer: consumer.did, source: { type: 'file', path: tree }, finite: true });
    const folder = mkdtempSync(join(tmpdir(), 'dp-folder-'));
    const address = await provider.plane.issuePullAddress({ transferId: 'tree', consumerDid: consumer.did });
    const m = await consumer.plane.pull({ transferId: 'tree', address, destination: { type: 'folder', path: folder } });
    assert.equal(m.complete, true);
    assert.equal(readFileSync(join(folder, 'top.txt'), 'utf8'), 'top');
    assert.equal(readFileSync(join(folder, 'a', 'b', `${'long-name-'.repeat(12)}.csv`), 'utf8'), 'x,y\n1,2\n');
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'tree'));
    assert.deepEqual([served.m.complete, served.m.sha256], [true, m.sha256]);
  });

  it('receives a push into a folder: a tar escaping the folder is refused and leaves nothing behind', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dp-push-'));
    const inside = join(folder, 'inbox');
    consumer.gate.pushes.set('evil', { provider: provider.did, destination: { type: 'folder', path: inside } });
    const pack = tar.pack();
    pack.entry({ name: 'fine.txt' }, 'ok');
    pack.entry({ name: '../escaped.txt' }, 'gotcha');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const address = await consumer.plane.issuePushAddress({ transferId: 'evil', providerDid: provider.did });
    const res = await fetch(address.endpoint, { method: 'PUT', headers: { authorization: `Bearer ${address.endpointProperties[0]!.value}`, 'content-type': 'application/x-tar' }, body: Buffer.concat(chunks) });
    assert.equal(res.status, 502);
    assert.match(JSON.stringify(await res.json()), /DS_DATAPLANE_SINK_FAILED.*outside the folder/);
    assert.equal(existsSync(join(folder, 'escaped.txt')), false);
    assert.equal(existsSync(join(inside, 'fine.txt')), false);
    const ended = await pollUntil(async () => consumer.gate.ended.find((e) => e.transferId === 'evil'));
    assert.equal(ended.m.complete, false);
  });

  it('stores content that is not a tar as <folder>/<transferId>, with a safe file name', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dp-plain-'));
    consumer.gate.pushes.set('urn:uuid:1/2', { provider: provider.did, destination: { type: 'folder', path: folder } });
    const address = await consumer.plane.issuePushAddress({ transferId: 'urn:uuid:1/2', providerDid: provider.did });
    const m = await provider.plane.push({ transferId: 'urn:uuid:1/2', source: { type: 'file', path: join(dir, 'small.txt') }, address });
    assert.equal(m.complete, true);
    assert.equal(readFileSync(join(folder, 'urn_uuid_1_2'), 'utf8'), '0123456789');
  });

  it('pushes a file from the provider into a consumer file destination', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'dp-pushfile-')), 'small.txt');
    consumer.gate.pushes.set('p1', { provider: provider.did, destination: { type: 'file', path: target } });
    const address = await consumer.plane.issuePushAddress({ transferId: 'p1', providerDid: provider.did });
    const m = await provider.plane.push({ transferId: 'p1', source: { type: 'file', path: join(dir, 'small.txt') }, address });
    assert.deepEqual([m.complete, m.bytes, m.sha256], [true, 10, sha(Buffer.from('0123456789'))]);
    assert.equal(readFileSync(target, 'utf8'), '0123456789');
    const received = await pollUntil(async () => consumer.gate.ended.find((e) => e.transferId === 'p1'));
    assert.deepEqual([received.side, received.m.sha256, received.m.complete], ['consumer', m.sha256, true]);
  });
});
