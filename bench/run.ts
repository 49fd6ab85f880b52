// `npm run bench`: the backbone's performance targets, each printed beside a baseline measured in the same run
// (the latency of an empty route on the same node over the same loopback HTTP). Needs PostgreSQL: set
// DASES_BENCH_DATABASE_URL, or have Debian's postgresql installed for a throwaway cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '../src/kernel/index.js';
import { buildNode, type DasesNode } from '../src/node/node.js';
import { startThrowawayPostgres } from '../scripts/pg-throwaway.mjs';
import { freePort } from '../test/support/nodes.js';
import { seedCatalog } from './seed.js';
import { newDatabase } from './databases.js';
import { measure, percentile, printTable, type Row } from './stats.js';

const DATASETS = Number(process.env.DASES_BENCH_DATASETS ?? 100_000);
const ADMIN = 'bench-admin-key';

async function startNode(name: string, databaseUrl: string, dirs: string[]): Promise<DasesNode> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `dases-bench-${name}-`));
  dirs.push(dataDir);
  const config = loadConfig({ DASES_ADMIN_API_KEY: ADMIN, DASES_CRAWL_INTERVAL: '0', DATABASE_URL: databaseUrl }, { port: String(port), dataDir, name });
  const node = await buildNode({ config, logger: silentLogger() });
  await node.listen();
  return node;
}

async function call(url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, init);
  const body = await res.text();
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${body.slice(0, 300)}`);
  return body;
}

async function main(): Promise<void> {
  const server = process.env.DASES_BENCH_DATABASE_URL ? { url: process.env.DASES_BENCH_DATABASE_URL, stop() {} } : await startThrowawayPostgres();
  if (!server) throw new Error('the benchmarks need PostgreSQL: install Debian postgresql or set DASES_BENCH_DATABASE_URL');
  const dirs: string[] = [];
  const nodes: DasesNode[] = [];
  try {
    const a = await startNode('provider', await newDatabase(server.url, 'dases_bench_a'), dirs);
    const b = await startNode('consumer', await newDatabase(server.url, 'dases_bench_b'), dirs);
    nodes.push(a, b);
    const A = a.config.publicUrl;
    const B = b.config.publicUrl;
    const mgmt = (body?: unknown): RequestInit => ({
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

    let t = Date.now();
    await seedCatalog(a.database.db, DATASETS);
    process.stdout.write(`seeded ${DATASETS} datasets on PostgreSQL in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    await call(`${A}/api/v1/participants`, mgmt({ did: b.did }));
    await call(`${B}/api/v1/participants`, mgmt({ did: a.did }));

    const baseline = await measure(1000, 100, () => call(`${A}/.well-known/dspace-version`));
    const b50 = percentile(baseline, 50);
    const rows: Row[] = [{ what: 'baseline: empty route (GET /.well-known/dspace-version)', p50: b50, p95: percentile(baseline, 95) }];

    const queries = ['compétences', 'numérique formation', 'apprentissage', 'skills', 'digital learning', 'évaluation emploi', 'guidance', 'mathématiques lecture', 'internship', 'insertion 4242'];
    t = Date.now();
    const search = await measure(500, 50, (i) => call(`${A}/api/v1/catalog/search?q=${encodeURIComponent(queries[i % queries.length]!)}&limit=20`, mgmt()));
    rows.push({ what: `catalog search over ${DATASETS} datasets (20 per page)`, p50: percentile(search, 50), p95: percentile(search, 95), target: 'p50 < 20 ms', baselineP50: b50 });

    const filtered = await measure(300, 30, (i) => call(`${A}/api/v1/catalog/search?keyword=${encodeURIComponent(["compétences", "emploi", "stage"][i % 3]!)}&limit=20`, mgmt()));
    rows.push({ what: 'catalog search filtered by keyword (20 per page)', p50: percentile(filtered, 50), p95: percentile(filtered, 95), baselineP50: b50 });

    const dspBody = JSON.stringify({ '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'], '@type': 'CatalogRequestMessage', filter: [] });
    const dsp = await measure(300, 30, async (i) =>
      call(`${A}/dsp/catalog/request?limit=100&offset=${(i * 100) % DATASETS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await b.identity.tokens.sign(a.did)}` },
        body: dspBody,
      }),
    );
    rows.push({ what: 'DSP catalog request, page of 100, B -> A (token included)', p50: percentile(dsp, 50), p95: percentile(dsp, 95), target: 'p50 < 30 ms', baselineP50: b50 });

    const viaMgmt = await measure(200, 20, () => call(`${B}/api/v1/catalog/request`, mgmt({ counterPartyAddress: `${A}/dsp`, counterPartyId: a.did })));
    rows.push({ what: "B's management API fetching A's DSP catalog (first page)", p50: percentile(viaMgmt, 50), p95: percentile(viaMgmt, 95), baselineP50: b50 });

    printTable(`dases backbone benchmarks (PostgreSQL, loopback HTTP, ${new Date().toISOString()})`, rows);
  } finally {
    for (const n of nodes) await n.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
