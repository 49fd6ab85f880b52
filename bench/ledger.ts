// The transparency log's performance targets (issue 4), each printed beside a baseline measured in the same run:
// the raw SHA-256 hashing rate of the same entry data. Needs PostgreSQL: DASES_BENCH_DATABASE_URL, or Debian's
// postgresql installed for a throwaway cluster. Run: node --import tsx bench/ledger.ts
// DASES_BENCH_LOG_SIZE changes the log size (default 2^20 = 1,048,576 entries, so n = 2^20 proofs exist).
import { hash } from 'node:crypto';
import { migrate, openDatabase, type Database } from '../src/db/index.js';
import { createIdentity } from '../src/identity/index.js';
import { silentLogger, systemClock } from '../src/kernel/index.js';
import { createLedger, type Ledger, type NewLogEntry } from '../src/ledger/index.js';
import { createHttpApp, type App } from '../src/node/http-app.js';
import { startThrowawayPostgres } from '../scripts/pg-throwaway.mjs';
import { freePort } from '../test/support/nodes.js';
import { newDatabase } from './databases.js';
import { measure, percentile } from './stats.js';

const SIZE = Number(process.env.DASES_BENCH_LOG_SIZE ?? 2 ** 20);
const BATCH = 10_000;
const ADMIN = 'bench-admin-key';
const ACTOR = 'did:web:bench.example';
const TYPES = ['dataset.published', 'dataset.updated', 'participant.added', 'offering.published'];

const entry = (i: number): NewLogEntry => ({
  type: TYPES[i % TYPES.length]!,
  actor: ACTOR,
  subject: `urn:uuid:00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
  payload: { id: i, title: { en: `Dataset ${i}`, fr: `Jeu de données ${i}` }, version: 1 + (i % 7), license: 'CC-BY-4.0' },
});

/** Raw SHA-256 over the same data: one leaf hash per canonical entry, and the interior hashes of a tree over them. */
function hashingBaseline(canonicals: string[]): { leavesPerS: number; mbPerS: number; pairMs: number; treeMs: (n: number) => number } {
  const bufs = canonicals.map((c) => Buffer.concat([Buffer.from([0]), Buffer.from(c)]));
  const bytes = bufs.reduce((s, b) => s + b.length, 0);
  const t0 = performance.now();
  const leaves = bufs.map((b) => hash('sha256', b, 'buffer'));
  const leafMs = performance.now() - t0;
  const pair = Buffer.alloc(65, 1);
  const t1 = performance.now();
  for (let i = 0; i + 1 < leaves.length; i += 2) {
    leaves[i]!.copy(pair, 1);
    leaves[i + 1]!.copy(pair, 33);
    hash('sha256', pair, 'buffer');
  }
  const pairMs = (performance.now() - t1) / Math.floor(leaves.length / 2);
  const perLeafMs = leafMs / bufs.length;
  // A tree of n leaves has n leaf hashes and n - 1 interior hashes.
  return { leavesPerS: bufs.length / (leafMs / 1000), mbPerS: bytes / 1e6 / (leafMs / 1000), pairMs, treeMs: (n) => n * perLeafMs + (n - 1) * pairMs };
}

function row(what: string, value: string, baseline: string, target = ''): void {
  process.stdout.write(`${what.padEnd(52)} ${value.padStart(16)}   ${baseline.padEnd(44)} ${target}\n`);
}

async function seed(db: Database, log: Ledger): Promise<{ rate: number; seconds: number }> {
  const t0 = performance.now();
  for (let lo = 0; lo < SIZE; lo += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, SIZE - lo) }, (_, i) => entry(lo + i));
    await db.db.transaction().execute((tx) => log.appendMany(tx, items));
    if ((lo / BATCH) % 10 === 9) await log.latestHead();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { rate: SIZE / seconds, seconds };
}

async function main(): Promise<void> {
  const server = process.env.DASES_BENCH_DATABASE_URL ? { url: process.env.DASES_BENCH_DATABASE_URL, stop() {} } : await startThrowawayPostgres();
  if (!server) throw new Error('the benchmark needs PostgreSQL: install Debian postgresql or set DASES_BENCH_DATABASE_URL');
  let db: Database | undefined;
  let app: App | undefined;
  try {
    db = await openDatabase({ databaseUrl: await newDatabase(server.url, 'dases_bench_ledger'), poolSize: 10 });
    await migrate(db);
    const port = await freePort();
    const identity = await createIdentity({ db: db.db, clock: systemClock, ids: { uuid: () => crypto.randomUUID() }, logger: silentLogger(), publicUrl: `http://127.0.0.1:${port}`, dataDir: null, masterKey: Buffer.alloc(32, 7).toString('base64'), adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name: 'bench', roles: ['data-provider'] } });
    const log = createLedger({ db: db.db, clock: systemClock, logger: silentLogger(), did: identity.did, signer: identity.signer, engine: db.kind });
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 65536, authenticator: identity.authenticatorFor({ statusOf: async () => undefined }) }));
    await app.register(log.routes);
    app.get('/bench/empty', { config: { auth: 'public' } }, async () => ({}));
    app.get('/bench/empty-with-key', { config: { auth: { management: 'read' } } }, async () => ({}));
    await app.listen({ port, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;

    process.stdout.write(`\ndases transparency log benchmarks (PostgreSQL, ${SIZE.toLocaleString('en')} entries, ${new Date().toISOString()})\n`);
    process.stdout.write(`${'measure'.padEnd(52)} ${'value'.padStart(16)}   ${'baseline (same run)'.padEnd(44)} target\n`);

    const { rate, seconds } = await seed(db, log);
    const sample = (await log.entries({ limit: 1000, start: 0 })).map((e) => JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'index').sort(([a], [b]) => (a < b ? -1 : 1)))));
    const canonicals = Array.from({ length: 200_000 }, (_, i) => sample[i % sample.length]!.replace(/"id":\d+/, `"id":${i}`));
    const baseline = hashingBaseline(canonicals);
    row(`append, transactions of ${BATCH.toLocaleString('en')} (${seconds.toFixed(1)} s)`, `${Math.round(rate).toLocaleString('en')} /s`, `SHA-256 of the entries: ${Math.round(baseline.leavesPerS).toLocaleString('en')} /s (${baseline.mbPerS.toFixed(0)} MB/s)`, '>= 20,000 /s');

    await log.latestHead();
    const report = await log.verify();
    if (!report.ok) throw new Error(`verify found problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
    row(`verify ${SIZE.toLocaleString('en')} entries (${report.checkedHeads} heads)`, `${(report.durationMs / 1000).toFixed(2)} s`, `hashing the same tree in memory: ${(baseline.treeMs(SIZE) / 1000).toFixed(2)} s`, '< 5 s');

    let seedIdx = 1;
    const rnd = () => (seedIdx = (seedIdx * 48271) % 2147483647) % SIZE;
    const inProcess = await measure(2000, 200, () => log.inclusionProof(rnd(), SIZE));
    const hashPath = baseline.pairMs * Math.ceil(Math.log2(SIZE));
    row('inclusion proof p50, in process', `${percentile(inProcess, 50).toFixed(3)} ms`, `hashing a ${Math.ceil(Math.log2(SIZE))}-node path: ${hashPath.toFixed(4)} ms`, '< 1 ms');
    const headers = { 'x-api-key': ADMIN };
    const empty = await measure(1000, 100, async () => (await fetch(`${base}/bench/empty`)).text());
    const emptyWithKey = await measure(1000, 100, async () => (await fetch(`${base}/bench/empty-with-key`, { headers })).text());
    const overHttp = await measure(1000, 100, async () => {
      const res = await fetch(`${base}/api/v1/log/proofs/inclusion?index=${rnd()}&size=${SIZE}`, { headers });
      if (res.status !== 200) throw new Error(await res.text());
      return res.text();
    });
    row('inclusion proof p50, over HTTP (API key)', `${percentile(overHttp, 50).toFixed(3)} ms`, `empty route: ${percentile(empty, 50).toFixed(3)} ms, with API key: ${percentile(emptyWithKey, 50).toFixed(3)} ms`, '< 1 ms');

    for (const n of [2 ** 10, 2 ** 15, 2 ** 20].filter((x) => x <= SIZE)) {
      const inc = await log.inclusionProof(n - 1 - (n >> 3), n);
      const con = await log.consistencyProof(n - (n >> 2) - 1, n);
      row(`proof sizes at n = 2^${Math.log2(n)}`, `${inc.auditPath.length} / ${con.proof.length} hashes`, `log2(n) = ${Math.log2(n)} (inclusion / consistency)`, 'log2 growth');
    }
  } finally {
    await app?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
