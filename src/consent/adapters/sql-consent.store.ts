import type { Kysely, Selectable } from 'kysely';
import { json, type ConsentsTable, type DB } from '../../db/index.js';
import type { ConsentRecord } from '../domain/consent-record.js';
import type { PrivacyNoticePort } from '../app/ports.js';

export type ConsentRow = Selectable<ConsentsTable>;

export interface NewConsent {
  id: string;
  personId: string;
  principalId: string;
  consumerDid: string;
  providerDid: string;
  datasetId: string;
  offerId?: string | undefined;
  purpose: string;
  consumerSubjectId: string;
  providerSubjectId: string;
  notice: PrivacyNoticePort;
  record: ConsentRecord;
  at: Date;
}

export interface ConsentPatch {
  status: ConsentRow['status'];
  record: ConsentRecord;
  expiresAt: Date | null;
  notice?: PrivacyNoticePort;
  pendingNotice: PrivacyNoticePort | null;
  receipt?: { seq: number; jws: string; hash: string };
  at: Date;
}

/** The intermediary's consents (requests and records) and the signed receipts of their changes (migration 0014). */
export class SqlConsentStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Inserts a request; undefined when an open one for the same person, parties, dataset and purpose exists. */
  async insert(c: NewConsent): Promise<ConsentRow | undefined> {
    const row = await this.db
      .insertInto('consents')
      .values({
        id: c.id,
        person_id: c.personId,
        principal_id: c.principalId,
        consumer_did: c.consumerDid,
        provider_did: c.providerDid,
        dataset_id: c.datasetId,
        offer_id: c.offerId ?? null,
        purpose: c.purpose,
        consumer_subject_id: c.consumerSubjectId,
        provider_subject_id: c.providerSubjectId,
        status: 'requested',
        notice: json(c.notice),
        pending_notice: null,
        record: json(c.record),
        expires_at: null,
        created_at: c.at,
        updated_at: c.at,
      })
      // The only other unique index is the open-consent one (the id is fresh): a conflict means "already asked".
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  get(id: string, db: Kysely<DB> = this.db): Promise<ConsentRow | undefined> {
    return db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findOpen(k: { personId: string; consumerDid: string; providerDid: string; datasetId: string; purpose: string }): Promise<ConsentRow | undefined> {
    return this.db
      .selectFrom('consents')
      .selectAll()
      .where('person_id', '=', k.personId)
      .where('consumer_did', '=', k.consumerDid)
      .where('provider_did', '=', k.providerDid)
      .where('dataset_id', '=', k.datasetId)
      .where('purpose', '=', k.purpose)
      .where('status', 'in', ['requested', 'granted'])
      .executeTakeFirst();
  }

  listByPerson(personId: string): Promise<ConsentRow[]> {
    return this.db.selectFrom('consents').selectAll().where('person_id', '=', personId).orderBy('updated_at', 'desc').orderBy('id').execute();
  }

  /** Every consent (an operator), or those where `partyDid` is provider or consumer. */
  async list(q: { partyDid?: string; limit: number; offset: number }): Promise<{ items: ConsentRow[]; total: number }> {
    let base = this.db.selectFrom('consents');
    if (q.partyDid) {
      const did = q.partyDid;
      base = base.where((eb) => eb.or([eb('consumer_did', '=', did), eb('provider_did', '=', did)]));
    }
    const items = await base.selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    const { n } = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return { items, total: Number(n) };
  }

  /** Granted consents whose time ran out (the expiry job). */
  async dueForExpiry(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('consents').select('id').where('status', '=', 'granted').where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** Applies a change in `tx` only if the consent is still at `version` (compare-and-set); false otherwise. */
  async update(tx: Kysely<DB>, id: string, version: number, p: ConsentPatch): Promise<boolean> {
    const res = await tx
      .updateTable('consents')
      .set({
        status: p.status,
        record: json(p.record),
        expires_at: p.expiresAt,
        pending_notice: p.pendingNotice ? json(p.pendingNotice) : null,
        ...(p.notice ? { notice: json(p.notice) } : {}),
        ...(p.receipt ? { receipt_seq: p.receipt.seq, last_receipt_hash: p.receipt.hash } : {}),
        version: version + 1,
        updated_at: p.at,
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    if (p.receipt) {
      await tx.insertInto('consent_receipts').values({ consent_id: id, seq: p.receipt.seq, jws: p.receipt.jws, hash: p.receipt.hash, state: p.status, created_at: p.at }).execute();
    }
    return true;
  }

  receipts(id: string): Promise<Array<{ seq: number; jws: string; hash: string; state: string; created_at: Date }>> {
    return this.db.selectFrom('consent_receipts').select(['seq', 'jws', 'hash', 'state', 'created_at']).where('consent_id', '=', id).orderBy('seq').execute();
  }
}
