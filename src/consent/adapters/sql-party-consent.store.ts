import { type Kysely, type Selectable } from 'kysely';
import type { DB, PartyConsentsTable } from '../../db/index.js';

export type PartyConsentRow = Selectable<PartyConsentsTable>;
export type PartyStatus = PartyConsentRow['status'];

export interface PartyNotice {
  consentId: string;
  intermediaryDid: string;
  role: 'provider' | 'consumer';
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  purpose: string;
  status: PartyStatus;
  reconfirmationRequired: boolean;
  expiresAt: Date | null;
  seq: number;
  receipt: string;
  at: Date;
}

/** What a party (provider or consumer) holds of the consents it is party to, from the intermediary's notices. */
export class SqlPartyConsentStore {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Keeps the notice unless a later receipt of the consent is already held (notices may be retried or overtake
   * one another); the consent's parties and intermediary never change. Returns whether it was applied.
   */
  async apply(n: PartyNotice): Promise<boolean> {
    const res = await this.db
      .insertInto('party_consents')
      .values({
        consent_id: n.consentId,
        intermediary_did: n.intermediaryDid,
        role: n.role,
        provider_did: n.providerDid,
        consumer_did: n.consumerDid,
        dataset_id: n.datasetId,
        purpose: n.purpose,
        status: n.status,
        reconfirmation_required: n.reconfirmationRequired,
        expires_at: n.expiresAt,
        receipt_seq: n.seq,
        receipt: n.receipt,
        created_at: n.at,
        updated_at: n.at,
      })
      .onConflict((oc) =>
        oc
          .column('consent_id')
          .doUpdateSet({ status: n.status, reconfirmation_required: n.reconfirmationRequired, expires_at: n.expiresAt, receipt_seq: n.seq, receipt: n.receipt, updated_at: n.at })
          .where('party_consents.receipt_seq', '<', n.seq)
          .where('party_consents.intermediary_did', '=', n.intermediaryDid),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  get(consentId: string): Promise<PartyConsentRow | undefined> {
    return this.db.selectFrom('party_consents').selectAll().where('consent_id', '=', consentId).executeTakeFirst();
  }

  /** Every consent held (an operator), or those where `partyDid` is provider or consumer. */
  async list(q: { partyDid?: string; limit: number; offset: number }): Promise<{ items: PartyConsentRow[]; total: number }> {
    let base = this.db.selectFrom('party_consents');
    if (q.partyDid) {
      const did = q.partyDid;
      base = base.where((eb) => eb.or([eb('consumer_did', '=', did), eb('provider_did', '=', did), eb('intermediary_did', '=', did)]));
    }
    const items = await base.selectAll().orderBy('updated_at', 'desc').orderBy('consent_id').limit(q.limit).offset(q.offset).execute();
    const { n } = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return { items, total: Number(n) };
  }

  /** Marks granted consents whose time ran out as expired here (no notice needed) and returns their ids. */
  async expireDue(now: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('party_consents')
      .set({ status: 'expired', updated_at: now })
      .where('status', '=', 'granted')
      .where('expires_at', '<=', now)
      .returning('consent_id')
      .execute();
    return rows.map((r) => r.consent_id);
  }
}
