import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Database } from '../../db/index.js';
import { AppError } from '../../kernel/index.js';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import { decideWrite, type DocumentKey } from '../domain/document.js';
import { readActivityDefinitions, recordActivityDefinitions, SqlDocumentStore } from './sql-document.store.js';

const enc = (s: string) => new TextEncoder().encode(s);
const key = (docId: string, registration = ''): DocumentKey => ({ kind: 'state', activityId: 'http://example.org/a', agentKey: 'mbox::mailto:a@example.org', registration, docId });

forEachEngine('SqlDocumentStore', (engine) => {
  let db: Database;
  let store: SqlDocumentStore;
  before(async () => {
    db = await openTestDatabase(engine);
    store = new SqlDocumentStore(db.db);
  });
  after(() => db.close());

  const write = (k: DocumentKey, method: 'PUT' | 'POST', body: string, pre = {}, at = new Date('2026-01-01T00:00:00Z')) =>
    store.change(k, (existing) => {
      const r = decideWrite(method, existing, { contentType: 'application/json', content: enc(body) }, pre, { requirePreconditionOnPut: true }, at);
      if (!r.ok) throw r.error;
      return r.value;
    });

  it('stores bytes exactly (NUL and high bytes included) with their type, ETag and time', async () => {
    const bytes = new Uint8Array([0, 255, 1, 128, 0]);
    await store.change(key('bin'), () => ({ contentType: 'application/octet-stream', content: bytes, etag: 'e', updated: new Date('2026-02-01T00:00:00Z') }));
    const got = await store.get(key('bin'));
    assert.deepEqual(got && [...got.content], [...bytes]);
    assert.equal(got?.contentType, 'application/octet-stream');
    assert.equal(got?.updated.toISOString(), '2026-02-01T00:00:00.000Z');
  });

  it('XAPI-00182: concurrent creations with If-None-Match: * store exactly one document', async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => write(key('race'), 'PUT', `{"w":${i}}`, { ifNoneMatch: '*' })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as AppError).code, 'DS_LRS_DOCUMENT_PRECONDITION');
  });

  it('XAPI-00183: concurrent POST merges into one document lose no property (the row is held while merging)', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => write(key('merge'), 'POST', `{"p${i}":${i}}`)));
    const doc = await store.get(key('merge'));
    assert.deepEqual(Object.keys(JSON.parse(new TextDecoder().decode(doc!.content))).sort(), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
  });

  it('lists ids once across registrations, newest time; deletes in scope only', async () => {
    await write(key('shared', '00000000-0000-4000-8000-000000000001'), 'PUT', '{}', {}, new Date('2026-05-01T00:00:00Z'));
    await write(key('shared'), 'PUT', '{}', { ifNoneMatch: '*' }, new Date('2026-04-01T00:00:00Z'));
    const all = await store.list({ kind: 'state', activityId: 'http://example.org/a', agentKey: 'mbox::mailto:a@example.org' });
    assert.deepEqual(all.ids, ['bin', 'merge', 'race', 'shared']);
    assert.equal(all.lastModified?.toISOString(), '2026-05-01T00:00:00.000Z');
    await store.deleteAll({ kind: 'state', activityId: 'http://example.org/a', agentKey: 'mbox::mailto:a@example.org', registration: '00000000-0000-4000-8000-000000000001' });
    assert.ok(await store.get(key('shared')));
    assert.equal(await store.get(key('shared', '00000000-0000-4000-8000-000000000001')), undefined);
    const other = await store.list({ kind: 'activity_profile', activityId: 'http://example.org/a', agentKey: '' });
    assert.deepEqual(other.ids, []);
  });

  it('recordActivityDefinitions merges within the caller transaction, and rewrites nothing unchanged', async () => {
    const id = 'http://example.org/course';
    await db.db.transaction().execute((tx) => recordActivityDefinitions(tx, [{ id, definition: { name: { en: 'Course' } } }], new Date('2026-01-01T00:00:00Z')));
    await db.db.transaction().execute((tx) => recordActivityDefinitions(tx, [{ id, definition: { name: { en: 'Course' } } }], new Date('2026-06-01T00:00:00Z')));
    const row = await db.db.selectFrom('lrs_activity_definitions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(new Date(row.updated).toISOString(), '2026-01-01T00:00:00.000Z');
    await assert.rejects(
      db.db.transaction().execute(async (tx) => {
        await recordActivityDefinitions(tx, [{ id, definition: { name: { fr: 'Cours' } } }]);
        throw new Error('the statements were refused');
      }),
    );
    assert.deepEqual(await store.activityDefinition(id), { name: { en: 'Course' } });
    await Promise.all(['de', 'es', 'it'].map((lang) => db.db.transaction().execute((tx) => recordActivityDefinitions(tx, [{ id, definition: { name: { [lang]: lang } } }]))));
    assert.deepEqual(Object.keys((await store.activityDefinition(id))!.name as object).sort(), ['de', 'en', 'es', 'it']);
    const created = 'http://example.org/created-concurrently';
    await Promise.all(['en', 'fr', 'de', 'nl'].map((lang) => db.db.transaction().execute((tx) => recordActivityDefinitions(tx, [{ id: created, definition: { name: { [lang]: lang } } }]))));
    assert.deepEqual(Object.keys((await store.activityDefinition(created))!.name as object).sort(), ['de', 'en', 'fr', 'nl'], 'no language lost to the race to create');
    const read = await readActivityDefinitions(db.db, [id, 'http://example.org/unknown', id]);
    assert.deepEqual([...read.keys()], [id]);
  });
});
