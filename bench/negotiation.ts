// Contract negotiation performance (issue 5): a full DSP 2025-1 negotiation between two nodes on loopback, from
// the consumer's request to FINALIZED on both sides (agreement, verification, the bilateral contract signed by
// both and recorded with its log entries on each node). Printed beside baselines measured in the same run: an
// empty route, and one authenticated DSP round trip (a negotiation takes four of them plus a catalog request).
// Then the same between two node processes, as deployed (needs the build: npm run build).
// Needs PostgreSQL: DASES_BENCH_DATABASE_URL, or Debian's postgresql for a throwaway cluster.
// Run: npm run build && node --import tsx bench/negotiation.ts   (DASES_BENCH_NEGOTIATIONS: how many for the throughput runs)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, silentLogger } from '../src/kernel/index.js';
import { buildNode, type DasesNode } from '../src/node/node.js';
import { startThrowawayPostgres } from '../scripts/pg-throwaway.mjs';
import { freePort } from '../test/support/nodes.js';
import { newDatabase } from './databases.js';
import { processCpuMs, startNodeProcess, type NodeProcess } from './node-processes.js';
import { measure, percentile, printTable, type Row } from './stats.js';

const ADMIN = 'bench-admin-key';
const TOTAL = Number(process.env.DASES_BENCH_NEGOTIATIONS ?? 800);
const IN_FLIGHT = 16;
/** Negotiations run before the one-in-flight latency is timed (see where it is used). */
const WARM_UP = Number(process.env.DASES_BENCH_NEGOTIATION_WARM_UP ?? 500);

/**
 * CPU time (ms) of the PostgreSQL backends serving the benchmark's databases, read from /proc (Linux; undefined
 * elsewhere). The server shares the machine: its work per negotiation is part of what a negotiation costs.
 */
function databaseCpuMs(): number | undefined {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dases_bench_neg_')) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // The process ended meanwhile.
      }
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

async function startNode(name: string, databaseUrl: string, dirs: string[]): Promise<DasesNode> {
  const dataDir = mkdtempSync(join(tmpdir(), `dases-bench-${name}-`));
  dirs.push(dataDir);
  const config = loadConfig({ DASES_ADMIN_API_KEY: ADMIN, DASES_CRAWL_INTERVAL: '0', DASES_WITNESS_INTERVAL: '0', DATABASE_URL: databaseUrl }, { port: String(await freePort()), dataDir, name });
  const node = await buildNode({ config, logger: silentLogger() });
  await node.listen();
  node.startJobs();
  return node;
}

interface View {
  id: string;
  state: string;
  reason?: string;
  providerPid: string;
  total: number;
}

async function call(url: string, init: RequestInit = {}): Promise<View> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as View;
}

const mgmt = (body?: unknown): RequestInit => ({
  method: body === undefined ? 'GET' : 'POST',
  headers: { 'x-api-key': ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Registers each node with the other, publishes a dataset with an offer; returns one consumer-started negotiation. */
async function setUp(P: string, pDid: string, C: string, cDid: string): Promise<() => Promise<View>> {
  await call(`${P}/api/v1/participants`, mgmt({ did: cDid }));
  await call(`${C}/api/v1/participants`, mgmt({ did: pDid }));
  const ds = await call(`${P}/api/v1/datasets`, mgmt({ title: { en: 'Learning traces', fr: "Traces d'apprentissage" } }));
  const policy = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }] };
  const offering = await call(`${P}/api/v1/offerings`, mgmt({ title: 'Traces for research', datasets: [ds.id], policy }));
  const start = { counterPartyAddress: `${P}/dsp`, counterPartyId: pDid, offerId: `urn:uuid:${offering.id}`, purpose: 'research' };
  return async () => {
    const v = await call(`${C}/api/v1/negotiations?wait=true&timeout=60`, mgmt(start));
    if (v.state !== 'FINALIZED') throw new Error(`negotiation ended ${v.state}: ${v.reason ?? ''}`);
    return v;
  };
}

/** `count` calls of `fn`, IN_FLIGHT at a time; the seconds they took. */
async function inFlight(count: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < count) {
        started++;
        await fn();
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

/**
 * The same between two node processes, as two operators run them (built: npm run build): each node has its own
 * event loop, so the two share the machine's cores with PostgreSQL and with this client.
 */
async function asProcesses(serverUrl: string, dirs: string[], children: NodeProcess[]): Promise<void> {
  const p = await startNodeProcess('provider', await newDatabase(serverUrl, 'dases_bench_neg_pp'), ADMIN, dirs);
  children.push(p);
  const c = await startNodeProcess('consumer', await newDatabase(serverUrl, 'dases_bench_neg_pc'), ADMIN, dirs);
  children.push(c);
  const negotiate = await setUp(p.url, p.did, c.url, c.did);
  // After 500 negotiations: a fresh node's first few hundred still pay one-time costs (V8 compiling the hot paths,
  // each pooled connection preparing each statement), and the target is the latency of a running node.
  const one = await measure(200, WARM_UP, negotiate);
  const nodesCpu = () => processCpuMs(p.child.pid!) + processCpuMs(c.child.pid!);
  const cpu0 = nodesCpu();
  const db0 = databaseCpuMs();
  const seconds = await inFlight(TOTAL, negotiate);
  const rate = TOTAL / seconds;
  const cpuMs = (nodesCpu() - cpu0) / TOTAL;
  const db1 = databaseCpuMs();
  printTable(`the same between two node processes (${new Date().toISOString()})`, [
    { what: 'negotiation, request -> FINALIZED on both sides (1 in flight)', p50: percentile(one, 50), p95: percentile(one, 95), target: 'p50 < 20 ms' },
  ]);
  process.stdout.write(`${`throughput, ${IN_FLIGHT} in flight, ${TOTAL} negotiations in ${seconds.toFixed(1)} s`.padEnd(58)} ${rate.toFixed(0).padStart(8)} /s   target >= 200 /s\n`);
  process.stdout.write(`${'  CPU of the two node processes per negotiation'.padEnd(58)} ${cpuMs.toFixed(1).padStart(8)} ms  (from /proc; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)\n`);
  if (db0 !== undefined && db1 !== undefined) process.stdout.write(`${'  CPU of the PostgreSQL backends per negotiation'.padEnd(58)} ${((db1 - db0) / TOTAL).toFixed(1).padStart(8)} ms  (from /proc, about)\n`);
}

async function main(): Promise<void> {
  const server = process.env.DASES_BENCH_DATABASE_URL ? { url: process.env.DASES_BENCH_DATABASE_URL, stop() {} } : await startThrowawayPostgres();
  if (!server) throw new Error('the benchmark needs PostgreSQL: install Debian postgresql or set DASES_BENCH_DATABASE_URL');
  const dirs: string[] = [];
  const nodes: DasesNode[] = [];
  const children: NodeProcess[] = [];
  try {
    const p = await startNode('provider', await newDatabase(server.url, 'dases_bench_neg_p'), dirs);
    const c = await startNode('consumer', await newDatabase(server.url, 'dases_bench_neg_c'), dirs);
    nodes.push(p, c);
    const P = p.config.publicUrl;
    const C = c.config.publicUrl;
    const negotiate = await setUp(P, p.did, C, c.did);
    const empty = await measure(1000, 100, () => call(`${P}/.well-known/dspace-version`));
    const b50 = percentile(empty, 50);
    const first = await negotiate();
    const dspCall = async () =>
      call(`${P}/dsp/negotiations/${encodeURIComponent(first.providerPid)}`, { headers: { authorization: `Bearer ${await c.identity.tokens.sign(p.did)}` } });
    const dspGet = await measure(500, 50, dspCall);
    const d50 = percentile(dspGet, 50);
    // What one authenticated DSP round trip costs the machine (client, server and database), whatever it carries,
    // measured as the negotiations are (IN_FLIGHT at a time): a negotiation makes four of them, so the machine's
    // cores / (4 x this) bounds the rate of any negotiation here.
    const ROUND_TRIPS = 4000;
    const rtCpu0 = process.cpuUsage();
    const rtDb0 = databaseCpuMs();
    await inFlight(ROUND_TRIPS, dspCall);
    const rtCpu = process.cpuUsage(rtCpu0);
    const rtDb1 = databaseCpuMs();
    const rtCpuMs = (rtCpu.user + rtCpu.system) / 1000 / ROUND_TRIPS;
    const rtDbMs = rtDb0 !== undefined && rtDb1 !== undefined ? (rtDb1 - rtDb0) / ROUND_TRIPS : 0;

    const one = await measure(200, WARM_UP, negotiate);
    const cpu0 = process.cpuUsage();
    const db0 = databaseCpuMs();
    const seconds = await inFlight(TOTAL, negotiate);
    const rate = TOTAL / seconds;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / TOTAL;
    const db1 = databaseCpuMs();
    const dbMs = db0 !== undefined && db1 !== undefined ? (db1 - db0) / TOTAL : undefined;

    // Request to FINALIZED on both sides: the provider finalises first, so the consumer's answer implies both.
    for (const [n, base] of [[p, P], [c, C]] as const) {
      const finalized = await call(`${base}/api/v1/negotiations?state=FINALIZED&limit=1`, mgmt());
      const all = await call(`${base}/api/v1/negotiations?limit=1`, mgmt());
      if (finalized.total !== all.total) throw new Error(`${n.config.name}: ${all.total - finalized.total} negotiations not FINALIZED`);
    }

    const rows: Row[] = [
      { what: 'baseline: empty route (GET /.well-known/dspace-version)', p50: b50, p95: percentile(empty, 95) },
      { what: 'baseline: one DSP round trip with a node token', p50: d50, p95: percentile(dspGet, 95), baselineP50: b50 },
      { what: 'negotiation, request -> FINALIZED on both sides (1 in flight)', p50: percentile(one, 50), p95: percentile(one, 95), target: 'p50 < 20 ms', baselineP50: b50 },
      { what: `  the same, x one DSP round trip`, p50: percentile(one, 50), p95: percentile(one, 95), baselineP50: d50 },
    ];
    printTable(`dases contract negotiation (PostgreSQL, two nodes on loopback, ${new Date().toISOString()})`, rows);
    process.stdout.write(
      `${`throughput, ${IN_FLIGHT} in flight, ${TOTAL} negotiations in ${seconds.toFixed(1)} s`.padEnd(58)} ${rate.toFixed(0).padStart(8)} /s   ` +
        `(${(rate * (d50 / 1000)).toFixed(2)} per DSP round trip)  target >= 200 /s\n`,
    );
    process.stdout.write(`${'  CPU of this process (both nodes) per negotiation'.padEnd(58)} ${cpuMs.toFixed(1).padStart(8)} ms  (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)\n`);
    if (dbMs !== undefined) process.stdout.write(`${'  CPU of the PostgreSQL backends per negotiation'.padEnd(58)} ${dbMs.toFixed(1).padStart(8)} ms  (from /proc, about)\n`);
    const rtMs = rtCpuMs + rtDbMs;
    process.stdout.write(
      `${`baseline: CPU of one DSP round trip, ${IN_FLIGHT} in flight (process + database)`.padEnd(58)} ${rtMs.toFixed(2).padStart(8)} ms  ` +
        `(${rtCpuMs.toFixed(2)} + ${rtDbMs.toFixed(2)}): 4 of them on ${cpus().length} CPUs bound any negotiation to ${((cpus().length * 1000) / (4 * rtMs)).toFixed(0)} /s\n`,
    );
    if (dbMs !== undefined) process.stdout.write(`${'  one negotiation, in DSP round trips of CPU'.padEnd(58)} ${((cpuMs + dbMs) / rtMs).toFixed(1).padStart(8)}\n`);
    for (const n of nodes.splice(0)) await n.close();
    await asProcesses(server.url, dirs, children);
  } finally {
    for (const n of nodes) await n.close().catch(() => undefined);
    for (const child of children) {
      child.child.kill('SIGTERM');
      if (child.child.exitCode === null) await new Promise((r) => child.child.once('exit', r));
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
