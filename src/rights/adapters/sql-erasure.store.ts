import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB, RightsErasurePartiesTable } from '../../db/index.js';

export type ErasurePartyRow = Selectable<RightsErasurePartiesTable>;
export interface ErasureRequestWithParties {
  id: string;
  personId: string;
  requestedAt: Date;
  parties: ErasurePartyRow[];
}

/** The intermediary's erasure requests and their state at each participant (migration 0017). */
export class SqlErasureStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(tx: Kysely<DB>, req: { id: string; personId: string; requestedAt: Date }, parties: Array<Insertable<RightsErasurePartiesTable>>): Promise<void> {
    await tx.insertInto('rights_erasure_requests').values({ id: req.id, person_id: req.personId, requested_at: req.requestedAt }).execute();
    if (parties.length > 0) await tx.insertInto('rights_erasure_parties').values(parties).execute();
  }

  /** The person's requests, newest first, each with its participants. */
  async byPerson(personId: string): Promise<ErasureRequestWithParties[]> {
    const reqs = await this.db.selectFrom('rights_erasure_requests').selectAll().where('person_id', '=', personId).orderBy('requested_at', 'desc').orderBy('id').execute();
    if (reqs.length === 0) return [];
    const parties = await this.db.selectFrom('rights_erasure_parties').selectAll().where('request_id', 'in', reqs.map((r) => r.id)).orderBy('participant_did').execute();
    return reqs.map((r) => ({ id: r.id, personId: r.person_id, requestedAt: r.requested_at, parties: parties.filter((p) => p.request_id === r.id) }));
  }

  party(requestId: string, participantDid: string, db: Kysely<DB> = this.db): Promise<ErasurePartyRow | undefined> {
    return db.selectFrom('rights_erasure_parties').selectAll().where('request_id', '=', requestId).where('participant_did', '=', participantDid).executeTakeFirst();
  }

  /** Compare-and-set from `from`: false when the row moved meanwhile. */
  async updateParty(
    tx: Kysely<DB>,
    key: { requestId: string; participantDid: string; from: ErasurePartyRow['status'] },
    patch: { status: ErasurePartyRow['status']; at: Date; confirmationJws?: string; reason?: string | undefined; error?: string; answered?: boolean },
  ): Promise<boolean> {
    const res = await tx
      .updateTable('rights_erasure_parties')
      .set({
        status: patch.status,
        updated_at: patch.at,
        ...(patch.confirmationJws !== undefined ? { confirmation_jws: patch.confirmationJws } : {}),
        ...(patch.reason !== undefined ? { reason: patch.reason } : {}),
        ...(patch.error !== undefined ? { error: patch.error } : {}),
        ...(patch.answered ? { answered_at: patch.at } : {}),
      })
      .where('request_id', '=', key.requestId)
      .where('participant_did', '=', key.participantDid)
      .where('status', '=', key.from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
