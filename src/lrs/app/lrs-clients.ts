import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { json, type DB } from '../../db/index.js';
import { AppError, type Clock, type IdGenerator, type LrsScope } from '../../kernel/index.js';

/**
 * xAPI clients of this LRS: HTTP Basic credentials issued by the operator. The secret is 32 random bytes shown
 * once; only its SHA-256 is kept. A slow password hash (scrypt) would add nothing against guessing a 256-bit
 * random secret and would cost every xAPI request milliseconds of CPU.
 */
export interface LrsClientView { id: string; name: string; key: string; scopes: LrsScope[]; createdAt: string }
export type LrsClientPrincipal = { kind: 'lrs-client'; clientId: string; name: string; scopes: LrsScope[] };

const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/**
 * How long a client's row is reused to check its requests without reading the database again. A deletion through
 * this node takes effect at once; one made by another process on the same database within this time.
 */
const CACHE_MS = 10_000;

interface ClientRow { id: string; name: string; secret_hash: string; scopes: unknown }

export function createLrsClients(deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator }) {
  const { db, clock, ids } = deps;
  // Every xAPI request authenticates; a burst of a thousand writers would otherwise queue a thousand lookups.
  const cache = new Map<string, { row: ClientRow | undefined; until: number }>();
  async function lookup(key: string): Promise<ClientRow | undefined> {
    const now = clock.now().getTime();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.row;
    const row = await db.selectFrom('lrs_clients').select(['id', 'name', 'secret_hash', 'scopes']).where('key', '=', key).where('deleted_at', 'is', null).executeTakeFirst();
    // Unknown keys are not kept: anyone can present any number of them.
    if (row) cache.set(key, { row, until: now + CACHE_MS });
    else cache.delete(key);
    return row;
  }
  return {
    async create(input: { name: string; scopes: LrsScope[] }): Promise<LrsClientView & { secret: string }> {
      const id = ids.uuid();
      const key = `lrs_${randomBytes(12).toString('base64url')}`;
      const secret = randomBytes(32).toString('base64url');
      const createdAt = clock.now();
      const scopes = [...new Set(input.scopes)];
      await db.insertInto('lrs_clients').values({ id, name: input.name, key, secret_hash: hashSecret(secret).toString('hex'), scopes: json(scopes), created_at: createdAt }).execute();
      return { id, name: input.name, key, secret, scopes, createdAt: createdAt.toISOString() };
    },

    async list(): Promise<LrsClientView[]> {
      const rows = await db.selectFrom('lrs_clients').select(['id', 'name', 'key', 'scopes', 'created_at']).where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, key: r.key, scopes: r.scopes as LrsScope[], createdAt: r.created_at.toISOString() }));
    },

    async remove(id: string): Promise<void> {
      const r = await db.updateTable('lrs_clients').set({ deleted_at: clock.now() }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      for (const [key, entry] of cache) if (entry.row?.id === id) cache.delete(key);
      if (Number(r.numUpdatedRows) === 0) throw new AppError('DS_LRS_CLIENT_NOT_FOUND', `no LRS client ${id}`, [{ path: '/params/id', message: 'unknown or already deleted' }]);
    },

    async authenticate(key: string, secret: string): Promise<LrsClientPrincipal> {
      const row = await lookup(key);
      // Hash even for an unknown key so the answer time does not tell which keys exist.
      const presented = hashSecret(secret);
      const expected = row ? Buffer.from(row.secret_hash, 'hex') : hashSecret(`${secret}\u0000unknown`);
      if (!row || !timingSafeEqual(presented, expected)) {
        throw new AppError('DS_LRS_INVALID_CREDENTIALS', 'the LRS client key or secret is wrong', [{ path: '/headers/authorization', message: 'unknown key or wrong secret' }]);
      }
      return { kind: 'lrs-client', clientId: row.id, name: row.name, scopes: row.scopes as LrsScope[] };
    },
  };
}

export type LrsClients = ReturnType<typeof createLrsClients>;
