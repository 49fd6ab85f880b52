import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { ManualClock, SequentialIds } from '../../kernel/index.js';
import { CatalogService } from '../app/catalog.service.js';
import { sql } from 'kysely';
import { TOTAL_CAP } from './sql-catalog.search.js';
import { SqlCatalogStore } from './sql-catalog.store.js';
import { toTurtle } from './turtle.writer.js';

const policy = { '@type': 'Offer', permission: [{ action: 'use' }] };

forEachEngine('catalog store', (engine) => {
  let d: Database;
  let store: SqlCatalogStore;
  let svc: CatalogService;
  const clock = new ManualClock();
  const ids: Record<string, string> = {};
  before(async () => {
    d = await openTestDatabase(engine);
    store = new SqlCatalogStore(d.db);
    svc = new CatalogService({ store, clock, ids: new SequentialIds(), node: { did: 'did:web:a', name: 'A', publicUrl: 'https://a.example' }, toTurtle });
    const add = async (name: string, body: Record<string, unknown>, group: 'datasets' | 'services' = 'datasets') => {
      clock.advance(1000);
      ids[name] = (await svc.createResource(group, body)).id;
    };
    await add('skills', { title: { fr: 'Compétences numériques', en: 'Digital skills' }, keywords: ['skills', 'digital'], themes: ['educ'], languages: ['fr', 'EN'], license: 'CC-BY-4.0', publisher: 'Univ A' });
    await add('learners', { title: { en: 'Adult learners survey' }, description: 'Answers of learners', keywords: ['survey'], themes: ['SOCI'], languages: ['en'], containsPersonalData: true });
    await add('zebra', { title: 'Zebra registry', keywords: ['registry', 'digital'], license: 'CC0-1.0' });
    await add('api', { title: { en: 'Skills API' }, endpointUrl: 'https://api.example/skills', kind: 'infrastructure-service' }, 'services');
  });
  after(async () => d.close());

  it('reads back what it wrote, with normalised language keys and codes', async () => {
    const r = await store.getResource(ids.skills!);
    assert.deepEqual(r?.title, { fr: 'Compétences numériques', en: 'Digital skills' });
    assert.deepEqual(r?.themes, ['EDUC']);
    assert.deepEqual(r?.languages, ['fr', 'en']);
    assert.equal(r?.version, 1);
    assert.equal(r?.createdAt.toISOString(), '2026-01-01T00:00:01.000Z');
    assert.deepEqual((await store.getResource(ids.zebra!))?.title, { und: 'Zebra registry' });
  });

  it('finds French text with French stemming and English text with English stemming', async () => {
    const fr = await store.search({ q: 'compétences', limit: 10, offset: 0 });
    assert.deepEqual(fr.items.map((i) => i.id), [ids.skills]);
    assert.ok((fr.items[0]?.score ?? 0) > 0);
    const en = await store.search({ q: 'learner answering', limit: 10, offset: 0 });
    assert.deepEqual(en.items.map((i) => i.id), [ids.learners], 'learner ~ learners, answering ~ answers via the English stemmer');
    // Snowball stems "learning" to "learn" and "learners" to "learner": they do not meet.
    assert.equal((await store.search({ q: 'learning', limit: 10, offset: 0 })).total, 0);
    assert.equal((await store.search({ q: 'compétences', lang: 'en', limit: 10, offset: 0 })).total, 1, 'the simple accent-insensitive match still holds');
    assert.equal((await store.search({ q: 'nothing-like-this', limit: 10, offset: 0 })).total, 0);
  });

  it('filters, sorts, pages and counts facets', async () => {
    const digital = await store.search({ keyword: 'digital', sort: 'title', limit: 10, offset: 0 });
    assert.deepEqual(digital.items.map((i) => i.id), [ids.skills, ids.zebra]);
    assert.deepEqual((await store.search({ keyword: 'digital', sort: '-title', limit: 10, offset: 0 })).items.map((i) => i.id), [ids.zebra, ids.skills]);
    assert.equal((await store.search({ theme: 'EDUC', limit: 10, offset: 0 })).total, 1);
    assert.equal((await store.search({ language: 'en', limit: 10, offset: 0 })).total, 2);
    assert.equal((await store.search({ license: 'CC0-1.0', limit: 10, offset: 0 })).items[0]?.id, ids.zebra);
    assert.equal((await store.search({ publisher: 'Univ A', limit: 10, offset: 0 })).total, 1);
    assert.equal((await store.search({ containsPersonalData: true, limit: 10, offset: 0 })).items[0]?.id, ids.learners);
    assert.deepEqual((await store.search({ kinds: ['infrastructure-service'], limit: 10, offset: 0 })).items.map((i) => i.id), [ids.api]);
    const page = await store.search({ sort: '-createdAt', limit: 2, offset: 1 });
    assert.equal(page.total, 4);
    assert.deepEqual(page.items.map((i) => i.id), [ids.zebra, ids.learners]);
    const f = await store.search({ kinds: ['dataset'], facets: true, limit: 1, offset: 0 });
    assert.deepEqual(f.facets?.keyword[0], { value: 'digital', count: 2 });
    assert.deepEqual(f.facets?.kind, [{ value: 'dataset', count: 3 }]);
    assert.deepEqual(f.facets?.containsPersonalData, [{ value: 'false', count: 2 }, { value: 'true', count: 1 }]);
    assert.equal((await store.search({ limit: 1, offset: 0 })).facets, undefined);
  });

  it('updates with optimistic concurrency', async () => {
    const r = await svc.patchResource('datasets', ids.zebra!, { title: { fr: 'Registre des zèbres' } }, 1);
    assert.equal(r.version, 2);
    assert.deepEqual(r.title, { und: 'Zebra registry', fr: 'Registre des zèbres' });
    await assert.rejects(svc.replaceResource('datasets', ids.zebra!, { title: 'x', version: 1 }), { code: 'DS_CATALOG_CONFLICT' });
    assert.equal(await store.updateResource({ ...r, version: 3 }, 1), false);
    assert.equal((await store.getResource(ids.zebra!))?.version, 2);
  });

  it('lists only offered datasets with their offers, and protects referenced datasets', async () => {
    assert.deepEqual(await store.listOfferedDatasets({ limit: 10, offset: 0 }), { items: [] });
    const o = await svc.createOffering({ datasets: [ids.learners, ids.skills], services: [ids.api], policy });
    await assert.rejects(svc.createOffering({ datasets: [ids.api], policy }), (e: { code: string; errors: Array<{ path: string }> }) => e.code === 'DS_CATALOG_REFERENCE_NOT_FOUND' && e.errors[0]?.path === '/body/datasets/0');
    const page = await store.listOfferedDatasets({ limit: 10, offset: 0 });
    assert.deepEqual(page.items.map((i) => i.dataset.id), [ids.skills, ids.learners]);
    assert.deepEqual(page.items[0]?.offers, [{ id: `urn:uuid:${o.id}`, policy }]);
    assert.equal(typeof page.items[0]?.dataset.createdAt, 'string');
    assert.equal(page.nextCursor, undefined);
    // Keyset paging: the cursor continues right after the first page; a foreign cursor names the field.
    const one = await store.listOfferedDatasets({ limit: 1 });
    assert.deepEqual(one.items.map((i) => i.dataset.id), [ids.skills]);
    const two = await store.listOfferedDatasets({ limit: 1, cursor: one.nextCursor! });
    assert.deepEqual([two.items.map((i) => i.dataset.id), two.nextCursor], [[ids.learners], undefined]);
    assert.deepEqual((await store.listOfferedDatasets({ limit: 1, offset: 1 })).items.map((i) => i.dataset.id), [ids.learners]);
    await assert.rejects(store.listOfferedDatasets({ limit: 1, cursor: 'bm9wZQ' }), (e: { code: string; errors: Array<{ path: string }> }) => e.code === 'DS_HTTP_VALIDATION' && e.errors[0]?.path === '/querystring/cursor');
    assert.equal((await store.listOfferedDatasets({ text: 'compétences', keywords: ['skills'], limit: 10, offset: 0 })).items.length, 1);
    assert.equal((await store.listOfferedDatasets({ themes: ['SOCI'], limit: 10, offset: 1 })).items.length, 0);
    assert.equal((await store.getOfferedDataset(ids.zebra!)), undefined);
    assert.equal((await store.getOfferedDataset(ids.learners!))?.offers.length, 1);
    // One dataset read alone is the listing's item for it, offers in the same order.
    const listed = (await store.listOfferedDatasets({ limit: 10, offset: 0 })).items;
    for (const item of listed) assert.deepEqual(await store.getOfferedDataset(item.dataset.id), item);
    assert.deepEqual((await store.getOffering(o.id))?.datasets, [ids.skills, ids.learners]);
    await assert.rejects(svc.deleteResource('datasets', ids.skills!), { code: 'DS_CATALOG_IN_USE' });
    assert.ok(await store.getResource(ids.skills!));
    await svc.deleteOffering(o.id);
    await svc.deleteResource('datasets', ids.skills!);
    assert.equal(await store.getResource(ids.skills!), undefined);
  });

  it('counts up to a cap and ranks within it on large match sets', async () => {
    const n = TOTAL_CAP + 5;
    await sql`insert into catalog_resources (id, kind, title, description, keywords, themes, languages, contains_personal_data, details, sort_title, search_text, version, created_at, updated_at)
      select gen_random_uuid(), 'dataset', '{}', '{}', '["bulk"]', '[]', '[]', false, '{}', 'bulk ' || g, 'bulk entry ' || g, 1, now(), now() from generate_series(1, ${n}) g`.execute(d.db);
    try {
      for (const q of [{ q: 'bulk' }, { keyword: 'bulk' }, { q: 'bulk', sort: 'title' as const }]) {
        const r = await store.search({ ...q, limit: 3, offset: 0 });
        assert.deepEqual([r.total, r.totalIsLowerBound, r.items.length], [TOTAL_CAP, true, 3], JSON.stringify(q));
      }
      const exact = await store.search({ q: 'bulk 17', limit: 3, offset: 0 });
      assert.deepEqual([exact.total, exact.totalIsLowerBound, exact.items.length], [1, false, 1]);
      assert.equal((await store.search({ q: 'bulk', limit: 2, offset: TOTAL_CAP + 4 })).items.length, 1, 'deep relevance pages widen the ranked window');
    } finally {
      await sql`delete from catalog_resources where keywords @> '["bulk"]'`.execute(d.db);
    }
  });

  it('leaves nothing behind when an offering write fails half-way', async () => {
    const before = await store.listOfferings(100, 0);
    await assert.rejects(svc.createOffering({ datasets: [ids.learners, '00000000-0000-4000-8000-0000000000ff'], policy }), { code: 'DS_CATALOG_REFERENCE_NOT_FOUND' });
    const after = await store.listOfferings(100, 0);
    assert.equal(after.total, before.total);
  });
});
