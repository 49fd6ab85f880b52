// A throwaway PostgreSQL cluster on loopback, from the local PostgreSQL binaries (Debian's postgresql package),
// for the test suite and the benchmarks. Returns null when no PostgreSQL is installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function pgBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

export async function startThrowawayPostgres() {
  const bin = pgBin();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'dases-pg-'));
  chmodSync(dir, 0o777);
  const asPg = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (args) => spawnSync(asPg[0] ?? args[0], asPg.length ? [...asPg.slice(1), ...args] : args.slice(1), { stdio: 'pipe', encoding: 'utf8' });
  const data = join(dir, 'data');
  let r = run([join(bin, 'initdb'), '-D', data, '-U', 'dases', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  if (r.status !== 0) {
    process.stderr.write(`could not initdb a throwaway PostgreSQL: ${r.stderr}\n`);
    return null;
  }
  // The port is free when chosen but not reserved: another process may take it before the server binds it.
  // A start that fails is retried on another port.
  let port;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    r = run([join(bin, 'pg_ctl'), '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, 'start']);
    if (r.status === 0) break;
    if (attempt === 3) {
      process.stderr.write(`could not start a throwaway PostgreSQL: ${r.stderr}${r.stdout}\n`);
      return null;
    }
  }
  return {
    url: `postgres://dases@127.0.0.1:${port}/postgres`,
    stop() {
      run([join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

