// Issue 6 end to end: two real node processes negotiate and move data under their agreements: 100 MB pulls from
// a file, a REST and a SQL source, a push into the consumer's REST endpoint, receipts in both logs, revocation of
// a running API transfer, count-limited uses under concurrency, and SIGKILL in the middle of transfers.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pollUntil } from '../support/poll.js';
import { startAll } from '../support/start-all.js';
import { startNodeProcess, type NodeProcess } from '../support/nodes.js';

const MB = 1 << 20;
const SIZE = 100 * MB;
const PG_URL = process.env.DASES_TEST_DATABASE_URL;

/** 100 MB of bytes made of one random megabyte repeated, with its SHA-256. */
function content(): { block: Buffer; sha256: string } {
  const block = randomBytes(MB);
  const h = createHash('sha256');
  for (let i = 0; i < SIZE / MB; i++) h.update(block);
  return { block, sha256: h.digest('hex') };
}

async function sha256Of(body: AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of body) {
    h.update(c);
    bytes += c.byteLength;
  }
  return { sha256: h.digest('hex'), bytes };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** Streams `megabytes` of `block`, slowly when `delayMs` is set (a transfer still running when the test acts). */
async function stream(res: ServerResponse, block: Buffer, megabytes: number, delayMs = 0): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(megabytes * MB) });
  for (let i = 0; i < megabytes; i++) {
    if (res.destroyed) return;
    if (!res.write(block)) await new Promise((r) => res.once('drain', r));
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  }
  res.end();
}

describe('data transfers between two node processes', { timeout: 600_000 }, () => {
  let p: NodeProcess;
  let c: NodeProcess;
  let upstream: { server: Server; url: string };
  let sink: { server: Server; url: string };
  const received: Array<{ sha256: string; bytes: number; complete: boolean }> = [];
  const work = mkdtempSync(join(tmpdir(), 'dases-e2e-transfer-'));
  const data = content();
  const file = join(work, 'traces.bin');
  let apiCalls = 0;
  const restarted: string[] = [];

  const transfer = (n: NodeProcess, id: string) => n.api('GET', `/api/v1/transfers/${encodeURIComponent(id)}`).then((r) => r.body);
  const untilState = (n: NodeProcess, id: string, states: string[], timeoutMs = 60_000) =>
    pollUntil(async () => {
      const t = await transfer(n, id);
      return states.includes(t?.state) ? t : undefined;
    }, { what: `transfer ${id} in ${states.join('|')}`, timeoutMs });

  /** Publishes a dataset with one distribution and an offering, negotiates it from the consumer: the agreement id. */
  async function agreementFor(distribution: object, policy: object = { '@type': 'Offer', permission: [{ action: 'use' }] }): Promise<{ agreementId: string; datasetId: string }> {
    const ds = await p.api('POST', '/api/v1/datasets', { title: { en: 'Learning traces' }, distributions: [distribution] });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));
    const off = await p.api('POST', '/api/v1/offerings', { title: 'Traces', datasets: [ds.body.id], policy });
    assert.equal(off.status, 201, JSON.stringify(off.body));
    const n = await c.api('POST', '/api/v1/negotiations?wait=true&timeout=30', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, offerId: `urn:uuid:${off.body.id}` });
    assert.equal(n.body?.state, 'FINALIZED', JSON.stringify(n.body));
    return { agreementId: n.body.agreementId, datasetId: `urn:uuid:${ds.body.id}` };
  }

  const request = (agreementId: string, extra: object = {}) =>
    c.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PULL', ...extra });

  /** Consumer's systems: read the data address of a started pull transfer and hash what the provider streams. */
  async function readPull(id: string, path = ''): Promise<{ sha256: string; bytes: number; status: number }> {
    await untilState(c, id, ['STARTED']);
    const addr = (await c.api('GET', `/api/v1/transfers/${encodeURIComponent(id)}/data-address`)).body;
    const token = addr.endpointProperties.find((e: { name: string }) => e.name === 'authorization').value;
    const res = await fetch(`${addr.endpoint}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) return { sha256: '', bytes: 0, status: res.status };
    return { ...(await sha256Of(res.body as unknown as AsyncIterable<Uint8Array>)), status: res.status };
  }

  /** Both nodes hold the receipt of the exchange, signed by both, and their logs have it. */
  async function receiptsOnBoth(consumerId: string, sha256: string, bytes: number): Promise<void> {
    const done = await untilState(c, consumerId, ['COMPLETED']);
    const providerId = done.providerPid ?? done.counterPartyPid;
    await untilState(p, providerId, ['COMPLETED']);
    for (const [n, id] of [[p, providerId], [c, consumerId]] as const) {
      const r = await pollUntil(async () => {
        const x = await n.api('GET', `/api/v1/transfers/${encodeURIComponent(id)}/receipt`);
        return x.status === 200 && x.body.status === 'countersigned' ? x.body : undefined;
      }, { what: `countersigned receipt of ${id}`, timeoutMs: 30_000 });
      assert.deepEqual([r.receipt.sha256, r.receipt.bytes, r.receipt.provider, r.receipt.consumer], [sha256, bytes, p.did, c.did]);
      assert.ok(r.providerSignature && r.consumerSignature && r.providerLedgerReceipt && r.consumerLedgerReceipt, 'both signatures and both log proofs');
      const logged = (await n.api('GET', `/api/v1/log/entries?type=exchange.receipt&subject=${encodeURIComponent(id)}`)).body;
      assert.equal(logged.entries.length, 1, `${n.url}: the receipt is in its log once`);
    }
  }

  before(async () => {
    const fd = openSync(file, 'w');
    for (let i = 0; i < SIZE / MB; i++) writeSync(fd, data.block);
    closeSync(fd);
    upstream = await listen((req, res) => {
      if (req.url?.startsWith('/export')) void stream(res, data.block, SIZE / MB);
      else if (req.url?.startsWith('/slow')) void stream(res, data.block, SIZE / MB, 50);
      else if (req.url?.startsWith('/api/')) {
        apiCalls++;
        if (req.headers.authorization !== 'Bearer upstream-secret') return void res.writeHead(401).end();
        if (req.url.startsWith('/api/stream')) return void stream(res, data.block, SIZE / MB, 100);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
      } else res.writeHead(404).end();
    });
    sink = await listen((req, res) => {
      const h = createHash('sha256');
      let bytes = 0;
      req.on('data', (d: Buffer) => (h.update(d), (bytes += d.length)));
      req.on('end', () => {
        received.push({ sha256: h.digest('hex'), bytes, complete: true });
        res.writeHead(204).end();
      });
      req.on('aborted', () => received.push({ sha256: '', bytes, complete: false }));
    });
    [p, c] = await startAll([startNodeProcess('provider'), startNodeProcess('consumer')], (n) => n.stop());
    assert.equal((await p.api('POST', '/api/v1/participants', { did: c.did })).status, 201);
    assert.equal((await c.api('POST', '/api/v1/participants', { did: p.did })).status, 201);
    const conn = await p.api('POST', '/api/v1/connections', { name: 'edtech-api', kind: 'http', url: upstream.url, headers: { authorization: 'Bearer upstream-secret' } });
    assert.ok(conn.status < 300, JSON.stringify(conn.body));
  });
  after(async () => {
    await Promise.all([p?.stop(), c?.stop()]);
    upstream?.server.close();
    sink?.server.close();
    for (const d of [work, ...restarted]) rmSync(d, { recursive: true, force: true });
  });

  it('pulls 100 MB from a file source: the consumer reads the data address, hashes match, receipts in both logs', async () => {
    const { agreementId } = await agreementFor({ format: 'HttpData-PULL', source: { type: 'file', path: file } });
    const t = await request(agreementId);
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const got = await readPull(t.body.id);
    assert.deepEqual([got.status, got.bytes, got.sha256], [200, SIZE, data.sha256]);
    await receiptsOnBoth(t.body.id, data.sha256, SIZE);
  });

  it('pulls 100 MB from a REST source into a file on the consumer node, credentials from a connection', async () => {
    const { agreementId } = await agreementFor({ format: 'HttpData-PULL', source: { type: 'rest', url: `${upstream.url}/export`, connection: 'edtech-api' } });
    const dest = join(work, 'from-rest.bin');
    const t = await request(agreementId, { dataDestination: { type: 'file', path: dest } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    await untilState(c, t.body.id, ['COMPLETED']);
    assert.equal(createHash('sha256').update(readFileSync(dest)).digest('hex'), data.sha256);
    await receiptsOnBoth(t.body.id, data.sha256, SIZE);
    const listed = await p.api('GET', '/api/v1/connections/edtech-api');
    assert.ok(!JSON.stringify(listed.body).includes('upstream-secret'), 'the API never returns a credential');
  });

  it('pulls 100 MB from a read-only SQL source as NDJSON', { skip: PG_URL ? false : 'needs PostgreSQL (DASES_TEST_DATABASE_URL) for the SQL source' }, async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const name = `dases_e2e_sql_${Date.now()}`;
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(PG_URL!);
    u.pathname = `/${name}`;
    const src = new pg.Client({ connectionString: u.toString() });
    await src.connect();
    await src.query(`create table traces (id int primary key, learner text, verb text, payload text)`);
    await src.query(`insert into traces select g, 'learner-' || (g % 50), 'completed', repeat(md5(g::text), 30) from generate_series(1, 110000) g`);
    await src.end();
    assert.ok((await p.api('POST', '/api/v1/connections', { name: 'traces-db', kind: 'postgres', url: u.toString() })).status < 300);
    const { agreementId } = await agreementFor({ format: 'HttpData-PULL', source: { type: 'sql', connection: 'traces-db', query: 'select id, learner, verb, payload from traces where verb = $1 order by id', parameters: ['completed'] } });
    const t = await request(agreementId);
    const got = await readPull(t.body.id);
    assert.equal(got.status, 200);
    assert.ok(got.bytes > SIZE, `streamed ${got.bytes} bytes`);
    await receiptsOnBoth(t.body.id, got.sha256, got.bytes);
  });

  it('pushes 100 MB to a REST endpoint of the consumer, hashes match, receipts in both logs', async () => {
    const { agreementId } = await agreementFor({ format: 'HttpData-PUSH', source: { type: 'file', path: file } });
    const before = received.length;
    const t = await request(agreementId, { format: 'HttpData-PUSH', dataDestination: { type: 'rest', url: `${sink.url}/inbox` } });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    await untilState(c, t.body.id, ['COMPLETED']);
    const delivered = received.slice(before).filter((r) => r.complete);
    assert.deepEqual(delivered, [{ sha256: data.sha256, bytes: SIZE, complete: true }]);
    await receiptsOnBoth(t.body.id, data.sha256, SIZE);
  });

  it('revoking the contract stops a running API transfer within a second and refuses the next one', async () => {
    const { agreementId } = await agreementFor({ format: 'HttpData-PULL', source: { type: 'rest', url: `${upstream.url}/api`, connection: 'edtech-api', api: true } });
    const t = await request(agreementId);
    await untilState(c, t.body.id, ['STARTED']);
    const addr = (await c.api('GET', `/api/v1/transfers/${encodeURIComponent(t.body.id)}/data-address`)).body;
    const token = addr.endpointProperties.find((e: { name: string }) => e.name === 'authorization').value;
    const call = (path: string) => fetch(`${addr.endpoint}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const one = await call('/items?page=2');
    assert.equal(one.status, 200);
    assert.deepEqual(await one.json(), { path: '/api/items?page=2' });
    const running = await call('/stream');
    assert.equal(running.status, 200);
    const reading = sha256Of(running.body as unknown as AsyncIterable<Uint8Array>).then(
      () => 'ended',
      () => 'cut',
    );
    const contract = (await p.api('GET', `/api/v1/agreements/${encodeURIComponent(agreementId)}`)).body.contract;
    const revokedAt = Date.now();
    assert.equal((await p.api('POST', `/api/v1/contracts/${encodeURIComponent(contract.id)}/revoke`, { reason: 'the school withdrew' })).status, 200);
    assert.equal(await reading, 'cut', 'the running stream is cut');
    const providerSide = await pollUntil(async () => {
      const list = (await p.api('GET', '/api/v1/transfers?limit=200')).body;
      return (list.items ?? []).find((x: { agreementId: string; state: string }) => x.agreementId === agreementId && x.state === 'TERMINATED');
    }, { what: 'provider transfer TERMINATED', timeoutMs: 5_000 });
    assert.ok(Date.now() - revokedAt < 3_000, 'terminated promptly');
    assert.match(String(providerSide.reason), /revoked/);
    const callsBefore = apiCalls;
    assert.ok([403, 410].includes((await call('/items')).status));
    assert.equal(apiCalls, callsBefore, 'a refused request never reaches the upstream API');
    await untilState(c, t.body.id, ['TERMINATED'], 10_000);
    const next = await request(agreementId);
    const refused = await untilState(c, next.body.id, ['TERMINATED'], 10_000);
    assert.match(String(refused.reason), /revoked/);
  });

  it('concurrent transfers under a count-limited agreement never exceed the limit', async () => {
    const policy = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: 3 }] }] };
    const { agreementId } = await agreementFor({ format: 'HttpData-PULL', source: { type: 'file', path: file } }, policy).catch(async () =>
      // The DSP schema types rightOperand as a string or object; a count written as a string is the same constraint.
      agreementFor({ format: 'HttpData-PULL', source: { type: 'file', path: file } }, { ...policy, permission: [{ action: 'use', constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: '3' }] }] }),
    );
    const started = await Promise.all(Array.from({ length: 10 }, () => request(agreementId)));
    for (const s of started) assert.equal(s.status, 201, JSON.stringify(s.body));
    const ends = await Promise.all(started.map((s) => untilState(c, s.body.id, ['STARTED', 'TERMINATED'], 30_000)));
    assert.equal(ends.filter((e) => e.state === 'STARTED').length, 3, JSON.stringify(ends.map((e) => [e.state, e.reason])));
    for (const e of ends.filter((x) => x.state === 'TERMINATED')) assert.match(String(e.reason), /count/);
  });

  it('SIGKILL of the provider in the middle of a push: after restart it completes or terminates, never delivered twice', async () => {
    const { agreementId } = await agreementFor({ format: 'HttpData-PUSH', source: { type: 'rest', url: `${upstream.url}/slow` } });
    const before = received.length;
    const t = await request(agreementId, { format: 'HttpData-PUSH', dataDestination: { type: 'rest', url: `${sink.url}/inbox` } });
    await untilState(c, t.body.id, ['STARTED']);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(received.slice(before).filter((r) => r.complete).length, 0, 'the push is still running when the provider is killed');
    await p.stop({ signal: 'SIGKILL', keepData: true });
    p = await startNodeProcess('provider', {}, { dataDir: p.dataDir, port: Number(new URL(p.url).port) });
    restarted.push(p.dataDir);
    const end = await untilState(c, t.body.id, ['COMPLETED', 'TERMINATED'], 120_000);
    const complete = received.slice(before).filter((r) => r.complete);
    if (end.state === 'COMPLETED') assert.deepEqual(complete, [{ sha256: data.sha256, bytes: SIZE, complete: true }]);
    else assert.equal(complete.length, 0, 'a terminated push delivered nothing as complete');
    assert.ok(complete.length <= 1, 'never delivered twice');
  });

  it('SIGKILL of the consumer in the middle of a pull into a file: after restart the pull resumes and the file is whole', async () => {
    const { agreementId } = await agreementFor({ format: 'HttpData-PULL', source: { type: 'file', path: file } });
    const dest = join(work, 'resumed.bin');
    const t = await request(agreementId, { dataDestination: { type: 'file', path: dest } });
    await untilState(c, t.body.id, ['STARTED']);
    await pollUntil(async () => {
      try {
        return readFileSync(`${dest}.part`).length > 10 * MB || undefined;
      } catch {
        return undefined;
      }
    }, { what: 'part of the file written', timeoutMs: 30_000, intervalMs: 2 });
    await c.stop({ signal: 'SIGKILL', keepData: true });
    assert.equal(existsSync(dest), false, 'killed in the middle: nothing under the final name yet');
    c = await startNodeProcess('consumer', {}, { dataDir: c.dataDir, port: Number(new URL(c.url).port) });
    restarted.push(c.dataDir);
    const end = await untilState(c, t.body.id, ['COMPLETED', 'TERMINATED'], 120_000);
    assert.equal(end.state, 'COMPLETED', JSON.stringify(end));
    const h = createHash('sha256');
    for await (const chunk of createReadStream(dest)) h.update(chunk as Buffer);
    assert.equal(h.digest('hex'), data.sha256);
  });
});
