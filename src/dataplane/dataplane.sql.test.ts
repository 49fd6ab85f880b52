import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createServerDatabase } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { startPlane, type TestPlane } from './testing/dataplane-test-kit.js';

const serverUrl = process.env.DASES_TEST_DATABASE_URL;

/** A training body's PostgreSQL behind a named connection: only the catalogued query runs, read-only, streamed. */
describe('data plane: SQL sources', { skip: serverUrl ? false : 'no PostgreSQL: set DASES_TEST_DATABASE_URL to run the SQL source tests' }, () => {
  let provider: TestPlane;
  let consumer: TestPlane;
  let school: string;
  const rowsOf = async (tid: string, query = '') => {
    const address = await provider.plane.issuePullAddress({ transferId: tid, consumerDid: consumer.did });
    const res = await fetch(`${address.endpoint}${query}`, { headers: { authorization: `Bearer ${address.endpointProperties[0]!.value}` } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const count = async () => {
    const c = new pg.Client({ connectionString: school });
    await c.connect();
    const n = Number((await c.query('select count(*) as n from learners')).rows[0].n);
    await c.end();
    return n;
  };

  before(async () => {
    school = await createServerDatabase();
    const c = new pg.Client({ connectionString: school });
    await c.connect();
    await c.query('create table learners (id int primary key, name text not null, level int not null)');
    await c.query("insert into learners select g, 'learner ' || g, g % 5 from generate_series(1, 20000) g");
    await c.end();
    // A short statement timeout for the slow query's test, above one batch of the 'steady' query (500 ms).
    [provider, consumer] = await startAll([startPlane('provider', { limits: { statementTimeoutMs: 1000, batchRows: 100 } }), startPlane('consumer')]);
    assert.equal((await provider.api('POST', '/api/v1/connections', { name: 'school', kind: 'postgres', url: school })).status, 201);
    const source = (query: string, parameters?: unknown[]) => ({ consumer: consumer.did, source: { type: 'sql' as const, connection: 'school', query, ...(parameters ? { parameters } : {}) }, finite: true });
    provider.gate.pulls.set('all', source('select id, name, level from learners order by id'));
    provider.gate.pulls.set('param', source('select id, name from learners where level = $1 and name <> $2 order by id', [3, "x'; drop table learners; --"]));
    provider.gate.pulls.set('write', source('insert into learners values (999999, $1, 0) returning id', ['intruder']));
    provider.gate.pulls.set('slow', source('select pg_sleep(5)'));
    // 4 batches of 100 rows, each row 5 ms: every FETCH within the statement timeout, the whole stream past it.
    provider.gate.pulls.set('steady', source('select g from generate_series(1, 400) g, lateral (select pg_sleep(0.005 + g * 0)) s'));
    provider.gate.pulls.set('two', source('select 1; commit; delete from learners where id = 1'));
  });
  after(async () => {
    await Promise.all([provider?.close(), consumer?.close()]);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${new URL(school).pathname.slice(1)} with (force)`);
    await admin.end();
  });

  it('streams every row of the query as NDJSON through a cursor', async () => {
    const r = await rowsOf('all');
    assert.deepEqual([r.status, r.type], [200, 'application/x-ndjson']);
    const lines = r.text.trimEnd().split('\n');
    assert.equal(lines.length, 20000);
    assert.deepEqual(JSON.parse(lines[41]!), { id: 42, name: 'learner 42', level: 2 });
    const m = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'all'));
    assert.deepEqual([m.m.complete, m.m.bytes], [true, Buffer.byteLength(r.text)]);
  });

  it('binds the fixed parameters as values, and takes nothing from the request', async () => {
    const r = await rowsOf('param', '?query=delete%20from%20learners&$1=0');
    const rows = r.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: number });
    assert.equal(rows.length, 4000);
    assert.ok(rows.every((row) => row.id % 5 === 3));
    const sub = await rowsOf('param', '/learners;drop');
    assert.equal(sub.status, 404);
    assert.equal(await count(), 20000);
  });

  it('runs read-only with a statement timeout: a writing query and a slow one fail with 502', async () => {
    const w = await rowsOf('write');
    assert.deepEqual([w.status, JSON.parse(w.text).code], [502, 'DS_DATAPLANE_SOURCE_FAILED']);
    assert.doesNotMatch(JSON.parse(w.text).detail, /learners|INSERT/i, 'database errors stay in the provider log');
    assert.equal(await count(), 20000);
    const t0 = Date.now();
    const s = await rowsOf('slow');
    assert.deepEqual([s.status, JSON.parse(s.text).code], [502, 'DS_DATAPLANE_SOURCE_FAILED']);
    assert.ok(Date.now() - t0 < 3000);
  });

  it('keeps streaming past the statement timeout while every batch comes within it', async () => {
    const t0 = Date.now();
    const r = await rowsOf('steady');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 > 1000, 'the stream outlasted the timeout');
    assert.deepEqual(r.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { g: number }).g), Array.from({ length: 400 }, (_, i) => i + 1));
  });

  it('runs the query text as one statement: a second one cannot end the read-only transaction', async () => {
    const r = await rowsOf('two');
    assert.deepEqual([r.status, JSON.parse(r.text).code], [502, 'DS_DATAPLANE_SOURCE_FAILED']);
    assert.equal(await count(), 20000);
  });

  it('releases the database connection when the consumer goes away mid-stream', async () => {
    const sessions = async () => {
      const c = new pg.Client({ connectionString: school });
      await c.connect();
      const n = Number((await c.query('select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows[0].n);
      await c.end();
      return n;
    };
    const address = await provider.plane.issuePullAddress({ transferId: 'all', consumerDid: consumer.did });
    const { body, measured } = await consumer.plane.open({ transferId: 'all', address });
    for await (const _ of body) break; // one chunk, then the consumer leaves
    assert.equal((await measured).complete, false);
    await pollUntil(async () => (await sessions()) === 0, { what: 'the SQL source to release its connection' });
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'all' && !e.m.complete));
    assert.ok(served.m.bytes > 0);
  });

  it('pulls the rows into a consumer file destination with the same hash on both sides', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const target = join(mkdtempSync(join(tmpdir(), 'dp-sql-')), 'learners.ndjson');
    provider.gate.ended.length = 0;
    const address = await provider.plane.issuePullAddress({ transferId: 'all', consumerDid: consumer.did });
    const m = await consumer.plane.pull({ transferId: 'all', address, destination: { type: 'file', path: target } });
    const served = await pollUntil(async () => provider.gate.ended.find((e) => e.transferId === 'all'));
    assert.deepEqual([m.complete, m.sha256, m.bytes], [true, served.m.sha256, readFileSync(target).length]);
  });
});
