import { sql, type Kysely, type RawBuilder } from 'kysely';
import { json, type DB } from '../../db/index.js';
import type { FacetName, Facets, OfferedDataset, OfferedQuery, SearchQuery, SearchResult } from '../app/catalog.store.js';
import { toView } from '../domain/catalog-resource.js';
import { RESOURCE_COLUMNS, rowToResource, type ResourceRow } from './catalog-rows.js';

const COLUMNS = sql.raw(RESOURCE_COLUMNS.map((c) => `r.${c}`).join(', '));
const and = (conds: RawBuilder<unknown>[]) => (conds.length ? sql.join(conds, sql` and `) : sql`true`);

/**
 * Full text in English and French: each language has its own generated tsvector and GIN index, so a query is
 * matched with both configurations (stemming differs) unless the caller picks one.
 */
function textMatch(q: string, lang: 'en' | 'fr' | undefined) {
  const en = sql`r.fts_en @@ websearch_to_tsquery('english', ${q})`;
  const fr = sql`r.fts_fr @@ websearch_to_tsquery('french', ${q})`;
  const rankEn = sql`ts_rank(r.fts_en, websearch_to_tsquery('english', ${q}))`;
  const rankFr = sql`ts_rank(r.fts_fr, websearch_to_tsquery('french', ${q}))`;
  if (lang === 'en') return { where: en, rank: rankEn };
  if (lang === 'fr') return { where: fr, rank: rankFr };
  return { where: sql`(${en} or ${fr})`, rank: sql`greatest(${rankEn}, ${rankFr})` };
}

function conditions(q: SearchQuery): { conds: RawBuilder<unknown>[]; rank?: RawBuilder<unknown> } {
  const conds: RawBuilder<unknown>[] = [];
  let rank: RawBuilder<unknown> | undefined;
  if (q.q && q.q.trim()) {
    const m = textMatch(q.q, q.lang);
    conds.push(m.where);
    rank = m.rank;
  }
  if (q.kinds?.length) conds.push(sql`r.kind in (${sql.join(q.kinds)})`);
  // Containment (@>) is what the jsonb_path_ops GIN indexes answer.
  if (q.keyword !== undefined) conds.push(sql`r.keywords @> ${json([q.keyword])}::jsonb`);
  if (q.theme !== undefined) conds.push(sql`r.themes @> ${json([q.theme])}::jsonb`);
  if (q.language !== undefined) conds.push(sql`r.languages @> ${json([q.language])}::jsonb`);
  if (q.license !== undefined) conds.push(sql`r.license = ${q.license}`);
  if (q.publisher !== undefined) conds.push(sql`r.publisher = ${q.publisher}`);
  if (q.containsPersonalData !== undefined) conds.push(sql`r.contains_personal_data = ${q.containsPersonalData}`);
  return rank ? { conds, rank } : { conds };
}

function orderBy(sort: SearchQuery['sort'], rank: RawBuilder<unknown> | undefined) {
  switch (sort ?? (rank ? 'relevance' : 'createdAt')) {
    case 'relevance':
      return rank ? sql`score desc, r.created_at, r.id` : sql`r.created_at, r.id`;
    case 'title':
      return sql`r.sort_title, r.id`;
    case '-title':
      return sql`r.sort_title desc, r.id desc`;
    case '-createdAt':
      return sql`r.created_at desc, r.id desc`;
    case 'updatedAt':
      return sql`r.updated_at, r.id`;
    case '-updatedAt':
      return sql`r.updated_at desc, r.id desc`;
    default:
      return sql`r.created_at, r.id`;
  }
}

export async function searchResources(db: Kysely<DB>, q: SearchQuery): Promise<SearchResult> {
  const { conds, rank } = conditions(q);
  const where = and(conds);
  const score = rank ? sql`, ${rank} as score` : sql``;
  const page = await sql<ResourceRow & { score?: number }>`
    select ${COLUMNS}${score} from catalog_resources r where ${where}
    order by ${orderBy(q.sort, rank)} limit ${q.limit} offset ${q.offset}`.execute(db);
  const count = await sql<{ n: number }>`select count(*)::int8 as n from catalog_resources r where ${where}`.execute(db);
  const items = page.rows.map((row) => (row.score === undefined ? rowToResource(row) : { ...rowToResource(row), score: Number(row.score) }));
  const result: SearchResult = { total: count.rows[0]?.n ?? 0, items };
  if (q.facets) result.facets = await facets(db, where);
  return result;
}

const FACET_LIMIT = 50;

async function facets(db: Kysely<DB>, where: RawBuilder<unknown>): Promise<Facets> {
  const arrayFacet = async (column: string) =>
    (await sql<{ value: string; count: number }>`
      select v as value, count(*)::int8 as count from catalog_resources r, jsonb_array_elements_text(r.${sql.raw(column)}) v
      where ${where} group by v order by count desc, v limit ${FACET_LIMIT}`.execute(db)).rows;
  const scalarFacet = async (expr: string) =>
    (await sql<{ value: string; count: number }>`
      select ${sql.raw(expr)} as value, count(*)::int8 as count from catalog_resources r
      where ${where} and ${sql.raw(expr)} is not null group by 1 order by count desc, 1 limit ${FACET_LIMIT}`.execute(db)).rows;
  const out: Partial<Facets> = {};
  const plan: Array<[FacetName, () => Promise<Array<{ value: string; count: number }>>]> = [
    ['kind', () => scalarFacet('r.kind')],
    ['keyword', () => arrayFacet('keywords')],
    ['theme', () => arrayFacet('themes')],
    ['language', () => arrayFacet('languages')],
    ['license', () => scalarFacet('r.license')],
    ['publisher', () => scalarFacet('r.publisher')],
    ['containsPersonalData', () => scalarFacet('r.contains_personal_data::text')],
  ];
  // Sequential on purpose: PGlite is one connection, and on a server the queries are cheap next to a round trip.
  for (const [name, run] of plan) out[name] = await run();
  return out as Facets;
}

/**
 * Datasets bundled by at least one offering, oldest first. The semi-join walks the (kind, created_at, id) index
 * and probes offering_resources by resource id, so a page stays cheap however large the catalog.
 */
export async function listOfferedDatasets(db: Kysely<DB>, q: OfferedQuery, onlyId?: string): Promise<{ total: number; items: OfferedDataset[] }> {
  const conds: RawBuilder<unknown>[] = [sql`r.kind = 'dataset'`, sql`exists (select 1 from offering_resources o where o.resource_id = r.id)`];
  if (onlyId !== undefined) conds.push(sql`r.id = ${onlyId}`);
  if (q.text && q.text.trim()) conds.push(textMatch(q.text, undefined).where);
  if (q.keywords?.length) conds.push(sql`r.keywords @> ${json(q.keywords)}::jsonb`);
  if (q.themes?.length) conds.push(sql`r.themes @> ${json(q.themes)}::jsonb`);
  const where = and(conds);
  const page = await sql<ResourceRow>`
    select ${COLUMNS} from catalog_resources r where ${where} order by r.created_at, r.id limit ${q.limit} offset ${q.offset}`.execute(db);
  const total = onlyId !== undefined ? page.rows.length : ((await sql<{ n: number }>`select count(*)::int8 as n from catalog_resources r where ${where}`.execute(db)).rows[0]?.n ?? 0);
  const ids = page.rows.map((r) => r.id);
  const offers = new Map<string, OfferedDataset['offers']>();
  if (ids.length) {
    const rows = await sql<{ resource_id: string; id: string; policy: Record<string, unknown> }>`
      select o.resource_id, f.id, f.policy from offering_resources o join offerings f on f.id = o.offering_id
      where o.resource_id in (${sql.join(ids)}) order by f.created_at, f.id`.execute(db);
    for (const r of rows.rows) offers.set(r.resource_id, [...(offers.get(r.resource_id) ?? []), { id: `urn:uuid:${r.id}`, policy: r.policy }]);
  }
  return { total, items: page.rows.map((row) => ({ dataset: toView(rowToResource(row)), offers: offers.get(row.id) ?? [] })) };
}
