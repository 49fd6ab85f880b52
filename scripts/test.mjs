#!/usr/bin/env node
// Runs every test tier with Node's test runner: unit and integration tests beside the code (src/**/*.test.ts),
// end-to-end tests under test/. Store contract suites run on PGlite always and on PostgreSQL when one is
// available: DASES_TEST_DATABASE_URL if set, otherwise a throwaway cluster started here from the local
// PostgreSQL binaries (Debian's postgresql package), removed at the end.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startThrowawayPostgres } from './pg-throwaway.mjs';

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

let pg = null;
if (!process.env.DASES_TEST_DATABASE_URL) {
  pg = await startThrowawayPostgres();
  if (pg) process.env.DASES_TEST_DATABASE_URL = pg.url;
}
if (!process.env.DASES_TEST_DATABASE_URL && process.env.DASES_REQUIRE_POSTGRES) {
  process.stderr.write('DASES_REQUIRE_POSTGRES is set but no PostgreSQL could be started\n');
  process.exit(1);
}
process.stderr.write(
  process.env.DASES_TEST_DATABASE_URL
    ? `store suites run on PGlite and on PostgreSQL (${process.env.DASES_TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})\n`
    : 'store suites run on PGlite only: no PostgreSQL found (install Debian\'s postgresql or set DASES_TEST_DATABASE_URL)\n',
);

const child = spawn(process.execPath, [
  '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000',
  '--test-reporter=tap', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/failures-reporter.mjs', '--test-reporter-destination=stdout',
  ...files,
], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
const code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? (sig ? 1 : 0))));
pg?.stop();
process.exit(code);
