// A quick local timing check (not a test): fills a catalog with N datasets and times searches and the DSP
// listing. Run: node --import tsx src/catalog/adapters/catalog-search.timing.ts [N] [postgres-url]
import { sql } from 'kysely';
import { migrate, openDatabase } from '../../db/index.js';
import { SqlCatalogStore } from './sql-catalog.store.js';

const n = Number(process.argv[2] ?? 100_000);
const url = process.argv[3];
const d = await openDatabase(url ? { databaseUrl: url } : { dataDir: null });
await migrate(d);
const words = ['skills', 'digital', 'learners', 'compétences', 'numérique', 'survey', 'mobility', 'teachers', 'curriculum', 'apprentissage'];
let t = Date.now();
await sql`
  insert into catalog_resources (id, kind, title, description, keywords, themes, languages, license, publisher, contains_personal_data,
    details, sort_title, search_text, version, created_at, updated_at)
  select gen_random_uuid(), 'dataset', jsonb_build_object('en', 'Dataset ' || i || ' ' || w1), jsonb_build_object('fr', 'Données ' || w2 || ' ' || i),
    jsonb_build_array(w1, w2), '["EDUC"]'::jsonb, '["en","fr"]'::jsonb, 'CC-BY-4.0', 'pub' || (i % 50), i % 7 = 0,
    '{"distributions":[],"spatial":[]}'::jsonb, 'dataset ' || i, 'Dataset ' || i || ' ' || w1 || ' Données ' || w2, 1,
    now() + (i || ' seconds')::interval, now()
  from (select i, (${sql.val(words)}::text[])[1 + i % 10] as w1, (${sql.val(words)}::text[])[1 + (i * 7) % 10] as w2 from generate_series(1, ${n}) i) s`.execute(d.db);
await sql`insert into offerings (id, title, description, policy, version, created_at, updated_at)
  values ('00000000-0000-4000-8000-000000000001', '{}', '{}', '{"@type":"Offer","permission":[{"action":"use"}]}', 1, now(), now())`.execute(d.db);
await sql`insert into offering_resources select '00000000-0000-4000-8000-000000000001', id from catalog_resources`.execute(d.db);
await sql`analyze`.execute(d.db);
console.log(`${d.kind}: inserted ${n} rows in ${Date.now() - t} ms`);
const store = new SqlCatalogStore(d.db);
async function time(label: string, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < 21; i++) {
    t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: p50 ${ms[10]!.toFixed(1)} ms, max ${ms[20]!.toFixed(1)} ms`);
}
await time('search q=rare word (10 hits)', () => store.search({ q: 'dataset 4242', limit: 50, offset: 0 }));
await time('search q=curriculum (10% of rows), relevance', () => store.search({ q: 'curriculum', limit: 50, offset: 0 }));
await time('search keyword=mobility sort title', () => store.search({ keyword: 'mobility', sort: 'title', limit: 50, offset: 0 }));
await time('search no filter, createdAt', () => store.search({ kinds: ['dataset'], limit: 50, offset: 0 }));
await time('offered datasets page of 100', () => store.listOfferedDatasets({ limit: 100, offset: 500 }));
await time('offered datasets text=compétences', () => store.listOfferedDatasets({ text: 'compétences', limit: 100, offset: 0 }));
await d.close();
