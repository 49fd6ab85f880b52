import type { Kysely, Selectable } from 'kysely';
import { json, type DB, type RightsOutgoingReportsTable } from '../../db/index.js';

export type OutgoingReportRow = Selectable<RightsOutgoingReportsTable>;

/** A party's exchange reports between the transfer's transaction and the outbox (migration 0017). */
export class SqlOutgoingReportStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** In the caller's transaction; a second report of the same state of a transfer is ignored. */
  async insert(tx: Kysely<DB>, r: { id: string; intermediaryDid: string; transferId: string; state: string; facts: unknown; at: Date }): Promise<boolean> {
    const row = await tx
      .insertInto('rights_outgoing_reports')
      .values({ id: r.id, intermediary_did: r.intermediaryDid, transfer_id: r.transferId, state: r.state, facts: json(r.facts), status: 'due', created_at: r.at, sent_at: null })
      .onConflict((oc) => oc.columns(['intermediary_did', 'transfer_id', 'state']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  get(id: string): Promise<OutgoingReportRow | undefined> {
    return this.db.selectFrom('rights_outgoing_reports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async due(olderThan: Date, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('rights_outgoing_reports').select('id').where('status', '=', 'due').where('created_at', '<=', olderThan).orderBy('created_at').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** Leaves `due` once (compare-and-set): only the round that wins enqueues the message. */
  async settle(tx: Kysely<DB>, id: string, status: 'sent' | 'dropped', at: Date): Promise<boolean> {
    const res = await tx.updateTable('rights_outgoing_reports').set({ status, sent_at: at }).where('id', '=', id).where('status', '=', 'due').executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
