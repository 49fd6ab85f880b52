// Nodes run as deployed, one process each (`node bin/dases.js start`, built: npm run build), for the benchmarks
// that measure two nodes on loopback as two separate programs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from '../test/support/nodes.js';

export interface NodeProcess {
  url: string;
  did: string;
  child: ChildProcess;
}

/** Starts a node process on `databaseUrl` with the admin key `admin`; resolves once /health answers. */
export async function startNodeProcess(name: string, databaseUrl: string, admin: string, dirs: string[]): Promise<NodeProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `dases-bench-${name}-`));
  dirs.push(dataDir);
  // As `npm start` and the `dases` command run a node (DASES_BENCH_NODE_FLAGS to try others).
  const flags = (process.env.DASES_BENCH_NODE_FLAGS ?? '--max-semi-space-size=8 --heap-growing-percent=20 --expose-gc').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, join(ROOT, 'bin/dases.js'), 'start', '--port', String(port), '--data', dataDir, '--name', name], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DASES_ADMIN_API_KEY: admin, DASES_LOG_LEVEL: 'warn', DASES_CRAWL_INTERVAL: '0', DASES_WITNESS_INTERVAL: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) return { url, did: ((await r.json()) as { did: string }).did, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start`);
}

/** Resident memory of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; USER_HZ is 100). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
