import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';

/**
 * A Kysely dialect for PGlite. PGlite is one connection: two Kysely transactions sharing it unguarded would
 * interleave their statements, so a connection is handed to one user at a time (see
 * docs/decisions/2026-11-23-storage.md for why kysely-pglite's driver was not enough).
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly client: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.client);
  }
  createIntrospector(db: Parameters<Dialect['createIntrospector']>[0]) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/** A FIFO lock: `acquire` resolves when every earlier holder has released. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

class PGliteDriver implements Driver {
  readonly #mutex: Mutex;
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  constructor(private readonly client: PGlite, mutex?: Mutex) {
    this.#mutex = mutex ?? pgliteMutex(client);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.acquire();
    const conn = new PGliteConnection(this.client);
    this.#releases.set(conn, release);
    return conn;
  }
  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('BEGIN'));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    this.#releases.get(conn)?.();
    this.#releases.delete(conn);
  }
  async destroy(): Promise<void> {
    // The owner of the PGlite instance closes it (see openDatabase).
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly client: PGlite) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.client.query<R>(q.sql, [...q.parameters]);
    const affected = res.affectedRows ?? 0;
    return { rows: res.rows, numAffectedRows: BigInt(affected) };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }
}

const mutexes = new WeakMap<PGlite, Mutex>();
/** The one lock guarding a PGlite instance, shared by Kysely and by raw script execution (migrations). */
export function pgliteMutex(client: PGlite): Mutex {
  let m = mutexes.get(client);
  if (!m) {
    m = new Mutex();
    mutexes.set(client, m);
  }
  return m;
}
