import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { CatalogStore, OfferedQuery, SearchQuery } from '../app/catalog.store.js';
import type { CatalogResource, ResourceKind } from '../domain/catalog-resource.js';
import type { Offering } from '../domain/offering.js';
import { RESOURCE_COLUMNS, offeringToRow, resourceToRow, rowToOffering, rowToResource } from './catalog-rows.js';
import { getOfferedDataset, listOfferedDatasets, searchResources } from './sql-catalog.search.js';

/** The catalog over Kysely (PostgreSQL dialect: PGlite or a server). */
export class SqlCatalogStore implements CatalogStore {
  constructor(private readonly db: Kysely<DB>) {}

  transaction<T>(fn: (store: CatalogStore, tx: Kysely<DB>) => Promise<T>): Promise<T> {
    // Already inside a transaction (a caller composing writes): join it rather than nest.
    if (this.db.isTransaction) return fn(this, this.db);
    return this.db.transaction().execute((tx) => fn(new SqlCatalogStore(tx), tx));
  }

  async getResource(id: string): Promise<CatalogResource | undefined> {
    const row = await this.db.selectFrom('catalog_resources').select(RESOURCE_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? rowToResource(row) : undefined;
  }

  async insertResource(r: CatalogResource): Promise<void> {
    await this.db.insertInto('catalog_resources').values(resourceToRow(r)).execute();
  }

  async updateResource(r: CatalogResource, expectedVersion: number): Promise<boolean> {
    const { id: _id, created_at: _created, ...row } = resourceToRow(r);
    const res = await this.db.updateTable('catalog_resources').set(row).where('id', '=', r.id).where('version', '=', expectedVersion).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async deleteResource(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('catalog_resources').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async offeringsUsing(resourceId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('offering_resources').select('offering_id').where('resource_id', '=', resourceId).orderBy('offering_id').execute();
    return rows.map((r) => r.offering_id);
  }

  async existingIds(ids: string[], kinds: readonly ResourceKind[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('catalog_resources').select('id').where('id', 'in', ids).where('kind', 'in', [...kinds]).execute();
    return new Set(rows.map((r) => r.id));
  }

  search(q: SearchQuery) {
    return searchResources(this.db, q);
  }

  async allResources(): Promise<CatalogResource[]> {
    const rows = await this.db.selectFrom('catalog_resources').select(RESOURCE_COLUMNS).orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToResource);
  }

  async getOffering(id: string): Promise<Offering | undefined> {
    const row = await this.db.selectFrom('offerings').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return rowToOffering(row, await this.#members([id]).then((m) => m.get(id) ?? []));
  }

  async listOfferings(limit: number, offset: number): Promise<{ total: number; items: Offering[] }> {
    const rows = await this.db.selectFrom('offerings').selectAll().orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute();
    const count = await this.db.selectFrom('offerings').select(sql<number>`count(*)::int8`.as('n')).executeTakeFirstOrThrow();
    const members = await this.#members(rows.map((r) => r.id));
    return { total: count.n, items: rows.map((r) => rowToOffering(r, members.get(r.id) ?? [])) };
  }

  async allOfferings(): Promise<Offering[]> {
    const rows = await this.db.selectFrom('offerings').selectAll().orderBy('created_at').orderBy('id').execute();
    const members = await this.#members(rows.map((r) => r.id));
    return rows.map((r) => rowToOffering(r, members.get(r.id) ?? []));
  }

  async insertOffering(o: Offering): Promise<void> {
    await this.db.insertInto('offerings').values(offeringToRow(o)).execute();
    await this.#writeMembers(o);
  }

  async updateOffering(o: Offering, expectedVersion: number): Promise<boolean> {
    const { id: _id, created_at: _created, ...row } = offeringToRow(o);
    const res = await this.db.updateTable('offerings').set(row).where('id', '=', o.id).where('version', '=', expectedVersion).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await this.db.deleteFrom('offering_resources').where('offering_id', '=', o.id).execute();
    await this.#writeMembers(o);
    return true;
  }

  async deleteOffering(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('offerings').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  listOfferedDatasets(q: OfferedQuery) {
    return listOfferedDatasets(this.db, q);
  }

  getOfferedDataset(id: string) {
    return getOfferedDataset(this.db, id);
  }

  async #writeMembers(o: Offering): Promise<void> {
    const ids = [...o.datasets, ...o.services];
    if (ids.length) await this.db.insertInto('offering_resources').values(ids.map((resource_id) => ({ offering_id: o.id, resource_id }))).execute();
  }

  async #members(offeringIds: string[]): Promise<Map<string, Array<{ id: string; kind: string }>>> {
    const out = new Map<string, Array<{ id: string; kind: string }>>();
    if (offeringIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('offering_resources as o')
      .innerJoin('catalog_resources as r', 'r.id', 'o.resource_id')
      .select(['o.offering_id', 'r.id', 'r.kind'])
      .where('o.offering_id', 'in', offeringIds)
      .orderBy('r.created_at')
      .orderBy('r.id')
      .execute();
    for (const r of rows) out.set(r.offering_id, [...(out.get(r.offering_id) ?? []), { id: r.id, kind: r.kind }]);
    return out;
  }
}
