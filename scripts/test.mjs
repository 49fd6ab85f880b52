#!/usr/bin/env node
// Runs every test tier with Node's test runner: unit and integration tests beside the code (src/**/*.test.ts),
// end-to-end tests under test/. Store contract suites run on PGlite always and on PostgreSQL when one is
// available: DASES_TEST_DATABASE_URL if set, otherwise a throwaway cluster started here from the local
// PostgreSQL binaries (Debian's postgresql package), removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createServer } from 'node:net';

const root = new URL('..', import.meta.url).pathname;
const tier = process.argv[2]; // undefined = all; 'unit' = src only; 'e2e' = test/ only

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = [...(tier === 'e2e' ? [] : find(join(root, 'src'))), ...(tier === 'unit' ? [] : find(join(root, 'test')))].sort();

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

async function startThrowawayPostgres() {
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
  const port = await freePort();
  r = run([join(bin, 'pg_ctl'), '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, 'start']);
  if (r.status !== 0) {
    process.stderr.write(`could not start a throwaway PostgreSQL: ${r.stderr}${r.stdout}\n`);
    return null;
  }
  return {
    url: `postgres://dases@127.0.0.1:${port}/postgres`,
    stop() {
      run([join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let pg = null;
if (!process.env.DASES_TEST_DATABASE_URL) {
  pg = await startThrowawayPostgres();
  if (pg) process.env.DASES_TEST_DATABASE_URL = pg.url;
}
process.stderr.write(
  process.env.DASES_TEST_DATABASE_URL
    ? `store suites run on PGlite and on PostgreSQL (${process.env.DASES_TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})\n`
    : 'store suites run on PGlite only: no PostgreSQL found (install Debian\'s postgresql or set DASES_TEST_DATABASE_URL)\n',
);

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
const code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? (sig ? 1 : 0))));
pg?.stop();
process.exit(code);
