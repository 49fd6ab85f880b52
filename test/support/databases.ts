import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import pg from 'pg';
import { migrate, openDatabase, type Database } from '../../src/db/index.js';

export type Engine = 'pglite' | 'postgres';

const serverUrl = process.env.DASES_TEST_DATABASE_URL;

/**
 * Opens a fresh, migrated database of the given engine: an in-memory PGlite, or a new database on the test
 * PostgreSQL server (dropped again by `close`).
 */
export async function openTestDatabase(engine: Engine): Promise<Database> {
  if (engine === 'pglite') {
    const d = await openDatabase({ dataDir: null });
    await migrate(d);
    return d;
  }
  const url = await createServerDatabase();
  const d = await openDatabase({ databaseUrl: url, poolSize: 5 });
  await migrate(d);
  return {
    ...d,
    async close() {
      await d.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
      await c.end();
    },
  };
}

/** The URL of a fresh empty database on the test server (for tests that start whole nodes on PostgreSQL). */
export async function createServerDatabase(): Promise<string> {
  if (!serverUrl) throw new Error('DASES_TEST_DATABASE_URL is not set');
  const name = `dases_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Declares a suite once per engine: on PGlite always, on PostgreSQL when DASES_TEST_DATABASE_URL is set
 * (`npm test` starts a throwaway server when PostgreSQL is installed), otherwise skipped with the reason.
 */
export function forEachEngine(title: string, body: (engine: Engine) => void): void {
  describe(`${title} [pglite]`, () => body('pglite'));
  if (serverUrl) describe(`${title} [postgres]`, () => body('postgres'));
  else describe(`${title} [postgres]`, { skip: 'no PostgreSQL: set DASES_TEST_DATABASE_URL or install Debian postgresql' }, () => {});
}
