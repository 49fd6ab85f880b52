import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/index.js';
import type { FacetName, Facets } from '../app/catalog.store.js';

const FACET_LIMIT = 50;

/** Value counts of the matching rows per facet; computed only when the caller asks (`facets=true`). */
export async function facets(db: Kysely<DB>, where: RawBuilder<unknown>): Promise<Facets> {
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
