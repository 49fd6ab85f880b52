import { sql, type Kysely, type RawBuilder } from 'kysely';
import { invalidField } from '../../kernel/index.js';
import { json, type DB } from '../../db/index.js';
import type { OfferedDataset, OfferedPage, OfferedQuery, SearchQuery, SearchResult } from '../app/catalog.store.js';
import { toView } from '../domain/catalog-resource.js';
import { RESOURCE_COLUMNS, rowToResource, type ResourceRow } from './catalog-rows.js';
import { facets } from './sql-catalog.facets.js';

const COLUMNS = sql.raw(RESOURCE_COLUMNS.map((c) => `r.${c}`).join(', '));
const and = (conds: RawBuilder<unknown>[]) => (conds.length ? sql.join(conds, sql` and `) : sql`true`);

/**
 * `total` is exact up to this many matches; beyond, it says "at least TOTAL_CAP" (`totalIsLowerBound`). Counting
 * 100,000 matches exactly costs more than the page itself, and nobody pages that far.
 */
export const TOTAL_CAP = 1000;

/**
 * Full text in English and French over one tsvector (`fts`: English lexemes weight A, French ones weight B) and
 * one GIN index. The query is parsed with both configurations (stemming differs) and OR-ed; `lang` restricts the
 * match to one language's lexemes by weight, which the index answers with a recheck on the row.
 */
function tsQuery(q: string, lang: 'en' | 'fr' | undefined): RawBuilder<unknown> {
  const en = sql`websearch_to_tsquery('english', ${q})`;
  const fr = sql`websearch_to_tsquery('french', ${q})`;
  // websearch_to_tsquery writes every lexeme quoted ('x', with '' for a quote): suffix each with its weight.
  const weighted = (query: RawBuilder<unknown>, w: 'A' | 'B') => sql`regexp_replace(${query}::text, '''(?:[^'']|'''')*''', '\\&:${sql.raw(w)}', 'g')::tsquery`;
  if (lang === 'en') return weighted(en, 'A');
  if (lang === 'fr') return weighted(fr, 'B');
  return sql`(${en} || ${fr})`;
}

// ts_rank weights are {D, C, B, A}: French (B) and English (A) matches count the same.
const rankOf = (query: RawBuilder<unknown>) => sql`ts_rank('{0.1, 0.2, 1.0, 1.0}'::float4[], r.fts, ${query})`;

function conditions(q: SearchQuery): { conds: RawBuilder<unknown>[]; query?: RawBuilder<unknown> } {
  const conds: RawBuilder<unknown>[] = [];
  let query: RawBuilder<unknown> | undefined;
  if (q.q && q.q.trim()) {
    query = tsQuery(q.q, q.lang);
    conds.push(sql`r.fts @@ ${query}`);
  }
  if (q.kinds?.length) conds.push(sql`r.kind in (${sql.join(q.kinds)})`);
  // Containment (@>) is what the jsonb_path_ops GIN indexes answer.
  if (q.keyword !== undefined) conds.push(sql`r.keywords @> ${json([q.keyword])}::jsonb`);
  if (q.theme !== undefined) conds.push(sql`r.themes @> ${json([q.theme])}::jsonb`);
  if (q.language !== undefined) conds.push(sql`r.languages @> ${json([q.language])}::jsonb`);
  if (q.license !== undefined) conds.push(sql`r.license = ${q.license}`);
  if (q.publisher !== undefined) conds.push(sql`r.publisher = ${q.publisher}`);
  if (q.containsPersonalData !== undefined) conds.push(sql`r.contains_personal_data = ${q.containsPersonalData}`);
  return query ? { conds, query } : { conds };
}

// Each ordering has a btree index ((created_at, id), (sort_title, id), (updated_at, id), also per kind), so a
// filtered page walks the index and stops after `limit` hits instead of sorting every match.
function orderBy(sort: Exclude<SearchQuery['sort'], 'relevance'>) {
  switch (sort) {
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
  const { conds, query } = conditions(q);
  const where = and(conds);
  const sort = q.sort ?? (query ? 'relevance' : 'createdAt');
  let rows: Array<ResourceRow & { score?: number }>;
  let matched: number;
  if (sort === 'relevance' && query) {
    // Relevance needs a rank for every candidate, and ranking 50,000 matches of a common word costs ~100 ms.
    // So rank the first `window` matches the index yields (and count them in the same pass): exact whenever
    // the query matches at most `window` rows; beyond that the best-ranked row among all matches may be
    // missed, which `totalIsLowerBound` tells the caller (a narrower query or a filter fixes it).
    const window = Math.max(TOTAL_CAP, q.offset + q.limit);
    const res = await sql<ResourceRow & { score: number; matched: number }>`
      with c as materialized (select r.id, r.created_at, ${rankOf(query)} as score from catalog_resources r where ${where} limit ${window + 1})
      select ${COLUMNS}, c.score, (select count(*) from c)::int8 as matched
      from c join catalog_resources r on r.id = c.id order by c.score desc, c.created_at, c.id limit ${q.limit} offset ${q.offset}`.execute(db);
    rows = res.rows;
    matched = res.rows[0]?.matched ?? (q.offset > 0 ? await countCapped(db, where, TOTAL_CAP) : 0);
    if (matched > window) matched = TOTAL_CAP + 1;
  } else {
    const page = await sql<ResourceRow>`
      select ${COLUMNS} from catalog_resources r where ${where} order by ${orderBy(sort === 'relevance' ? 'createdAt' : sort)} limit ${q.limit} offset ${q.offset}`.execute(db);
    rows = page.rows;
    // A short first page already says how many there are.
    matched = q.offset === 0 && rows.length < q.limit ? rows.length : await countCapped(db, where, TOTAL_CAP);
  }
  const items = rows.map((row) => (row.score === undefined ? rowToResource(row) : { ...rowToResource(row), score: Number(row.score) }));
  const result: SearchResult = { total: Math.min(matched, TOTAL_CAP), totalIsLowerBound: matched > TOTAL_CAP, items };
  if (q.facets) result.facets = await facets(db, where);
  return result;
}

/** The number of matching rows, counting at most `cap + 1` of them. */
async function countCapped(db: Kysely<DB>, where: RawBuilder<unknown>, cap: number): Promise<number> {
  const res = await sql<{ n: number }>`select count(*)::int8 as n from (select 1 from catalog_resources r where ${where} limit ${cap + 1}) s`.execute(db);
  return res.rows[0]?.n ?? 0;
}

/** Opaque continuation of the DSP listing: the last row's (created_at in microseconds, id). */
const encodeCursor = (micros: number, id: string) => Buffer.from(`${micros}.${id}`).toString('base64url');
function decodeCursor(cursor: string): { micros: number; id: string } {
  const m = /^(-?\d{1,17})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw invalidField('/querystring/cursor', 'is not a cursor this node issued');
  return { micros: Number(m[1]), id: m[2]! };
}

/**
 * Datasets bundled by at least one offering, oldest first, `limit + 1` rows to know whether a next page
 * exists (no count). The `offered` flag (kept by triggers) and its partial index (created_at, id) make a
 * page one index range: after a cursor it starts right there; with an offset, the skipped rows are walked
 * in the index only (the CTE selects ids), and the page's columns and offers are then fetched for 100 rows.
 */
export async function listOfferedDatasets(db: Kysely<DB>, q: OfferedQuery): Promise<OfferedPage> {
  const conds: RawBuilder<unknown>[] = [sql`r.kind = 'dataset'`, sql`r.offered`];
  if (q.text && q.text.trim()) conds.push(sql`r.fts @@ ${tsQuery(q.text, undefined)}`);
  if (q.keywords?.length) conds.push(sql`r.keywords @> ${json(q.keywords)}::jsonb`);
  if (q.themes?.length) conds.push(sql`r.themes @> ${json(q.themes)}::jsonb`);
  if (q.cursor !== undefined) {
    const c = decodeCursor(q.cursor);
    conds.push(sql`(r.created_at, r.id) > (timestamptz 'epoch' + ${c.micros}::int8 * interval '1 microsecond', ${c.id}::uuid)`);
  }
  const offset = q.cursor !== undefined ? 0 : (q.offset ?? 0);
  const page = await sql<ResourceRow & { micros: number }>`
    with p as materialized (select r.id, r.created_at from catalog_resources r where ${and(conds)} order by r.created_at, r.id limit ${q.limit + 1} offset ${offset})
    select ${COLUMNS}, (extract(epoch from r.created_at) * 1000000)::int8 as micros
    from p join catalog_resources r on r.id = p.id order by p.created_at, p.id`.execute(db);
  const rows = page.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  const offers = await offersOf(db, rows.map((r) => r.id));
  const items = rows.map(({ micros: _m, ...row }) => ({ dataset: toView(rowToResource(row)), offers: offers.get(row.id) ?? [] }));
  return page.rows.length > q.limit && last ? { items, nextCursor: encodeCursor(Number(last.micros), last.id) } : { items };
}

/**
 * One offered dataset with its offers, in one statement (a DSP contract request checks its offer against it, and
 * a dataset request reads it): the same view as a listing's item.
 */
export async function getOfferedDataset(db: Kysely<DB>, id: string): Promise<OfferedDataset | undefined> {
  const r = await sql<ResourceRow & { offers: Array<{ id: string; policy: Record<string, unknown> }> }>`
    select ${COLUMNS}, coalesce((
      select json_agg(json_build_object('id', 'urn:uuid:' || f.id, 'policy', f.policy) order by f.created_at, f.id)
      from offering_resources o join offerings f on f.id = o.offering_id where o.resource_id = r.id
    ), '[]'::json) as offers
    from catalog_resources r where r.kind = 'dataset' and r.offered and r.id = ${id}`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  const { offers, ...resource } = row;
  return { dataset: toView(rowToResource(resource)), offers };
}

/** The offers of the given datasets, in one query. */
async function offersOf(db: Kysely<DB>, ids: string[]): Promise<Map<string, OfferedDataset['offers']>> {
  const offers = new Map<string, OfferedDataset['offers']>();
  if (!ids.length) return offers;
  const rows = await sql<{ resource_id: string; id: string; policy: Record<string, unknown> }>`
    select o.resource_id, f.id, f.policy from offering_resources o join offerings f on f.id = o.offering_id
    where o.resource_id = any(${sql.val(ids)}::uuid[]) order by f.created_at, f.id`.execute(db);
  for (const r of rows.rows) offers.set(r.resource_id, [...(offers.get(r.resource_id) ?? []), { id: `urn:uuid:${r.id}`, policy: r.policy }]);
  return offers;
}
