import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/index.js';

/**
 * Inserts `count` datasets straight into the catalog tables, in the row format the catalog store writes
 * (language-map titles, keyword arrays, details with distributions), plus one offering covering all of them so
 * they appear in the DSP catalog (the trigger on offering_resources marks them offered). Going through SQL keeps
 * seeding 100,000 rows to seconds; what is measured afterwards goes through the node's real routes.
 */
export async function seedCatalog(db: Kysely<DB>, count: number): Promise<void> {
  const frWords = ['compétences', 'numérique', 'apprentissage', 'évaluation', 'formation', 'insertion', 'orientation', 'mathématiques', 'lecture', 'emploi', 'stage', 'alternance'];
  const enWords = ['skills', 'digital', 'learning', 'assessment', 'training', 'employment', 'guidance', 'mathematics', 'reading', 'jobs', 'internship', 'apprenticeship'];
  const fr = sql.raw(`array[${frWords.map((w) => `'${w}'`).join(',')}]`);
  const en = sql.raw(`array[${enWords.map((w) => `'${w}'`).join(',')}]`);
  await sql`
    insert into catalog_resources (id, kind, title, description, keywords, themes, languages, license, publisher,
      contains_personal_data, details, sort_title, search_text, version, created_at, updated_at)
    select id, 'dataset', jsonb_build_object('fr', tfr, 'en', ten), jsonb_build_object('fr', 'Jeu de données ' || tfr, 'en', 'Dataset of ' || ten),
      jsonb_build_array(kw), '["EDUC"]'::jsonb, '["fr"]'::jsonb, 'CC-BY-4.0', 'Organisme ' || (g % 50), g % 10 = 0,
      jsonb_build_object('spatial', '[]'::jsonb, 'distributions', jsonb_build_array(jsonb_build_object('format', 'application/json', 'source', jsonb_build_object('type', 'file', 'path', '/srv/d' || g || '.json')))),
      lower(tfr), tfr || ' ' || ten || ' Jeu de données ' || tfr || ' Dataset of ' || ten || ' ' || kw,
      1, timestamptz '2026-01-01' + g * interval '1 second', timestamptz '2026-01-01' + g * interval '1 second'
    from (
      select g, gen_random_uuid() as id,
        (${fr})[1 + g % 12] || ' ' || (${fr})[1 + (g / 12) % 12] || ' ' || g as tfr,
        (${en})[1 + g % 12] || ' ' || (${en})[1 + (g / 12) % 12] || ' ' || g as ten,
        (${fr})[1 + (g / 144) % 12] as kw
      from generate_series(1, ${count}) as g
    ) s`.execute(db);
  const offering = '00000000-0000-4000-8000-0000000be7c4';
  await sql`insert into offerings (id, title, description, policy, version, created_at, updated_at)
    values (${offering}, '{}'::jsonb, '{}'::jsonb,
      ${JSON.stringify({ '@type': 'Offer', permission: [{ action: 'use' }] })}::jsonb, 1, now(), now())`.execute(db);
  await sql`insert into offering_resources (offering_id, resource_id)
    select ${offering}::uuid, id from catalog_resources`.execute(db);
  // The offering_resources insert sets `catalog_resources.offered` through its trigger (migration 0002), which
  // rewrites every row once; vacuum as autovacuum would soon, so measurements see a settled table.
  await sql`vacuum analyze`.execute(db);
}
