import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { SequentialIds } from '../../kernel/index.js';
import type { ProcessingKey } from '../app/ports.js';
import type { NoticeContent } from '../domain/notice.js';
import { SqlNoticeStore } from './sql-notice.store.js';

const key = (purpose: string, consumerDid = 'did:web:ag'): ProcessingKey => ({ datasetId: 'd1', offerId: 'urn:uuid:o1', consumerDid, purpose, intermediaryDid: 'did:web:i' });
// The store keeps content as given; a marker field stands for a whole content here.
const draft = (hash: string, missing = 0) => ({ hash, content: { type: 'dases:PrivacyNotice', marker: hash } as unknown as NoticeContent, missing: Array.from({ length: missing }, (_, i) => ({ field: `/f${i}`, message: 'm' })) });
const at = (s: number) => new Date(Date.UTC(2026, 10, 24, 8, 0, s));

forEachEngine('SqlNoticeStore', (engine) => {
  let database: Database;
  let store: SqlNoticeStore;
  const ids = new SequentialIds();
  const newId = () => ids.uuid();
  before(async () => {
    database = await openTestDatabase(engine);
    store = new SqlNoticeStore(database.db);
  });
  after(() => database?.close());

  it('returns the current version for the same hash and appends a version for another', async () => {
    const v1 = await store.record(key('guidance'), draft('sha256:a'), at(1), newId);
    const same = await store.record(key('guidance'), draft('sha256:a'), at(2), newId);
    assert.deepEqual([same.id, same.version, same.createdAt], [v1.id, 1, at(1).toISOString()]);
    const v2 = await store.record(key('guidance'), draft('sha256:b', 1), at(3), newId);
    assert.deepEqual([v2.id, v2.version], [v1.id, 2]);
    // Back to the first content: the history stays linear, a new version says what people read now.
    const v3 = await store.record(key('guidance'), draft('sha256:a'), at(4), newId);
    assert.deepEqual([v3.version, v3.hash], [3, 'sha256:a']);
    assert.deepEqual(await store.get(v1.id, 2), { ...v2, currentVersion: 3 });
    assert.equal((await store.get(v1.id))?.version, 3);
    assert.equal(await store.get(v1.id, 4), undefined);
    assert.equal(await store.get('00000000-0000-4000-8000-0000000000ff'), undefined);
  });

  it('keeps one notice per processing and lists current versions with filters', async () => {
    const other = await store.record(key('research'), draft('sha256:c', 2), at(5), newId);
    const third = await store.record(key('guidance', 'did:web:x'), draft('sha256:d'), at(6), newId);
    const all = await store.list({}, { limit: 10, offset: 0 });
    assert.deepEqual([all.total, all.items.map((n) => [n.id, n.version])], [3, [[third.id, 1], [other.id, 1], [all.items[2]!.id, 3]]]);
    assert.deepEqual((await store.list({ incomplete: true }, { limit: 10, offset: 0 })).items.map((n) => n.id), [other.id]);
    assert.deepEqual((await store.list({ consumerDid: 'did:web:x' }, { limit: 10, offset: 0 })).items.map((n) => n.id), [third.id]);
    const page = await store.list({ datasetId: 'd1' }, { limit: 1, offset: 1 });
    assert.deepEqual([page.total, page.items.map((n) => n.id)], [3, [other.id]]);
    assert.deepEqual((await store.list({ datasetId: 'd2' }, { limit: 10, offset: 0 })).total, 0);
  });
});
