import type { Kysely } from 'kysely';
import type { DB } from '../../../db/index.js';
import type { SeenHead } from '../domain/split-view.js';

export interface WitnessedHead {
  participant: string;
  size: number;
  rootHash: string;
  timestamp: string;
  head: string;
  cosignature: string;
  observedAt: string;
}

export interface SplitView {
  id: number;
  participant: string;
  size: number;
  reason: string;
  knownHead: string;
  presentedHead: string;
  detectedAt: string;
}

export interface ReceivedCosignature {
  size: number;
  witness: string;
  cosignature: string;
  receivedAt: string;
}

type Page<T> = { items: T[]; total: number };

/** The witnessing tables of migration 0004, over Kysely (PGlite or PostgreSQL). */
export class SqlWitnessStore {
  constructor(private readonly db: Kysely<DB>) {}

  transaction<T>(fn: (store: SqlWitnessStore, tx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this, this.db);
    return this.db.transaction().execute((tx) => fn(new SqlWitnessStore(tx), tx));
  }

  /** The largest head of `participant` this node verified. */
  async latest(participant: string): Promise<SeenHead | undefined> {
    const r = await this.db.selectFrom('ledger_witnessed').select(['size', 'root_hash', 'jws']).where('participant_did', '=', participant).orderBy('size', 'desc').limit(1).executeTakeFirst();
    return r && { size: r.size, rootHash: r.root_hash, jws: r.jws };
  }

  async witnessed(participant: string, size: number): Promise<WitnessedHead | undefined> {
    const r = await this.db.selectFrom('ledger_witnessed').selectAll().where('participant_did', '=', participant).where('size', '=', size).executeTakeFirst();
    return r && toWitnessed(r);
  }

  /** Keeps the newest signature of a (participant, size) head: a log may re-sign an unchanged tree later. */
  async saveWitnessed(w: WitnessedHead): Promise<void> {
    const row = { participant_did: w.participant, size: w.size, root_hash: w.rootHash, ts: w.timestamp, jws: w.head, cosignature: w.cosignature, observed_at: w.observedAt };
    await this.db
      .insertInto('ledger_witnessed')
      .values(row)
      .onConflict((oc) => oc.columns(['participant_did', 'size']).doUpdateSet({ ts: row.ts, jws: row.jws, cosignature: row.cosignature, observed_at: row.observed_at }))
      .execute();
  }

  async listWitnessed(opts: { participant?: string | undefined; limit: number; offset: number }): Promise<Page<WitnessedHead>> {
    let q = this.db.selectFrom('ledger_witnessed');
    if (opts.participant) q = q.where('participant_did', '=', opts.participant);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('observed_at', 'desc').orderBy('participant_did').orderBy('size', 'desc').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toWitnessed), total: Number(count.n) };
  }

  async recordSplitView(v: Omit<SplitView, 'id'>): Promise<number> {
    const r = await this.db
      .insertInto('ledger_split_views')
      .values({ participant_did: v.participant, size: v.size, reason: v.reason, known_jws: v.knownHead, presented_jws: v.presentedHead, detected_at: v.detectedAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async hasSplitView(participant: string, presentedJws: string): Promise<boolean> {
    const r = await this.db.selectFrom('ledger_split_views').select('id').where('participant_did', '=', participant).where('presented_jws', '=', presentedJws).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  async listSplitViews(opts: { participant?: string | undefined; limit: number; offset: number }): Promise<Page<SplitView>> {
    let q = this.db.selectFrom('ledger_split_views');
    if (opts.participant) q = q.where('participant_did', '=', opts.participant);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('detected_at', 'desc').orderBy('id', 'desc').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({ id: r.id, participant: r.participant_did, size: r.size, reason: r.reason, knownHead: r.known_jws, presentedHead: r.presented_jws, detectedAt: r.detected_at.toISOString() })),
      total: Number(count.n),
    };
  }

  /** This node's own signed head of `size` (the ledger's table), to check that a cosigned head is ours. */
  async ownHead(size: number): Promise<string | undefined> {
    return (await this.db.selectFrom('ledger_heads').select('jws').where('size', '=', size).executeTakeFirst())?.jws;
  }

  /** One cosignature per witness and size: a witness re-sending (or re-signing) replaces its previous one. */
  async saveCosignature(c: ReceivedCosignature): Promise<void> {
    const row = { size: c.size, witness_did: c.witness, jws: c.cosignature, received_at: c.receivedAt };
    await this.db.insertInto('ledger_cosignatures').values(row).onConflict((oc) => oc.columns(['size', 'witness_did']).doUpdateSet({ jws: row.jws, received_at: row.received_at })).execute();
  }

  async listCosignatures(opts: { witness?: string | undefined; limit: number; offset: number }): Promise<Page<ReceivedCosignature>> {
    let q = this.db.selectFrom('ledger_cosignatures');
    if (opts.witness) q = q.where('witness_did', '=', opts.witness);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('size', 'desc').orderBy('witness_did').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => ({ size: r.size, witness: r.witness_did, cosignature: r.jws, receivedAt: r.received_at.toISOString() })), total: Number(count.n) };
  }
}

function toWitnessed(r: { participant_did: string; size: number; root_hash: string; ts: Date; jws: string; cosignature: string; observed_at: Date }): WitnessedHead {
  return { participant: r.participant_did, size: r.size, rootHash: r.root_hash, timestamp: r.ts.toISOString(), head: r.jws, cosignature: r.cosignature, observedAt: r.observed_at.toISOString() };
}
