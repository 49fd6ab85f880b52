import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { newRecord } from '../domain/consent-record.js';
import { SqlConsentStore, type NewConsent } from './sql-consent.store.js';
import { SqlPartyConsentStore, type PartyNotice } from './sql-party-consent.store.js';

const at = new Date('2026-05-01T10:00:00.000Z');
const notice = { id: 'urn:uuid:n1', version: 1, hash: `sha256:${'d'.repeat(64)}`, content: {} };

const consent = (id: string, over: Partial<NewConsent> = {}): NewConsent => ({
  id,
  personId: 'lea',
  principalId: `urn:uuid:p-${id}`,
  consumerDid: 'did:web:ag',
  providerDid: 'did:web:tb',
  datasetId: 'urn:uuid:ds',
  purpose: 'guidance',
  consumerSubjectId: 'ag-9',
  providerSubjectId: 'tb-123',
  notice,
  record: newRecord({ recordId: id, principalId: `urn:uuid:p-${id}`, intermediaryDid: 'did:web:i', providerDid: 'did:web:tb', consumerDid: 'did:web:ag', datasetId: 'urn:uuid:ds', purpose: 'guidance', notice, piiCategories: [], withdrawalUrl: 'http://i/me/', at }),
  at,
  ...over,
});

forEachEngine('consent stores', (engine) => {
  let d: Database;
  let store: SqlConsentStore;
  let party: SqlPartyConsentStore;
  before(async () => {
    d = await openTestDatabase(engine);
    store = new SqlConsentStore(d.db);
    party = new SqlPartyConsentStore(d.db);
  });
  after(() => d?.close());

  it('keeps one open consent per person, parties, dataset and purpose', async () => {
    assert.ok(await store.insert(consent('c1')));
    assert.equal(await store.insert(consent('c2')), undefined, 'same processing, still open');
    assert.ok(await store.insert(consent('c3', { purpose: 'statistics' })));
    assert.equal((await store.findOpen({ personId: 'lea', consumerDid: 'did:web:ag', providerDid: 'did:web:tb', datasetId: 'urn:uuid:ds', purpose: 'guidance' }))?.id, 'c1');
    assert.deepEqual((await store.listByPerson('lea')).map((r) => r.id).sort(), ['c1', 'c3']);
    assert.deepEqual(await store.listByPerson('bob'), []);
  });

  it('applies a change only at the version read (compare-and-set), with its receipt', async () => {
    const row = (await store.get('c1'))!;
    const patch = { status: 'granted' as const, record: row.record as NewConsent['record'], expiresAt: new Date('2026-05-02T10:00:00.000Z'), pendingNotice: null, receipt: { seq: 1, jws: 'a.b.c', hash: `sha256:${'e'.repeat(64)}` }, at };
    assert.equal(await d.db.transaction().execute((tx) => store.update(tx, 'c1', row.version, patch)), true);
    assert.equal(await d.db.transaction().execute((tx) => store.update(tx, 'c1', row.version, { ...patch, status: 'refused' })), false, 'a stale version changes nothing');
    const now = (await store.get('c1'))!;
    assert.deepEqual([now.status, now.version, now.receipt_seq, now.last_receipt_hash], ['granted', row.version + 1, 1, patch.receipt.hash]);
    assert.deepEqual((await store.receipts('c1')).map((r) => [r.seq, r.state]), [[1, 'granted']]);
    assert.deepEqual(await store.dueForExpiry(new Date('2026-05-02T09:59:59.000Z'), 10), []);
    assert.deepEqual(await store.dueForExpiry(new Date('2026-05-02T10:00:00.000Z'), 10), ['c1']);
    assert.deepEqual((await store.list({ partyDid: 'did:web:tb', limit: 10, offset: 0 })).total, 2);
    assert.deepEqual((await store.list({ partyDid: 'did:web:x', limit: 10, offset: 0 })).total, 0);
  });

  it('a party keeps the latest receipt of a consent from its intermediary only', async () => {
    const n = (over: Partial<PartyNotice>): PartyNotice => ({ consentId: 'c1', intermediaryDid: 'did:web:i', role: 'provider', providerDid: 'did:web:tb', consumerDid: 'did:web:ag', datasetId: 'urn:uuid:ds', purpose: 'guidance', status: 'granted', reconfirmationRequired: false, expiresAt: new Date('2026-05-02T10:00:00.000Z'), seq: 1, receipt: 'r1', at, ...over });
    assert.equal(await party.apply(n({})), true);
    assert.equal(await party.apply(n({ seq: 3, status: 'withdrawn', expiresAt: null, receipt: 'r3' })), true);
    assert.equal(await party.apply(n({ seq: 2, status: 'granted', receipt: 'r2' })), false, 'older than what is held');
    assert.equal(await party.apply(n({ seq: 4, status: 'granted', intermediaryDid: 'did:web:mallory', receipt: 'r4' })), false, 'another intermediary cannot take it over');
    assert.deepEqual([(await party.get('c1'))?.status, (await party.get('c1'))?.receipt], ['withdrawn', 'r3']);
    await party.apply(n({ consentId: 'c2', expiresAt: new Date('2026-05-01T11:00:00.000Z') }));
    assert.deepEqual(await party.expireDue(new Date('2026-05-01T11:00:00.000Z')), ['c2']);
    assert.deepEqual(await party.expireDue(new Date('2026-05-01T11:00:00.000Z')), [], 'once');
    assert.equal((await party.list({ partyDid: 'did:web:ag', limit: 10, offset: 0 })).total, 2);
  });
});
