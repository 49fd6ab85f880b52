import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { SqlParticipantStore, type ParticipantWrite } from './sql-participant.store.js';

forEachEngine('participant store', (engine) => {
  let d: Database;
  let store: SqlParticipantStore;
  const t0 = new Date('2026-01-01T00:00:00Z');
  const write = (did: string, now = t0, name = `name of ${did}`): ParticipantWrite => ({
    did,
    name,
    roles: ['data-provider'],
    endpoints: { dsp: 'http://127.0.0.1:1/dsp' },
    didDocument: { id: did },
    credential: 'a.b.c',
    selfDescription: { id: did },
    now,
  });
  before(async () => {
    d = await openTestDatabase(engine);
    store = new SqlParticipantStore(d.db);
  });
  after(async () => d.close());

  it('tells an insert from a refresh, and a refresh keeps status and added date', async () => {
    assert.equal((await store.upsert(write('did:web:a'))).created, true);
    await store.setStatus('did:web:a', 'suspended', 'why', t0);
    const later = new Date('2026-02-01T00:00:00Z');
    const r = await store.upsert(write('did:web:a', later, 'renamed'));
    assert.equal(r.created, false);
    assert.equal(r.participant.name, 'renamed');
    assert.equal(r.participant.status, 'suspended');
    assert.equal(r.participant.addedAt, t0.toISOString());
    assert.equal(r.participant.verifiedAt, later.toISOString());
  });

  it('pages and filters by status', async () => {
    for (const x of ['b', 'c', 'd']) await store.upsert(write(`did:web:${x}`, new Date(`2026-01-0${x.charCodeAt(0) - 96}T00:00:00Z`)));
    const page = await store.list({ limit: 2, offset: 1 });
    assert.equal(page.total, 4);
    assert.deepEqual(page.items.map((p) => p.did), ['did:web:b', 'did:web:c']);
    assert.deepEqual((await store.list({ status: 'suspended', limit: 10, offset: 0 })).items.map((p) => p.did), ['did:web:a']);
    assert.equal(await store.statusOf('did:web:a'), 'suspended');
    assert.equal(await store.statusOf('did:web:zz'), undefined);
  });

  it('activates, deletes, and reports unknown DIDs', async () => {
    assert.equal((await store.setStatus('did:web:a', 'active', null, t0))?.status, 'active');
    assert.equal(await store.setStatus('did:web:zz', 'active', null, t0), undefined);
    assert.equal((await store.delete('did:web:a'))?.did, 'did:web:a');
    assert.equal(await store.delete('did:web:a'), undefined);
  });
});
