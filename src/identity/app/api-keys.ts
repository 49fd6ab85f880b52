import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, type Clock, type IdGenerator, type Logger, type Principal, type Scope } from '../../kernel/index.js';
import type { ApiKeyRecord, SqlApiKeyStore } from '../adapters/sql-api-key.store.js';

/**
 * A plain SHA-256 is enough: keys are 32 random bytes, so there is nothing for a slow password hash to protect
 * against (no dictionary to try), and a fast hash keeps per-request authentication cheap.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
export const newApiKey = (): string => `dases_${randomBytes(32).toString('base64url')}`;
const prefixOf = (key: string) => key.slice(0, 12);

export interface ApiKeys {
  authenticate(key: string): Promise<Extract<Principal, { kind: 'operator' }>>;
  create(name: string, scopes: Scope[]): Promise<ApiKeyRecord & { key: string }>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string): Promise<void>;
  /** Returns the file a generated bootstrap key was written to, if one was generated. */
  bootstrap(opts: { adminApiKey?: string | undefined; dataDir: string | null }): Promise<string | undefined>;
}

export function createApiKeys(deps: { store: SqlApiKeyStore; clock: Clock; ids: IdGenerator; logger: Logger }): ApiKeys {
  const { store, clock, ids, logger } = deps;
  return {
    async authenticate(key) {
      const found = await store.findActiveByHash(hashApiKey(key));
      if (!found) throw new AppError('DS_AUTH_INVALID_API_KEY', 'the API key is unknown or revoked', [{ path: '/headers/x-api-key', message: 'unknown or revoked' }]);
      return { kind: 'operator', keyId: found.id, name: found.name, scopes: found.scopes };
    },
    async create(name, scopes) {
      const key = newApiKey();
      const rec = { id: ids.uuid(), name, prefix: prefixOf(key), hash: hashApiKey(key), scopes: [...new Set(scopes)], now: clock.now() };
      await store.insert(rec);
      return { id: rec.id, name, prefix: rec.prefix, scopes: rec.scopes, createdAt: rec.now, revokedAt: null, key };
    },
    list: () => store.list(),
    async revoke(id) {
      if (!(await store.revoke(id, clock.now()))) throw new AppError('DS_IDENTITY_KEY_NOT_FOUND', `no API key ${id}`, [{ path: '/params/id', message: 'unknown' }]);
    },
    async bootstrap({ adminApiKey, dataDir }) {
      if (adminApiKey !== undefined) {
        const hash = hashApiKey(adminApiKey);
        await store.underBootstrapLock(async (tx) => {
          const current = await store.activeBootstrap(tx);
          if (!current) await store.insert({ id: ids.uuid(), name: 'bootstrap', prefix: prefixOf(adminApiKey), hash, scopes: ['admin'], now: clock.now() }, tx);
          else if (current.key_hash !== hash) await store.replaceSecret(tx, current.id, hash, prefixOf(adminApiKey));
        });
        return undefined;
      }
      if (dataDir === null) return undefined;
      const generated = await store.underBootstrapLock(async (tx) => {
        if ((await store.activeCount(tx)) > 0) return undefined;
        const key = newApiKey();
        await store.insert({ id: ids.uuid(), name: 'bootstrap', prefix: prefixOf(key), hash: hashApiKey(key), scopes: ['admin'], now: clock.now() }, tx);
        return key;
      });
      if (!generated) return undefined;
      const file = join(dataDir, 'admin-api-key');
      writeFileSync(file, `${generated}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      logger.info({ file }, 'generated the operator API key (admin scope)');
      return file;
    },
  };
}
