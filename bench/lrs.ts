// xAPI LRS performance (issue 8), on PostgreSQL, every figure beside PostgreSQL's own COPY rate of the same rows
// measured in the same run:
// - POST of 1,000-statement batches (statements/s), target >= 5,000/s;
// - 1,000 concurrent single-statement writers, p95 latency, target < 200 ms, beside the same 1,000 concurrent
//   clients reading GET /xapi/about (no database): the floor of HTTP alone on this machine;
// - with DASES_BENCH_LRS_STORED statements stored (default 1,000,000), queries by agent, verb, activity,
//   registration and since, p50, target < 30 ms.
// Needs PostgreSQL: DASES_BENCH_DATABASE_URL, or Debian's postgresql for a throwaway cluster.
// Run: node --import tsx bench/lrs.ts
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig, silentLogger } from '../src/kernel/index.js';
import { buildNode } from '../src/node/node.js';
import { startThrowawayPostgres } from '../scripts/pg-throwaway.mjs';
import { freePort } from '../test/support/nodes.js';
import { newDatabase } from './databases.js';
import { percentile } from './stats.js';

const STORED = Number(process.env.DASES_BENCH_LRS_STORED ?? 1_000_000);
const BATCH = 1000;
const BATCHES = Number(process.env.DASES_BENCH_LRS_BATCHES ?? 20);
const WRITERS = 1000;
const QUERIES = 200;
const ADMIN = 'bench-admin-key';

const AGENTS = 20_000;
const VERBS = ['completed', 'experienced', 'attempted', 'passed', 'failed', 'answered', 'interacted', 'progressed', 'launched', 'initialized', 'terminated', 'scored', 'suspended', 'resumed', 'commented', 'shared', 'voted', 'asked', 'registered', 'mastered'].map((v) => `http://adlnet.gov/expapi/verbs/${v}`);
const ACTIVITIES = 10_000;
const REGISTRATIONS = 50_000;
const registrations = Array.from({ length: REGISTRATIONS }, () => randomUUID());

/** A realistic statement: one of 20k learners, 20 verbs, 10k activities under 100 courses, 50k registrations. */
function statement(i: number): Record<string, unknown> {
  const a = (i * 7919) % AGENTS;
  const act = (i * 104_729) % ACTIVITIES;
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: 'https://edtech.example', name: `learner-${a}` } },
    verb: { id: VERBS[i % VERBS.length], display: { 'en-US': 'did' } },
    object: { objectType: 'Activity', id: `https://edtech.example/activities/${act}`, definition: { type: 'http://adlnet.gov/expapi/activities/lesson' } },
    result: { completion: i % 3 === 0, score: { scaled: (i % 100) / 100 } },
    context: { registration: registrations[i % REGISTRATIONS], contextActivities: { parent: [{ id: `https://edtech.example/courses/${act % 100}` }] } },
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  };
}

/** PostgreSQL's own COPY of the same statements (id, stored, document) into a plain table: rows per second. */
async function copyRate(url: string, rows: Array<Record<string, unknown>>): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('create table if not exists copy_baseline (id uuid primary key, stored timestamptz not null, doc jsonb not null)');
  await c.query('truncate copy_baseline');
  const lines = rows.map((s) => `${s.id as string}\t${new Date().toISOString()}\t${JSON.stringify(s).replace(/\\/g, '\\\\')}\n`);
  const t0 = performance.now();
  await pipeline(Readable.from(lines), c.query(copyFrom('copy copy_baseline from stdin')));
  const seconds = (performance.now() - t0) / 1000;
  await c.end();
  return rows.length / seconds;
}

async function main(): Promise<void> {
  const server = process.env.DASES_BENCH_DATABASE_URL ? { url: process.env.DASES_BENCH_DATABASE_URL, stop() {} } : await startThrowawayPostgres();
  if (!server) throw new Error('the benchmark needs PostgreSQL: install Debian postgresql or set DASES_BENCH_DATABASE_URL');
  const dataDir = mkdtempSync(join(tmpdir(), 'dases-bench-lrs-'));
  const dbUrl = await newDatabase(server.url, 'dases_bench_lrs');
  const node = await buildNode({
    config: loadConfig({ DASES_ADMIN_API_KEY: ADMIN, DASES_CRAWL_INTERVAL: '0', DASES_WITNESS_INTERVAL: '0', DATABASE_URL: dbUrl, DASES_BODY_LIMIT: String(64 * 1024 * 1024) }, { port: String(await freePort()), dataDir, name: 'lrs' }),
    logger: silentLogger(),
  });
  await node.listen();
  try {
    const base = node.config.publicUrl;
    const created = await fetch(`${base}/api/v1/lrs/clients`, { method: 'POST', headers: { 'x-api-key': ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', scopes: ['all'] }) });
    const client = (await created.json()) as { key: string; secret: string };
    const headers = { authorization: `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' };
    let n = 0;
    const post = async (body: unknown) => {
      const r = await fetch(`${base}/xapi/statements`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`POST /xapi/statements: ${r.status} ${text.slice(0, 300)}`);
    };

    // 1. Batches of 1,000, and the COPY of the same rows.
    const batches = Array.from({ length: BATCHES }, () => Array.from({ length: BATCH }, () => statement(n++)));
    await post(batches[0]);
    const t0 = performance.now();
    for (const b of batches.slice(1)) await post(b);
    const batchRate = ((BATCHES - 1) * BATCH) / ((performance.now() - t0) / 1000);
    const copy = await copyRate(dbUrl, batches.flat());

    // 2. 1,000 writers at once, one statement each, from another thread; the first round opens the connections.
    // Workers do not inherit tsx's loader on Node 20: the worker registers it, then loads the TypeScript module.
    const entry = new URL('./lrs-writers.worker.ts', import.meta.url).href;
    const clients = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: { headers } });
    const burst = (job: { url: string; method: 'GET' | 'POST'; bodies?: string[] }) =>
      new Promise<number[]>((resolve, reject) => {
        clients.once('message', (m: { latencies?: number[]; error?: string }) => (m.latencies ? resolve(m.latencies) : reject(new Error(m.error))));
        clients.postMessage({ ...job, count: WRITERS });
      });
    const writers = () => burst({ url: `${base}/xapi/statements`, method: 'POST', bodies: Array.from({ length: WRITERS }, () => JSON.stringify(statement(n++))) });
    const about = () => burst({ url: `${base}/xapi/about`, method: 'GET' });
    await about();
    const floor: number[] = [];
    const latencies: number[] = [];
    for (let round = 0; round < 3; round++) {
      floor.push(...(await about()));
      latencies.push(...(await writers()));
    }
    await clients.terminate();

    // 3. Fill to STORED statements (batches), then the queries.
    const fillFrom = performance.now();
    while (n < STORED) {
      const size = Math.min(BATCH, STORED - n);
      await post(Array.from({ length: size }, () => statement(n++)));
      if (n % 100_000 < BATCH) process.stderr.write(`\r  stored ${n.toLocaleString('en')} statements`);
    }
    process.stderr.write(`\r  stored ${n.toLocaleString('en')} statements in ${((performance.now() - fillFrom) / 1000).toFixed(0)} s\n`);
    const pg0 = new pg.Client({ connectionString: dbUrl });
    await pg0.connect();
    await pg0.query('analyze');
    await pg0.end();
    const get = async (query: string) => {
      const t = performance.now();
      const r = await fetch(`${base}/xapi/statements?${query}`, { headers });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`GET ${query}: ${r.status} ${text.slice(0, 300)}`);
      return performance.now() - t;
    };
    const pick = (i: number) => statement(i * 7 + 3);
    const queries: Array<[string, (i: number) => string]> = [
      ['agent', (i) => `agent=${encodeURIComponent(JSON.stringify((pick(i).actor as object)))}&limit=10`],
      ['verb', (i) => `verb=${encodeURIComponent(VERBS[i % VERBS.length]!)}&limit=10`],
      ['activity', (i) => `activity=${encodeURIComponent(((pick(i).object as { id: string }).id))}&limit=10`],
      ['registration', (i) => `registration=${registrations[(i * 31) % REGISTRATIONS]}&limit=10`],
      ['since', (i) => `since=${encodeURIComponent(new Date(Date.now() - (i % 50) * 1000).toISOString())}&limit=10`],
      ['agent + verb + related activities', (i) => `agent=${encodeURIComponent(JSON.stringify(pick(i).actor as object))}&verb=${encodeURIComponent(VERBS[i % VERBS.length]!)}&activity=${encodeURIComponent(`https://edtech.example/courses/${i % 100}`)}&related_activities=true&limit=10`],
    ];
    const results: Array<[string, number[]]> = [];
    for (const [name, q] of queries) {
      for (let i = 0; i < 20; i++) await get(q(i));
      const samples: number[] = [];
      for (let i = 0; i < QUERIES; i++) samples.push(await get(q(i + 20)));
      results.push([name, samples]);
    }

    process.stdout.write(`\ndases xAPI LRS (PostgreSQL, ${new Date().toISOString()})\n`);
    process.stdout.write(`${'baseline: PostgreSQL COPY of the same statements (id, stored, jsonb)'.padEnd(66)} ${copy.toFixed(0).padStart(9)} rows/s\n`);
    process.stdout.write(`${`POST of ${BATCH}-statement batches (${BATCHES - 1} batches)`.padEnd(66)} ${batchRate.toFixed(0).padStart(9)} statements/s  (${(batchRate / copy).toFixed(2)} x COPY)  target >= 5,000/s\n`);
    process.stdout.write(`${`baseline: ${WRITERS} concurrent GET /xapi/about (HTTP alone, 3 rounds)`.padEnd(66)} p50 ${percentile(floor, 50).toFixed(1)} ms, p95 ${percentile(floor, 95).toFixed(1)} ms\n`);
    process.stdout.write(`${`${WRITERS} concurrent single-statement writers (3 rounds)`.padEnd(66)} p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms  (${(percentile(latencies, 95) / percentile(floor, 95)).toFixed(1)} x HTTP alone)  target p95 < 200 ms\n`);
    process.stdout.write(`${`queries at ${n.toLocaleString('en')} stored statements (limit 10)`.padEnd(66)}   p50 ms   p95 ms  target p50 < 30 ms\n`);
    for (const [name, samples] of results) process.stdout.write(`${`  ${name}`.padEnd(66)} ${percentile(samples, 50).toFixed(2).padStart(8)} ${percentile(samples, 95).toFixed(2).padStart(8)}\n`);
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
    server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
