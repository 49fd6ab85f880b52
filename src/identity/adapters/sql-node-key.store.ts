import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { sql, type Kysely } from 'kysely';
import { json, type DB } from '../../db/index.js';
import type { PublicKeyEntry } from '../domain/did-document.js';
import type { Sealer } from './master-key.js';

// Any constant: it only has to be the same for every process sharing the database.
const KEY_LOCK = 4_372_019_332;

export interface NodeKeyInfo extends PublicKeyEntry {
  createdAt: Date;
  retiredAt: Date | null;
}

/**
 * The node's Ed25519 keys in node_keys. Creation and rotation run under a transaction-scoped advisory lock, so
 * several processes sharing one database end up with exactly one active key.
 */
export class SqlNodeKeyStore {
  readonly #privateKeys = new Map<string, CryptoKey>();
  constructor(
    private readonly db: Kysely<DB>,
    private readonly sealer: Sealer,
  ) {}

  /** Creates the first key if there is none. */
  async ensureActive(now: Date): Promise<void> {
    await this.#locked(async (tx) => {
      const active = await tx.selectFrom('node_keys').select('kid').where('retired_at', 'is', null).executeTakeFirst();
      if (!active) await this.#insertNew(tx, now);
    });
  }

  /** Retires the active key and creates a new one; retired keys stay published so old signatures verify. */
  async rotate(now: Date): Promise<string> {
    return this.#locked(async (tx) => {
      await tx.updateTable('node_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
      return this.#insertNew(tx, now);
    });
  }

  async list(): Promise<NodeKeyInfo[]> {
    const rows = await this.db.selectFrom('node_keys').select(['kid', 'public_jwk', 'created_at', 'retired_at']).orderBy('created_at').orderBy('kid').execute();
    return rows.map((r) => ({ kid: r.kid, publicJwk: r.public_jwk as JWK, retired: r.retired_at !== null, createdAt: r.created_at, retiredAt: r.retired_at }));
  }

  /** The active key, read each time so that a rotation by another process is picked up at once. */
  async active(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const row = await this.db.selectFrom('node_keys').select(['kid', 'private_jwk_enc']).where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
    if (!row) throw new Error('the node has no active key');
    let key = this.#privateKeys.get(row.kid);
    if (!key) {
      const jwk = JSON.parse(this.sealer.open(row.private_jwk_enc, row.kid)) as JWK;
      key = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
      this.#privateKeys.set(row.kid, key);
    }
    return { kid: row.kid, privateKey: key };
  }

  async #insertNew(tx: Kysely<DB>, now: Date): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    await tx
      .insertInto('node_keys')
      .values({ kid, public_jwk: json({ ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }), private_jwk_enc: this.sealer.seal(JSON.stringify(privateJwk), kid), created_at: now })
      .execute();
    return kid;
  }

  async #locked<T>(fn: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${KEY_LOCK})`.execute(tx);
      return fn(tx);
    });
  }
}
