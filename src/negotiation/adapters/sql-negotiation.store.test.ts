import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { AppError, randomIds, silentLogger, systemClock } from '../../kernel/index.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createNotifier } from '../../kernel/index.js';
import { createRunner, OUTBOX_TOPIC } from '../app/negotiation.runner.js';
import { advance, start, type Negotiation } from '../domain/negotiation.js';
import { SqlNegotiationStore } from './sql-negotiation.store.js';

const at = new Date('2026-03-01T10:00:00.000Z');
/** Absent and undefined optional fields are the same negotiation. */
const plain = (n: Negotiation | undefined) => JSON.parse(JSON.stringify(n ?? null)) as unknown;
const offer = { '@id': 'urn:uuid:o1', '@type': 'Offer', target: 'urn:uuid:d1', permission: [{ action: 'use' }] };

function requested(id: string, consumerPid = `urn:uuid:c-${id}`): Negotiation {
  const fields = { id, role: 'provider' as const, counterpartyDid: 'did:web:consumer.example', counterpartyAddress: 'https://consumer.example/dsp', counterpartyPid: consumerPid, offerId: 'urn:uuid:o1', target: 'urn:uuid:d1', offer, offerBy: 'consumer' as const, purpose: 'research' };
  const r = start(fields, 'request', { at, direction: 'in', digest: 'd1' });
  assert.ok(r.ok);
  return r.value;
}

forEachEngine('negotiation store and runner', (engine) => {
  let d: Database;
  let store: SqlNegotiationStore;
  let outbox: Outbox;

  before(async () => {
    d = await openTestDatabase(engine);
    store = new SqlNegotiationStore(d.db);
    // The real outbox, not started: what a transition sends is a row written in its transaction.
    outbox = createOutbox({ db: d.db, clock: systemClock, ids: randomIds, logger: silentLogger(), tokens: { sign: async () => 'token' }, holder: 'test' });
  });
  after(async () => d?.close());

  it('stores a negotiation and reads it back as it was, by id and by the counterparty pid', async () => {
    const n = requested('urn:uuid:p1');
    await d.db.transaction().execute((tx) => store.insert(tx, n));
    assert.deepEqual(plain(await store.get(n.id)), plain(n));
    assert.ok((await store.get(n.id))!.createdAt instanceof Date);
    assert.deepEqual(plain(await store.byCounterpartyPid('did:web:consumer.example', 'urn:uuid:c-urn:uuid:p1')), plain(n));
    assert.equal(await store.byCounterpartyPid('did:web:other.example', 'urn:uuid:c-urn:uuid:p1'), undefined);
    assert.equal(await store.get('urn:uuid:none'), undefined);
  });

  it('refuses a second negotiation with the same counterparty pid (a duplicate initiating message)', async () => {
    await assert.rejects(d.db.transaction().execute((tx) => store.insert(tx, requested('urn:uuid:p2', 'urn:uuid:c-urn:uuid:p1'))), (e: { code?: string }) => e.code === '23505');
    assert.equal(await store.get('urn:uuid:p2'), undefined);
  });

  it('saves only over the version it read, bumping it', async () => {
    const n = (await store.get('urn:uuid:p1'))!;
    const r = advance(n, 'offer', { at, direction: 'out', by: 'operator' }, { offer: { ...offer, '@id': 'urn:uuid:o2' }, offerBy: 'provider' });
    assert.ok(r.ok);
    assert.equal(await d.db.transaction().execute((tx) => store.save(tx, r.value)), true);
    assert.equal(await d.db.transaction().execute((tx) => store.save(tx, r.value)), false, 'stale version');
    const back = (await store.get(n.id))!;
    assert.deepEqual([back.version, back.state, back.offerBy, back.history.length, (back.offer as { '@id': string })['@id']], [2, 'OFFERED', 'provider', 2, 'urn:uuid:o2']);
  });

  it('lets exactly one of two concurrent changes move a negotiation; the other is decided again on the new state', async () => {
    const runner = createRunner({ db: d.db, store, outbox, notifier: createNotifier(), logger: silentLogger() });
    const n = requested('urn:uuid:p3');
    await runner.create({ next: n });
    let decisions = 0;
    const terminate = (current: Negotiation) => {
      decisions++;
      const r = advance(current, 'termination', { at, direction: 'out', by: 'operator' }, { terminationCode: 'x' });
      if (!r.ok) return Promise.reject(new AppError('DS_NEGOTIATION_ILLEGAL_TRANSITION', r.error.why));
      return Promise.resolve({ next: r.value, sends: [{ kind: 'termination' as const, url: 'https://consumer.example/dsp/negotiations/c/termination', body: {} }] });
    };
    const results = await Promise.allSettled([runner.change(n, terminate), runner.change(n, terminate)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal(decisions, 3, 'the loser decided again on the fresh row and was refused');
    const sent = await d.db.selectFrom('outbox').select(['topic', 'key', 'url']).execute();
    assert.deepEqual(sent, [{ topic: OUTBOX_TOPIC, key: n.id, url: 'https://consumer.example/dsp/negotiations/c/termination' }], 'one termination message');
    const back = (await store.get(n.id))!;
    assert.deepEqual([back.state, back.version, back.history.map((h) => h.state)], ['TERMINATED', 2, ['REQUESTED', 'TERMINATED']]);
  });

  it('lists with filters, newest first, and lists finalised agreements', async () => {
    const fin = requested('urn:uuid:p4');
    await d.db.transaction().execute((tx) => store.insert(tx, { ...fin, state: 'FINALIZED', agreementId: 'urn:uuid:a4', agreement: { '@id': 'urn:uuid:a4' }, createdAt: new Date(at.getTime() + 1000) }));
    const all = await store.list({ limit: 10, offset: 0 });
    assert.equal(all.total, 3);
    assert.equal(all.items[0]!.id, 'urn:uuid:p4');
    assert.deepEqual((await store.list({ state: 'TERMINATED', limit: 10, offset: 0 })).items.map((n) => n.id), ['urn:uuid:p3']);
    assert.equal((await store.list({ role: 'consumer', limit: 10, offset: 0 })).total, 0);
    assert.equal((await store.list({ counterPartyId: 'did:web:consumer.example', limit: 1, offset: 1 })).items.length, 1);
    assert.deepEqual((await store.agreements(10, 0)).items.map((n) => n.agreementId), ['urn:uuid:a4']);
    assert.equal((await store.byAgreementId('urn:uuid:a4'))?.id, 'urn:uuid:p4');
  });
});
