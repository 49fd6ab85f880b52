import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DB, RightsExchangeReportsTable } from '../../db/index.js';

export type ExchangeReportRow = Selectable<RightsExchangeReportsTable>;

/** The intermediary's signed exchange reports from the parties (migration 0017). */
export class SqlExchangeReportStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores a report; undefined when this reporter already reported this state of this transfer. */
  insert(row: Insertable<RightsExchangeReportsTable>): Promise<ExchangeReportRow | undefined> {
    return this.db.insertInto('rights_exchange_reports').values(row).onConflict((oc) => oc.columns(['reporter_did', 'transfer_id', 'state']).doNothing()).returningAll().executeTakeFirst();
  }

  find(reporterDid: string, transferId: string, state: string): Promise<ExchangeReportRow | undefined> {
    return this.db.selectFrom('rights_exchange_reports').selectAll().where('reporter_did', '=', reporterDid).where('transfer_id', '=', transferId).where('state', '=', state as ExchangeReportRow['state']).executeTakeFirst();
  }

  /** The person's reports, newest first. */
  byPerson(personId: string): Promise<ExchangeReportRow[]> {
    return this.db.selectFrom('rights_exchange_reports').selectAll().where('person_id', '=', personId).orderBy('at', 'desc').orderBy('id', 'desc').execute();
  }
}
