import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from './poll.js';
import { freePort } from './ports.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export { freePort };

export interface NodeProcess {
  url: string;
  did: string;
  apiKey: string;
  dataDir: string;
  child: ChildProcess;
  stderr(): string;
  /** Management API call with the operator key. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(opts?: { signal?: NodeJS.Signals; keepData?: boolean }): Promise<void>;
}

/** Runs the `dases` CLI from source (as `npm start` runs it built) and returns its output. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, DASES_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
  return { code, stdout, stderr };
}

/** Starts a real node process with `dases start` on a free loopback port and its own data directory. */
export async function startNodeProcess(
  name: string,
  env: Record<string, string> = {},
  opts: { dataDir?: string; keepAdminKeyFile?: boolean; port?: number } = {},
): Promise<NodeProcess> {
  // A restart keeps its port: the node's did:web is derived from its URL.
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `dases-${name}-`));
  // With keepAdminKeyFile the node keeps using the key generated in <data>/admin-api-key.
  const apiKey = opts.keepAdminKeyFile ? readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim() : `dases_test_${name}_${Math.random().toString(36).slice(2)}`;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'start', '--port', String(port), '--data', dataDir, '--name', name], {
    cwd: ROOT,
    env: { ...process.env, ...(opts.keepAdminKeyFile ? {} : { DASES_ADMIN_API_KEY: apiKey }), DASES_LOG_LEVEL: 'warn', DASES_CRAWL_INTERVAL: '0', DASES_WITNESS_INTERVAL: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const api: NodeProcess['api'] = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const health = await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`node ${name} exited: ${err}`);
      try {
        const r = await fetch(`${url}/health`);
        return r.status === 200 ? ((await r.json()) as { did: string }) : undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, intervalMs: 100, what: `node ${name} to start` },
  );
  return {
    url,
    did: health.did,
    apiKey,
    dataDir,
    child,
    stderr: () => err,
    api,
    async stop(o = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(o.signal ?? 'SIGTERM');
        await exited;
      }
      if (!o.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
