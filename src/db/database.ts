import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect, pgliteMutex } from './pglite.dialect.js';
import type { DB } from './schema.js';

/** Runs a multi-statement SQL script and parameterised queries inside one transaction (migrations use it). */
export interface ScriptTx {
  exec(script: string): Promise<void>;
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in a transaction of its own, with the raw script API the migration runner needs. */
  scriptTransaction<T>(fn: (tx: ScriptTx) => Promise<T>): Promise<T>;
  /** A cheap round trip, for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, PGlite under `dataDir/pglite` (or in memory if dataDir is null). */
  databaseUrl?: string | undefined;
  dataDir?: string | null;
  poolSize?: number;
  /** Prepare repeated statements per connection (default true); off behind poolers that cannot keep them. */
  preparedStatements?: boolean;
}

const INT8 = 20;
const NUMERIC = 1700;

/** Opens the node's database: PGlite (embedded, default) or a PostgreSQL server when a URL is given. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10, opts.preparedStatements ?? true) : openPGlite(opts.dataDir ?? null);
}

async function openPGlite(dataDir: string | null): Promise<Database> {
  let dir: string | undefined;
  if (dataDir) {
    dir = join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  // Loaded only when used: a node on a PostgreSQL server never needs PGlite's module in memory.
  const { PGlite } = await import('@electric-sql/pglite');
  // int8 and numeric come back as numbers on both engines, so stores see the same shapes.
  const client = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    parsers: { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v) },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  const mutex = pgliteMutex(client);
  return {
    db,
    kind: 'pglite',
    async scriptTransaction(fn) {
      const release = await mutex.acquire();
      try {
        return await client.transaction(async (tx) =>
          fn({
            exec: async (s) => void (await tx.exec(s)),
            query: async <R>(t: string, p: unknown[] = []) => (await tx.query<R>(t, p)).rows,
          }),
        );
      } finally {
        release();
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
      await client.close();
    },
  };
}

async function openPostgres(connectionString: string, max: number, prepare: boolean): Promise<Database> {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString, max, types });
  // An idle connection can fail (server restart, backend terminated, database dropped while the pool closes its
  // connections): the pool drops it and the next query opens another, but without a listener the error would be
  // thrown as an uncaught exception and stop the process.
  pool.on('error', () => undefined);
  if (prepare) pool.on('connect', (client) => prepareRepeatedStatements(client));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async scriptTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          exec: async (s) => void (await client.query(s)),
          query: async <R>(t: string, p: unknown[] = []) => (await client.query(t, p)).rows as R[],
        });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * Statements with at most this many parameters are prepared at once. Longer ones are often `in (...)` lists or
 * multi-row inserts whose text changes with their length, so they are prepared only once their text came again:
 * the wide writes of the hot paths (a transfer or negotiation row with its outbox messages) repeat, and cost a
 * parse and a plan of about a millisecond each time they are sent unprepared.
 */
const PREPARE_MAX_PARAMETERS = 32;
/** Long statements' texts seen once, waiting for a second use (bounded: past this, a new one is forgotten). */
const longSeenOnce = new Set<string>();
const LONG_SEEN_MAX = 2000;
/** Prepared statements per connection at most: the server keeps each one for the connection's life. */
const PREPARED_PER_CONNECTION = 500;
/** Statements without parameters are prepared only when they read or write data (not BEGIN, SET, DDL...). */
const DATA_STATEMENT = /^\s*(select|with|insert|update|delete)\b/i;

/** Statement names by SQL text, shared by every connection: a hash per query costs more than a map lookup. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `dases_${createHash('sha1').update(text).digest('base64url')}`;
    // Bounded like the per-connection sets: past this, names are computed again rather than remembered.
    if (statementNames.size < PREPARED_PER_CONNECTION * 4) statementNames.set(text, name);
  }
  return name;
}

/**
 * Makes the connection prepare its repeated statements once, by name, and then only bind and execute them:
 * Kysely sends each query as unnamed SQL, which PostgreSQL parses and plans again on every call; on the hot paths
 * (a DSP message, an xAPI request) that parsing costs as much as running the statements. The name is the SQL's
 * hash, so the same text maps to the same statement on any connection.
 */
function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const prepared = new Set<string>();
  // Statements whose table changed shape since they were prepared (another process sharing the database ran a
  // migration): PostgreSQL refuses to run them again, so the text is prepared anew under another name.
  const renamed = new Map<string, string>();
  client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && (values.length > 0 || DATA_STATEMENT.test(config)) && repeated(config, values.length)) {
      const name = renamed.get(config) ?? statementName(config);
      if (prepared.has(name) || prepared.size < PREPARED_PER_CONNECTION) {
        prepared.add(name);
        if (callback !== undefined) return query({ name, text: config, values }, callback);
        return (query({ name, text: config, values }) as Promise<unknown>).catch((e: unknown) => {
          if (isStalePlan(e)) renamed.set(config, `${name}_${prepared.size}`);
          throw e;
        });
      }
    }
    return query(config, values, callback);
  }) as typeof client.query;
}

/** Whether a statement is worth preparing: a short one always, a long one from the second time its text is sent. */
function repeated(text: string, parameters: number): boolean {
  if (parameters <= PREPARE_MAX_PARAMETERS || statementNames.has(text)) return true;
  if (longSeenOnce.delete(text)) return true;
  if (longSeenOnce.size < LONG_SEEN_MAX) longSeenOnce.add(text);
  return false;
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed (SQLSTATE 0A000). */
function isStalePlan(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return err.code === '0A000' && typeof err.message === 'string' && err.message.includes('cached plan must not change result type');
}
