import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database, DB } from '../../db/index.js';
import { canonicalJson } from '../../kernel/index.js';
import { amend, bilateralFromAgreement, hashOf, requiredParties, type ContractDocument } from '../domain/contract-document.js';
import { ecosystem } from '../testing/fixtures.js';
import { SqlContractStore } from './sql-contract.store.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const jwk = { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' };

forEachEngine('SqlContractStore', (engine) => {
  let database: Database;
  let store: SqlContractStore;
  const eco = ecosystem();
  const bil = bilateralFromAgreement({ agreement: { '@id': 'urn:uuid:agreement-1', permission: [] }, providerDid: 'did:web:a.example', consumerDid: 'did:web:b.example', offerId: 'urn:uuid:offer-1' });
  const tx = <T>(fn: (t: Kysely<DB>) => Promise<T>) => database.db.transaction().execute(fn);
  const put = (doc: ContractDocument, now: Date) =>
    tx(async (t) => {
      if (doc.version === 1) await store.insertContract(t, { id: doc.id, kind: doc.type === 'BilateralContract' ? 'bilateral' : 'ecosystem', title: 't', agreementId: doc.type === 'BilateralContract' ? (doc.agreementId ?? null) : null, latestHash: hashOf(doc), now });
      await store.insertVersion(t, { hash: hashOf(doc), document: doc, canonical: canonicalJson(doc), parties: requiredParties(doc), now });
    });

  before(async () => {
    database = await openTestDatabase(engine);
    store = new SqlContractStore(database.db);
  });
  after(() => database.close());

  it('stores contracts, versions, parties and signatures and reads them back', async () => {
    await put(eco, t0);
    await put(bil, at(1));
    await tx(async (t) => {
      await store.insertSignature(t, hashOf(eco), { signer: 'did:web:b.example', jws: 'b.jws', kid: 'did:web:b.example#k', publicKeyJwk: jwk, signedAt: at(2) }, at(2));
      await store.insertSignature(t, hashOf(eco), { signer: 'did:web:a.example', jws: 'a.jws', kid: 'did:web:a.example#k', publicKeyJwk: jwk, signedAt: at(1) }, at(2));
    });
    const v = await store.version(hashOf(eco));
    assert.deepEqual(v?.document, eco);
    assert.deepEqual([v?.version, v?.status, v?.proposer, v?.previousHash], [1, 'pending', 'did:web:a.example', null]);
    assert.deepEqual(v?.parties.map((p) => p.role), ['orchestrator', 'data-provider', 'data-consumer']);
    assert.deepEqual(v?.signatures.map((s) => [s.signer, s.jws, s.signedAt.toISOString()]), [
      ['did:web:a.example', 'a.jws', at(1).toISOString()],
      ['did:web:b.example', 'b.jws', at(2).toISOString()],
    ]);
    assert.deepEqual(v?.signatures[0]?.publicKeyJwk, jwk);
    assert.equal((await store.versionNumbered(eco.id, 1))?.hash, hashOf(eco));
    assert.equal((await store.byAgreement('urn:uuid:agreement-1'))?.id, bil.id);
    assert.equal(await store.byAgreement('urn:uuid:nothing'), undefined);
    const again = await tx((t) => store.insertContract(t, { id: eco.id, kind: 'ecosystem', title: 'other', agreementId: null, latestHash: hashOf(eco), now: at(9) }));
    assert.equal(again, false, 'an existing contract is left as it is');
    assert.equal((await store.get(eco.id))?.title, 't');
  });

  it('lists with filters by status, kind and party, newest change first', async () => {
    await tx(async (t) => {
      await store.setVersionStatus(t, hashOf(bil), 'active', at(3));
      await store.updateContract(t, bil.id, { status: 'active', currentHash: hashOf(bil), now: at(3) });
    });
    const all = await store.list({ limit: 10, offset: 0 });
    assert.deepEqual([all.total, all.items.map((c) => c.id)], [2, [bil.id, eco.id]]);
    assert.deepEqual((await store.list({ status: 'active', limit: 10, offset: 0 })).items.map((c) => c.id), [bil.id]);
    assert.deepEqual((await store.list({ kind: 'ecosystem', limit: 10, offset: 0 })).items.map((c) => c.id), [eco.id]);
    assert.deepEqual((await store.list({ party: 'did:web:c.example', limit: 10, offset: 0 })).items.map((c) => c.id), [eco.id]);
    assert.deepEqual((await store.list({ party: 'did:web:a.example', limit: 1, offset: 1 })).items.map((c) => c.id), [eco.id]);
    const c = await store.get(bil.id);
    assert.deepEqual([c?.status, c?.currentHash, c?.updatedAt.toISOString(), c?.ended], ['active', hashOf(bil), at(3).toISOString(), null]);
  });

  it('keeps what was signed write-once: documents, signatures, parties and notices cannot change or disappear', async () => {
    const refused = async (what: string, q: () => Promise<unknown>) => {
      await assert.rejects(q(), /immutable/, what);
    };
    await refused('document', () => database.db.updateTable('contract_versions').set({ document: JSON.stringify({ ...eco, title: 'x' }) }).where('hash', '=', hashOf(eco)).execute());
    await refused('canonical', () => database.db.updateTable('contract_versions').set({ canonical: '{}' }).where('hash', '=', hashOf(eco)).execute());
    await refused('version delete', () => database.db.deleteFrom('contract_versions').where('hash', '=', hashOf(eco)).execute());
    await refused('signature', () => database.db.updateTable('contract_signatures').set({ jws: 'forged' }).where('version_hash', '=', hashOf(eco)).execute());
    await refused('signature delete', () => database.db.deleteFrom('contract_signatures').where('version_hash', '=', hashOf(eco)).execute());
    await refused('party', () => database.db.updateTable('contract_parties').set({ role: 'x' }).where('version_hash', '=', hashOf(eco)).execute());
    assert.equal((await store.version(hashOf(eco)))?.signatures.length, 2);
    // The status of a version is not part of what was signed.
    await tx((t) => store.setVersionStatus(t, hashOf(eco), 'revoked'));
    assert.equal((await store.version(hashOf(eco)))?.status, 'revoked');
  });

  it('refuses a second document under a used version number, and an unknown previous version', async () => {
    const next = amend(bil, { purpose: 'research' }, { proposer: bil.provider, createdAt: at(5).toISOString() });
    assert.ok(next.ok);
    await put(next.value, at(5));
    assert.equal((await store.version(hashOf(next.value)))?.previousHash, hashOf(bil));
    const rival = amend(bil, { purpose: 'guidance' }, { proposer: bil.provider, createdAt: at(6).toISOString() });
    assert.ok(rival.ok);
    await assert.rejects(put(rival.value, at(6)), /unique|duplicate/i);
    const orphan = { ...rival.value, version: 3, previousVersion: `sha256:${'0'.repeat(64)}` };
    await assert.rejects(put(orphan, at(6)), /foreign key|violates/i);
    assert.deepEqual((await store.versions(bil.id)).map((v) => v.version), [1, 2], 'nothing half-written');
  });

  it('stores notices once per signer and action, and locks a contract row for a transaction', async () => {
    const notice = { contractId: bil.id, versionHash: hashOf(bil), signer: bil.consumer, action: 'revoke' as const, reason: 'r', jws: 'n.jws', kid: `${bil.consumer}#k`, publicKeyJwk: jwk, issuedAt: at(7) };
    await tx(async (t) => {
      await store.insertNotice(t, notice, at(7));
      await store.insertNotice(t, { ...notice, jws: 'again' }, at(8));
      await store.updateContract(t, bil.id, { status: 'revoked', ended: { by: bil.consumer, reason: 'r', at: at(7) }, now: at(7) });
    });
    assert.deepEqual((await store.notices(bil.id)).map((n) => [n.signer, n.action, n.jws]), [[bil.consumer, 'revoke', 'n.jws']]);
    const locked = await tx((t) => store.lock(t, bil.id));
    assert.deepEqual(locked?.ended, { by: bil.consumer, reason: 'r', at: at(7) });
    assert.equal(await tx((t) => store.lock(t, 'urn:uuid:none')), undefined);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from contract_versions`.execute(database.db);
    assert.equal(rows[0]?.n, 3);
  });
  it('writes a new signed contract in one statement, and nothing when its id or agreement is taken', async () => {
    const doc = bilateralFromAgreement({ agreement: { '@id': 'urn:uuid:agreement-2', permission: [] }, providerDid: 'did:web:a.example', consumerDid: 'did:web:b.example', offerId: 'urn:uuid:offer-2' });
    const sig = (signer: string) => ({ signer, jws: `${signer}.jws`, kid: `${signer}#k`, publicKeyJwk: jwk, signedAt: at(2) });
    const row = (d: ContractDocument) => ({
      document: d,
      hash: hashOf(d),
      canonical: canonicalJson(d),
      kind: 'bilateral' as const,
      title: 't2',
      agreementId: d.type === 'BilateralContract' ? (d.agreementId ?? null) : null,
      parties: requiredParties(d),
      signatures: [sig('did:web:a.example'), sig('did:web:b.example')],
      status: 'active' as const,
      versionStatus: 'active' as const,
      now: at(3),
    });
    assert.equal(await tx((t) => store.insertSigned(t, row(doc))), true);
    const c = await store.get(doc.id);
    assert.deepEqual([c?.status, c?.currentHash, c?.latestHash, c?.agreementId, c?.title], ['active', hashOf(doc), hashOf(doc), 'urn:uuid:agreement-2', 't2']);
    const v = await store.version(hashOf(doc));
    assert.deepEqual([v?.status, v?.activatedAt?.toISOString(), v?.document], ['active', at(3).toISOString(), doc]);
    assert.deepEqual(v?.signatures.map((s) => [s.signer, s.jws, s.kid, s.publicKeyJwk, s.signedAt.toISOString()]), [
      ['did:web:a.example', 'did:web:a.example.jws', 'did:web:a.example#k', jwk, at(2).toISOString()],
      ['did:web:b.example', 'did:web:b.example.jws', 'did:web:b.example#k', jwk, at(2).toISOString()],
    ]);
    const parties = await database.db.selectFrom('contract_parties').select(['did', 'role']).where('version_hash', '=', hashOf(doc)).orderBy('did').execute();
    assert.deepEqual(parties, [{ did: 'did:web:a.example', role: 'provider' }, { did: 'did:web:b.example', role: 'consumer' }]);

    // The same contract id again, and another contract for an agreement already backed: nothing is written.
    const other = { ...doc, purpose: 'research' };
    assert.equal(await tx((t) => store.insertSigned(t, row(other))), false);
    const sameAgreement = { ...doc, id: 'urn:dases:contract:other' };
    assert.equal(await tx((t) => store.insertSigned(t, row(sameAgreement))), false);
    assert.equal(await store.version(hashOf(other)), undefined);
    assert.equal(await store.get(sameAgreement.id), undefined);
    assert.equal(await store.version(hashOf(sameAgreement)), undefined);
  });
});
