import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB, RightsReceivedErasuresTable } from '../../db/index.js';

export type ReceivedErasureRow = Selectable<RightsReceivedErasuresTable>;

/** A participant's erasure requests received from personal-data intermediaries (migration 0017). */
export class SqlReceivedErasureStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores a request in `tx`; undefined when one with this id exists already. */
  insert(tx: Kysely<DB>, row: Insertable<RightsReceivedErasuresTable>): Promise<ReceivedErasureRow | undefined> {
    return tx.insertInto('rights_received_erasures').values(row).onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
  }

  get(id: string, db: Kysely<DB> = this.db): Promise<ReceivedErasureRow | undefined> {
    return db.selectFrom('rights_received_erasures').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(q: { status?: ReceivedErasureRow['status'] | undefined; limit: number; offset: number }): Promise<{ items: ReceivedErasureRow[]; total: number }> {
    let base = this.db.selectFrom('rights_received_erasures');
    if (q.status) base = base.where('status', '=', q.status);
    const items = await base.selectAll().orderBy('received_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    const { n } = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return { items, total: Number(n) };
  }

  /** Records the operator's answer if the request is still unanswered (compare-and-set); false otherwise. */
  async decide(tx: Kysely<DB>, id: string, p: { status: 'erased' | 'refused'; reason?: string | undefined; confirmationJws: string; at: Date }): Promise<boolean> {
    const res = await tx
      .updateTable('rights_received_erasures')
      .set({ status: p.status, reason: p.reason ?? null, confirmation_jws: p.confirmationJws, decided_at: p.at })
      .where('id', '=', id)
      .where('status', '=', 'received')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
