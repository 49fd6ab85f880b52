import { sql, type Kysely } from 'kysely';
import { json, type DB } from '../../db/index.js';

export interface FederatedRow {
  datasetId: string;
  dataset: Record<string, unknown>;
  title: string;
  searchText: string;
}

export interface FederatedHit {
  participantDid: string;
  datasetId: string;
  title: string;
  dataset: unknown;
  sourceAddress: string;
  fetchedAt: Date;
}

export interface SearchQuery {
  q?: string | undefined;
  participantDids: string[];
  limit: number;
  offset: number;
}

/** The federated catalog tables: one participant's crawl result replaces its previous one atomically. */
export class SqlFederatedStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Upserts the crawled datasets, deletes those that disappeared, and records the source as ok: one transaction. */
  async replace(did: string, sourceAddress: string, rows: FederatedRow[], at: Date): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const r of rows) {
        await tx
          .insertInto('federated_datasets')
          .values({ participant_did: did, dataset_id: r.datasetId, dataset: json(r.dataset), title: r.title, search_text: r.searchText, source_address: sourceAddress, fetched_at: at })
          .onConflict((oc) =>
            oc.columns(['participant_did', 'dataset_id']).doUpdateSet((eb) => ({
              dataset: eb.ref('excluded.dataset'),
              title: eb.ref('excluded.title'),
              search_text: eb.ref('excluded.search_text'),
              source_address: eb.ref('excluded.source_address'),
              fetched_at: eb.ref('excluded.fetched_at'),
            })),
          )
          .execute();
      }
      let del = tx.deleteFrom('federated_datasets').where('participant_did', '=', did);
      if (rows.length) del = del.where('dataset_id', 'not in', rows.map((r) => r.datasetId));
      await del.execute();
      await this.#source(tx, did, sourceAddress, at, 'ok', null, rows.length);
    });
  }

  /** A failed crawl keeps the previously fetched datasets (stale beats empty) and records why. */
  async recordFailure(did: string, sourceAddress: string, at: Date, error: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const c = await tx.selectFrom('federated_datasets').select((eb) => eb.fn.countAll<number>().as('n')).where('participant_did', '=', did).executeTakeFirst();
      await this.#source(tx, did, sourceAddress, at, 'failed', error.slice(0, 2000), Number(c?.n ?? 0));
    });
  }

  async #source(tx: Kysely<DB>, did: string, address: string, at: Date, status: 'ok' | 'failed', error: string | null, count: number) {
    await tx
      .insertInto('federated_sources')
      .values({ participant_did: did, source_address: address, last_crawl_at: at, last_status: status, last_error: error, dataset_count: count })
      .onConflict((oc) =>
        oc.column('participant_did').doUpdateSet({ source_address: address, last_crawl_at: at, last_status: status, last_error: error, dataset_count: count }),
      )
      .execute();
  }

  async search(q: SearchQuery): Promise<{ total: number; items: FederatedHit[] }> {
    if (!q.participantDids.length) return { total: 0, items: [] };
    let base = this.db.selectFrom('federated_datasets').where('participant_did', 'in', q.participantDids);
    if (q.q) {
      const text = q.q;
      base = base.where(sql<boolean>`(fts_en @@ websearch_to_tsquery('english', ${text}) or fts_fr @@ websearch_to_tsquery('french', ${text}))`);
    }
    const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base
      .select(['participant_did', 'dataset_id', 'title', 'dataset', 'source_address', 'fetched_at'])
      .orderBy('title')
      .orderBy('participant_did')
      .orderBy('dataset_id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return {
      total: Number(count?.n ?? 0),
      items: rows.map((r) => ({ participantDid: r.participant_did, datasetId: r.dataset_id, title: r.title, dataset: r.dataset, sourceAddress: r.source_address, fetchedAt: r.fetched_at })),
    };
  }

  async sources() {
    return this.db.selectFrom('federated_sources').selectAll().orderBy('participant_did').execute();
  }
}
