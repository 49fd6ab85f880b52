import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { receiptDocument } from '../domain/receipt-document.js';
import { SqlExchangeReceiptStore } from './sql-exchange-receipt.store.js';

const doc = (n: number, dataset = 'urn:ds:1') =>
  receiptDocument({ transferId: `p-${n}`, consumerPid: `c-${n}`, agreementId: 'urn:ag:1', datasetId: dataset, providerDid: 'did:web:p', consumerDid: 'did:web:c', bytes: n, sha256: '0'.repeat(64), startedAt: new Date(0), endedAt: new Date(1000) });

forEachEngine('SqlExchangeReceiptStore', (engine) => {
  let database: Database;
  let store: SqlExchangeReceiptStore;
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  before(async () => {
    database = await openTestDatabase(engine);
    store = new SqlExchangeReceiptStore(database.db);
  });
  after(() => database?.close());

  it('creates a row once and keeps what was written (lock is idempotent)', async () => {
    await database.db.transaction().execute(async (tx) => {
      const row = await store.lock(tx, 'p-1', 'provider', at(1));
      assert.deepEqual([row.role, row.status, row.outgoing, row.measured, row.document], ['provider', 'pending', 'none', false, null]);
      await store.update(tx, 'p-1', { document: doc(1), documentHash: 'sha256:x', ownEntryIndex: 7, outgoing: 'due', measurement: { bytes: 1 } }, at(1));
    });
    const again = await database.db.transaction().execute((tx) => store.lock(tx, 'p-1', 'consumer', at(2)));
    assert.deepEqual([again.role, again.agreement_id, again.dataset_id, again.own_entry_index, again.document, again.measurement], ['provider', 'urn:ag:1', 'urn:ds:1', 7, doc(1), { bytes: 1 }]);
  });

  it('lock holds the row until commit: a second locker waits and sees what the first wrote', async () => {
    await database.db.transaction().execute((tx) => store.lock(tx, 'p-9', 'consumer', at(1)));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const first = new Promise<void>((r) => (locked = r));
    const writer = database.db.transaction().execute(async (tx) => {
      await store.lock(tx, 'p-9', 'consumer', at(2));
      locked();
      await held;
      await store.update(tx, 'p-9', { measured: true }, at(2));
    });
    await first;
    const reader = database.db.transaction().execute((tx) => store.lock(tx, 'p-9', 'consumer', at(3)));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await writer;
    const seen = await reader;
    assert.deepEqual([seen.measured, seen.role, seen.created_at.getTime()], [true, 'consumer', at(1).getTime()], 'the waiting locker read the row after the first commit, unchanged by its own lock');
  });

  it('records a consumer measurement alone in one statement, and leaves any other row to the caller', async () => {
    assert.equal(await store.measureIfAlone('c-20', { measured: true, measurement: { bytes: 2 } }, at(5)), true);
    const row = await store.get('c-20');
    assert.deepEqual([row?.role, row?.status, row?.measured, row?.measurement], ['consumer', 'pending', true, { bytes: 2 }]);
    assert.equal(await store.measureIfAlone('c-20', { measured: true, measurement: { bytes: 3 } }, at(6)), false, 'measured already');
    assert.deepEqual((await store.get('c-20'))?.measurement, { bytes: 2 }, 'the first measurement stands');
    await database.db.transaction().execute(async (tx) => {
      await store.lock(tx, 'c-21', 'consumer', at(5));
      await store.update(tx, 'c-21', { providerJws: 'jws' }, at(5));
    });
    assert.equal(await store.measureIfAlone('c-21', { measured: true }, at(6)), false, "holding the provider's receipt");
    assert.equal((await store.get('c-21'))?.measured, false);
    assert.equal(await store.measureIfAlone('p-1', { measured: true }, at(6)), false, "a provider's row");
    assert.equal((await store.get('p-1'))?.measured, false);
  });

  it("a measurement waits for a receipt being taken under lock, then leaves the row to the caller", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const first = new Promise<void>((r) => (locked = r));
    const receipt = database.db.transaction().execute(async (tx) => {
      await store.lock(tx, 'c-22', 'consumer', at(7));
      locked();
      await held;
      await store.update(tx, 'c-22', { providerJws: 'jws' }, at(7));
    });
    await first;
    const measuring = store.measureIfAlone('c-22', { measured: true }, at(8));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await receipt;
    assert.equal(await measuring, false);
    assert.deepEqual([(await store.get('c-22'))?.measured, (await store.get('c-22'))?.provider_jws], [false, 'jws']);
  });

  it('marks a due message sent exactly once (compare-and-set)', async () => {
    const first = await store.markSentStatement(database.db, 'p-1', { providerJws: 'jws-1' }, at(3)).execute();
    const second = await store.markSentStatement(database.db, 'p-1', { providerJws: 'jws-2' }, at(4)).execute();
    assert.deepEqual([first, second], [[{ transfer_id: 'p-1' }], []]);
    const row = await store.get('p-1');
    assert.deepEqual([row?.outgoing, row?.provider_jws], ['sent', 'jws-1']);
  });

  it('lists due rows older than a time, and exchanges by agreement or dataset with pagination', async () => {
    for (const n of [2, 3, 4]) {
      await database.db.transaction().execute(async (tx) => {
        await store.lock(tx, `p-${n}`, 'provider', at(10 + n));
        await store.update(tx, `p-${n}`, { document: doc(n, n === 4 ? 'urn:ds:2' : 'urn:ds:1'), outgoing: n === 2 ? 'due' : 'none' }, at(10 + n));
      });
    }
    assert.deepEqual(await store.due(at(20), 10), ['p-2']);
    assert.deepEqual(await store.due(at(12), 10), []);
    const page = await store.list({ agreementId: 'urn:ag:1' }, { limit: 2, offset: 0 });
    assert.deepEqual([page.total, page.items.map((r) => r.transfer_id)], [4, ['p-4', 'p-3']]);
    const rest = await store.list({ agreementId: 'urn:ag:1' }, { limit: 2, offset: 2 });
    assert.deepEqual(rest.items.map((r) => r.transfer_id), ['p-2', 'p-1']);
    const ds2 = await store.list({ datasetId: 'urn:ds:2' }, { limit: 10, offset: 0 });
    assert.deepEqual([ds2.total, ds2.items.map((r) => r.transfer_id)], [1, ['p-4']]);
  });
});
