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
/** How long the active key read from the database is used before it is read again (see `active`). */
export const ACTIVE_KEY_MAX_AGE_MS = 250;
/** Past this age the key is not used while it is read again: the caller waits for the read (see `active`). */
export const ACTIVE_KEY_STALE_MS = 60_000;

export class SqlNodeKeyStore {
  readonly #privateKeys = new Map<string, CryptoKey>();
  #active: { kid: string; privateKey: CryptoKey; readAt: number } | undefined;
  #reading: Promise<{ kid: string; privateKey: CryptoKey }> | undefined;
  // Bumped by every rotation here: a read that started before it must not bring the old key back.
  #generation = 0;
  readonly #maxAgeMs: number;
  readonly #staleMs: number;
  readonly #now: () => number;
  constructor(
    private readonly db: Kysely<DB>,
    private readonly sealer: Sealer,
    opts: { activeKeyMaxAgeMs?: number; activeKeyStaleMs?: number; now?: () => number } = {},
  ) {
    this.#maxAgeMs = opts.activeKeyMaxAgeMs ?? ACTIVE_KEY_MAX_AGE_MS;
    this.#staleMs = Math.max(this.#maxAgeMs, opts.activeKeyStaleMs ?? ACTIVE_KEY_STALE_MS);
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Creates the first key if there is none. */
  async ensureActive(now: Date): Promise<void> {
    await this.#locked(async (tx) => {
      const active = await tx.selectFrom('node_keys').select('kid').where('retired_at', 'is', null).executeTakeFirst();
      if (!active) await this.#insertNew(tx, now);
    });
  }

  /** Retires the active key and creates a new one; retired keys stay published so old signatures verify. */
  async rotate(now: Date): Promise<string> {
    const kid = await this.#locked(async (tx) => {
      await tx.updateTable('node_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
      return this.#insertNew(tx, now);
    });
    // This process signs with the new key from now on.
    this.#generation += 1;
    this.#active = undefined;
    this.#reading = undefined;
    return kid;
  }

  async list(): Promise<NodeKeyInfo[]> {
    const rows = await this.db.selectFrom('node_keys').select(['kid', 'public_jwk', 'created_at', 'retired_at']).orderBy('created_at').orderBy('kid').execute();
    return rows.map((r) => ({ kid: r.kid, publicJwk: r.public_jwk as JWK, retired: r.retired_at !== null, createdAt: r.created_at, retiredAt: r.retired_at }));
  }

  /**
   * The active key. A rotation by this process takes effect at once; one by another process sharing the database
   * on the first use after ACTIVE_KEY_MAX_AGE_MS: that use starts a new read (one read shared by concurrent
   * callers) and, when the copy is not older than ACTIVE_KEY_STALE_MS, signs with the copy meanwhile instead of
   * waiting; the uses after the read sign with what it found. Until then this process may sign with the key just
   * retired, which stays published in the DID document, so what it signs still verifies. Neither a busy node (every
   * token and signature) nor one used now and then (the first message after a pause) waits for a database round
   * trip to sign.
   */
  async active(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const known = this.#active;
    const age = known ? this.#now() - known.readAt : Infinity;
    if (known && age < this.#maxAgeMs) return known;
    const reading = this.#reading ?? this.#startReading();
    if (known && age < this.#staleMs) {
      // Its failure is the next waiting caller's to see (a database down for a minute).
      reading.catch(() => undefined);
      return known;
    }
    return reading;
  }

  #startReading(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const reading = this.#readActive().finally(() => {
      if (this.#reading === reading) this.#reading = undefined;
    });
    this.#reading = reading;
    return reading;
  }

  async #readActive(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const readAt = this.#now();
    const generation = this.#generation;
    const row = await this.db.selectFrom('node_keys').select(['kid', 'private_jwk_enc']).where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
    if (!row) throw new Error('the node has no active key');
    let key = this.#privateKeys.get(row.kid);
    if (!key) {
      const jwk = JSON.parse(this.sealer.open(row.private_jwk_enc, row.kid)) as JWK;
      key = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
      this.#privateKeys.set(row.kid, key);
    }
    if (generation === this.#generation) this.#active = { kid: row.kid, privateKey: key, readAt };
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
