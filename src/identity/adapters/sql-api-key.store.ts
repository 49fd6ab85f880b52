import { sql, type Kysely } from 'kysely';
import { json, type DB } from '../../db/index.js';
import type { Scope } from '../../kernel/index.js';

// Any constant: it only has to be the same for every process sharing the database.
const BOOTSTRAP_LOCK = 4_372_019_333;

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
}

type Row = { id: string; name: string; prefix: string; scopes: unknown; created_at: Date; revoked_at: Date | null };
const toRecord = (r: Row): ApiKeyRecord => ({ id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes as Scope[], createdAt: r.created_at, revokedAt: r.revoked_at });
const COLUMNS = ['id', 'name', 'prefix', 'scopes', 'created_at', 'revoked_at'] as const;

/** Operator API keys; only their SHA-256 hashes are stored. Every lookup goes to the database: no cache to go stale on revocation. */
export class SqlApiKeyStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(k: { id: string; name: string; prefix: string; hash: string; scopes: Scope[]; now: Date }, tx: Kysely<DB> = this.db): Promise<void> {
    await tx
      .insertInto('api_keys')
      .values({ id: k.id, name: k.name, prefix: k.prefix, key_hash: k.hash, scopes: json(k.scopes), created_at: k.now })
      .onConflict((oc) => oc.column('key_hash').doNothing())
      .execute();
  }

  async findActiveByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom('api_keys').select(COLUMNS).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.selectFrom('api_keys').select(COLUMNS).orderBy('created_at').orderBy('id').execute()).map(toRecord);
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    const res = await this.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (res.numUpdatedRows > 0n) return true;
    return (await this.db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  /**
   * Runs `fn` under a transaction-scoped advisory lock so that processes starting together on one database do not
   * each create a bootstrap key.
   */
  async underBootstrapLock<T>(fn: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(tx);
      return fn(tx);
    });
  }

  async activeCount(tx: Kysely<DB>): Promise<number> {
    const r = await tx.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async activeBootstrap(tx: Kysely<DB>): Promise<{ id: string; key_hash: string } | undefined> {
    return tx.selectFrom('api_keys').select(['id', 'key_hash']).where('name', '=', 'bootstrap').where('revoked_at', 'is', null).executeTakeFirst();
  }

  async replaceSecret(tx: Kysely<DB>, id: string, hash: string, prefix: string): Promise<void> {
    await tx.updateTable('api_keys').set({ key_hash: hash, prefix, scopes: json(['admin']) }).where('id', '=', id).execute();
  }
}
