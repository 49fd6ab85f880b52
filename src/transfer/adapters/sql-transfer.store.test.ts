import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { advance, start, type NewTransfer, type Transfer } from '../domain/transfer.js';
import { SqlTransferStore } from './sql-transfer.store.js';

const at = new Date('2026-03-01T10:00:00.000Z');
const address = { '@type': 'DataAddress' as const, endpointType: 'https://w3id.org/idsa/v4.1/HTTP', endpoint: 'https://p.example/dataplane/pull/x' };

function provider(id: string, over: Partial<NewTransfer> = {}): Transfer {
  const fields: NewTransfer = { id, role: 'provider', counterpartyDid: 'did:web:c.example', counterpartyAddress: 'https://c.example/dsp', counterpartyPid: `${id}-c`, agreementId: 'urn:uuid:a1', datasetId: 'urn:uuid:d1', format: 'HttpData-PULL', finite: true, source: { type: 'file', path: '/data/x.csv' }, ...over };
  const s = start(fields, { at, direction: 'in' });
  assert.ok(s.ok);
  const st = advance(s.value, 'start', { at, direction: 'out' });
  assert.ok(st.ok);
  return st.value;
}

forEachEngine('SqlTransferStore', (engine) => {
  let d: Database;
  let store: SqlTransferStore;
  before(async () => {
    d = await openTestDatabase(engine);
    store = new SqlTransferStore(d.db);
  });
  after(async () => d?.close());

  it('round-trips a transfer with its JSON fields, and finds it by the counterparty pid', async () => {
    const t = { ...provider('urn:uuid:p1'), dataAddress: address, mediaType: 'text/csv', bytes: 12, sha256: 'ab', dataStartedAt: at, dataEndedAt: at };
    await d.db.transaction().execute((tx) => store.insert(tx, t));
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    assert.deepEqual(plain(await store.get('urn:uuid:p1')), plain(t));
    assert.ok((await store.get('urn:uuid:p1'))!.createdAt instanceof Date);
    assert.equal((await store.byCounterpartyPid('did:web:c.example', 'urn:uuid:p1-c'))?.id, 'urn:uuid:p1');
    assert.equal(await store.byCounterpartyPid('did:web:other.example', 'urn:uuid:p1-c'), undefined, 'another participant\'s pid space');
    await assert.rejects(d.db.transaction().execute((tx) => store.insert(tx, { ...t, id: 'urn:uuid:p1b' })), (e: { code?: string }) => e.code === '23505', 'one transfer per counterparty pid');
  });

  it('saves only over the version it read, bumping it', async () => {
    const t = (await store.get('urn:uuid:p1'))!;
    const s = advance(t, 'suspension', { at, direction: 'in' });
    assert.ok(s.ok);
    assert.equal(await d.db.transaction().execute((tx) => store.save(tx, s.value)), true);
    assert.equal(await d.db.transaction().execute((tx) => store.save(tx, s.value)), false, 'a stale version does not overwrite');
    assert.deepEqual([(await store.get(t.id))!.state, (await store.get(t.id))!.version], ['SUSPENDED', 2]);
  });

  it('adopts a counterparty pid once, never changing it', async () => {
    const t = { ...provider('urn:uuid:p2'), role: 'consumer' as const, counterpartyPid: undefined };
    await d.db.transaction().execute((tx) => store.insert(tx, t));
    await store.adoptCounterpartyPid(t.id, 'urn:uuid:first');
    await store.adoptCounterpartyPid(t.id, 'urn:uuid:second');
    assert.equal((await store.get(t.id))!.counterpartyPid, 'urn:uuid:first');
  });

  it('lists with filters, newest first, and finds running API transfers, jobs and reused agreements', async () => {
    const api = { ...provider('urn:uuid:p3', { finite: false }), createdAt: new Date(at.getTime() + 1000) };
    const job = { ...provider('urn:uuid:p4', { format: 'HttpData-PUSH' }), job: 'push' as const, createdAt: new Date(at.getTime() + 2000) };
    for (const t of [api, job]) await d.db.transaction().execute((tx) => store.insert(tx, t));
    assert.deepEqual((await store.list({ limit: 10, offset: 0 })).items.map((t) => t.id), ['urn:uuid:p4', 'urn:uuid:p3', 'urn:uuid:p2', 'urn:uuid:p1']);
    assert.deepEqual((await store.list({ state: 'SUSPENDED', limit: 10, offset: 0 })).items.map((t) => t.id), ['urn:uuid:p1']);
    assert.equal((await store.list({ role: 'consumer', limit: 10, offset: 0 })).total, 1);
    assert.deepEqual((await store.runningNonFinite()).map((t) => t.id), ['urn:uuid:p3']);
    assert.deepEqual((await store.withJobs()).map((t) => t.id), ['urn:uuid:p4']);
    assert.deepEqual([await store.countJobRun('urn:uuid:p4'), await store.countJobRun('urn:uuid:p4')], [1, 2]);
    assert.deepEqual(await store.agreementsUsed('did:web:c.example', 'urn:uuid:d1'), ['urn:uuid:a1'], 'consumer transfers only, distinct');
    assert.deepEqual(await store.agreementsUsed('did:web:c.example', 'urn:uuid:other'), []);
  });
});
