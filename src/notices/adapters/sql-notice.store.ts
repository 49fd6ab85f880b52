import { sql, type Kysely, type Selectable } from 'kysely';
import { json, type DB, type PrivacyNoticeVersionsTable } from '../../db/index.js';
import type { NoticeFilter, NoticeStore, ProcessingKey } from '../app/ports.js';
import type { MissingField, NoticeContent, PrivacyNotice } from '../domain/notice.js';

const toNotice = (r: Selectable<PrivacyNoticeVersionsTable>): PrivacyNotice => ({
  id: r.notice_id,
  version: r.version,
  hash: r.hash,
  content: r.content as NoticeContent,
  missing: r.missing as MissingField[],
  createdAt: new Date(r.created_at).toISOString(),
});

/** Notices over Kysely (PGlite and PostgreSQL). */
export class SqlNoticeStore implements NoticeStore {
  constructor(private readonly db: Kysely<DB>) {}

  record(key: ProcessingKey, draft: { hash: string; content: NoticeContent; missing: MissingField[] }, now: Date, newId: () => string): Promise<PrivacyNotice> {
    return this.db.transaction().execute(async (tx) => {
      const where = { dataset_id: key.datasetId, offer_id: key.offerId, consumer_did: key.consumerDid, purpose: key.purpose, intermediary_did: key.intermediaryDid };
      // Two resolutions of a new processing at once: one insert wins, the other waits for it and then locks its row.
      await tx
        .insertInto('privacy_notices')
        .values({ id: newId(), ...where, current_version: 0, incomplete: draft.missing.length > 0, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['dataset_id', 'offer_id', 'consumer_did', 'purpose', 'intermediary_did']).doNothing())
        .execute();
      const head = await tx
        .selectFrom('privacy_notices')
        .select(['id', 'current_version'])
        .where('dataset_id', '=', where.dataset_id)
        .where('offer_id', '=', where.offer_id)
        .where('consumer_did', '=', where.consumer_did)
        .where('purpose', '=', where.purpose)
        .where('intermediary_did', '=', where.intermediary_did)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (head.current_version > 0) {
        const current = await tx.selectFrom('privacy_notice_versions').selectAll().where('notice_id', '=', head.id).where('version', '=', head.current_version).executeTakeFirstOrThrow();
        if (current.hash === draft.hash) return toNotice(current);
      }
      const version = head.current_version + 1;
      const row = { notice_id: head.id, version, hash: draft.hash, content: json(draft.content), missing: json(draft.missing), created_at: now };
      await tx.insertInto('privacy_notice_versions').values(row).execute();
      await tx.updateTable('privacy_notices').set({ current_version: version, incomplete: draft.missing.length > 0, updated_at: now }).where('id', '=', head.id).execute();
      return { id: head.id, version, hash: draft.hash, content: draft.content, missing: draft.missing, createdAt: now.toISOString() };
    });
  }

  async get(id: string, version?: number): Promise<(PrivacyNotice & { currentVersion: number }) | undefined> {
    const row = await this.db
      .selectFrom('privacy_notices as n')
      .innerJoin('privacy_notice_versions as v', 'v.notice_id', 'n.id')
      .selectAll('v')
      .select('n.current_version')
      .where('n.id', '=', id)
      .where('v.version', '=', version === undefined ? sql<number>`n.current_version` : sql<number>`${version}::int`)
      .executeTakeFirst();
    return row ? { ...toNotice(row), currentVersion: row.current_version } : undefined;
  }

  async list(filter: NoticeFilter, page: { limit: number; offset: number }): Promise<{ items: PrivacyNotice[]; total: number }> {
    let q = this.db.selectFrom('privacy_notices as n').where('n.current_version', '>', 0);
    if (filter.datasetId !== undefined) q = q.where('n.dataset_id', '=', filter.datasetId);
    if (filter.consumerDid !== undefined) q = q.where('n.consumer_did', '=', filter.consumerDid);
    if (filter.incomplete !== undefined) q = q.where('n.incomplete', '=', filter.incomplete);
    const rows = await q
      .innerJoin('privacy_notice_versions as v', (j) => j.onRef('v.notice_id', '=', 'n.id').onRef('v.version', '=', 'n.current_version'))
      .selectAll('v')
      .orderBy('n.updated_at', 'desc')
      .orderBy('n.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const count = await q.select(sql<number>`count(*)::int8`.as('n')).executeTakeFirstOrThrow();
    return { items: rows.map(toNotice), total: count.n };
  }
}
