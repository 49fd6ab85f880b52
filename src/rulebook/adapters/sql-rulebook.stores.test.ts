import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import type { RulebookDocument } from '../domain/rulebook.js';
import { SqlEcosystemStore } from './sql-ecosystem.store.js';
import { SqlMembershipStore } from './sql-membership.store.js';
import { SqlParticipationStore } from './sql-participation.store.js';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const doc = (id: string, version: number): RulebookDocument => ({
  type: 'EcosystemRulebook',
  ecosystem: id,
  orchestrator: 'did:web:lab.example',
  version,
  title: `v${version}`,
  issued: at(version).toISOString(),
  roles: [{ id: 'orchestrator', title: 'Lab', requiredRegistryRoles: [] }],
  obligations: [{ role: 'orchestrator', policy: { '@type': 'Set', permission: [{ action: 'use', constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: 1.5 }] }] } }],
  participation: { mode: 'invitation-only' },
});

forEachEngine('rulebook stores', (engine) => {
  let database: Database;
  let ecosystems: SqlEcosystemStore;
  let participation: SqlParticipationStore;
  let memberships: SqlMembershipStore;
  const E1 = '00000000-0000-4000-8000-0000000000e1';
  const E2 = '00000000-0000-4000-8000-0000000000e2';

  before(async () => {
    database = await openTestDatabase(engine);
    ecosystems = new SqlEcosystemStore(database.db);
    participation = new SqlParticipationStore(database.db);
    memberships = new SqlMembershipStore(database.db);
  });
  after(() => database?.close());

  it('keeps ecosystems with their versions, immutable and read back as stored', async () => {
    await ecosystems.transaction(async (s) => {
      await s.insertEcosystem({ id: E1, orchestrator: 'did:web:lab.example', title: 'v1', version: 1, hash: 'sha256:1', at: at(1) });
      assert.equal(await s.insertVersion(E1, { version: 1, hash: 'sha256:1', document: doc(E1, 1), at: at(1) }), true);
    });
    assert.equal(await ecosystems.insertVersion(E1, { version: 1, hash: 'sha256:other', document: doc(E1, 9), at: at(5) }), false, 'a version is never replaced');
    await ecosystems.insertVersion(E1, { version: 2, hash: 'sha256:2', document: doc(E1, 2), at: at(2) });
    await ecosystems.setCurrent(E1, { version: 2, hash: 'sha256:2', title: 'v2', at: at(2) });
    await ecosystems.setContract(E1, { id: 'c1', versionHash: 'sha256:c' }, at(3));
    const e = await ecosystems.getEcosystem(E1);
    assert.deepEqual(e, { id: E1, orchestrator: 'did:web:lab.example', title: 'v2', version: 2, rulebookHash: 'sha256:2', contract: { id: 'c1', versionHash: 'sha256:c' }, createdAt: at(1).toISOString(), updatedAt: at(3).toISOString() });
    assert.deepEqual((await ecosystems.version(E1, 1))?.document, doc(E1, 1), 'jsonb round trip, numbers included');
    assert.deepEqual((await ecosystems.versions(E1)).map((v) => [v.version, v.hash]), [[1, 'sha256:1'], [2, 'sha256:2']]);
    await ecosystems.insertEcosystem({ id: E2, orchestrator: 'did:web:other.example', title: 'other', version: 1, hash: 'sha256:x', at: at(4) });
    assert.deepEqual((await ecosystems.listEcosystems({ orchestrator: 'did:web:lab.example', limit: 10, offset: 0 })).items.map((x) => x.id), [E1]);
    assert.equal((await ecosystems.listEcosystems({ limit: 1, offset: 0 })).total, 2);
    assert.equal(await ecosystems.getEcosystem('00000000-0000-4000-8000-000000000000'), undefined);
  });

  it('keeps members, their accepted version and departure', async () => {
    const m = { did: 'did:web:tool.example', role: 'data-provider', status: 'active' as const, acceptedVersion: 1, acceptedHash: 'sha256:1', signature: 'jws1', joinedAt: at(2).toISOString(), acceptedAt: at(2).toISOString() };
    await ecosystems.putMember(E1, m);
    await ecosystems.setAccepted(E1, m.did, { version: 2, hash: 'sha256:2', signature: 'jws2', at: at(3) });
    assert.deepEqual(await ecosystems.member(E1, m.did), { ...m, acceptedVersion: 2, acceptedHash: 'sha256:2', signature: 'jws2', acceptedAt: at(3).toISOString() });
    await ecosystems.markLeft(E1, m.did, 'done', at(4));
    assert.deepEqual(await ecosystems.members(E1, { status: 'active' }), []);
    const left = await ecosystems.member(E1, m.did);
    assert.deepEqual([left?.status, left?.leftAt, left?.leftReason], ['left', at(4).toISOString(), 'done']);
    await ecosystems.putMember(E1, m);
    assert.deepEqual(await ecosystems.member(E1, m.did), m, 'joining again clears the departure');
  });

  it('keeps one pending invitation and one pending join request per participant', async () => {
    const inv = { id: 'i1', ecosystemId: E1, participant: 'did:web:a.example', role: 'data-provider', status: 'pending' as const, createdAt: at(5).toISOString() };
    await participation.insertInvitation(inv);
    await assert.rejects(participation.insertInvitation({ ...inv, id: 'i2' }), 'a second pending invitation is refused by the database');
    await participation.updateInvitation('i1', { delivered: true }, at(6));
    assert.deepEqual(await participation.pendingInvitation(E1, inv.participant), { ...inv, delivered: true, updatedAt: at(6).toISOString() });
    await participation.updateInvitation('i1', { status: 'undeliverable', lastError: '404' }, at(7));
    await participation.insertInvitation({ ...inv, id: 'i2' });
    assert.deepEqual((await participation.invitations(E1, { limit: 10, offset: 0, status: 'undeliverable' })).items.map((i) => [i.id, i.lastError]), [['i1', '404']]);
    assert.deepEqual((await participation.pendingInvitations(E1)).map((i) => i.id), ['i2']);

    const jr = { id: 'r1', ecosystemId: E1, participant: 'did:web:b.example', role: 'data-consumer', message: 'hello', version: 2, hash: 'sha256:2', signature: 'jws', status: 'pending' as const, createdAt: at(8).toISOString() };
    await participation.insertJoinRequest(jr);
    await assert.rejects(participation.insertJoinRequest({ ...jr, id: 'r2' }));
    assert.deepEqual(await participation.pendingJoinRequest(E1, jr.participant), jr);
    await participation.decideJoinRequest('r1', 'refused', 'no room', at(9));
    assert.deepEqual(await participation.joinRequest('r1'), { ...jr, status: 'refused', reason: 'no room', decidedAt: at(9).toISOString() });
    assert.equal((await participation.joinRequests(E1, { limit: 10, offset: 0, status: 'pending' })).total, 0);
  });

  it("keeps this node's memberships, read with their ecosystem's newest version", async () => {
    await memberships.put(E2, { role: 'data-consumer', status: 'invited', invitationId: 'inv-9' }, at(10));
    const m = await memberships.byInvitation('inv-9');
    assert.deepEqual(m, { ecosystemId: E2, orchestrator: 'did:web:other.example', title: 'other', role: 'data-consumer', status: 'invited', invitationId: 'inv-9', latestVersion: 1, latestHash: 'sha256:x', createdAt: at(10).toISOString(), updatedAt: at(10).toISOString() });
    await database.db.transaction().execute(async (tx) => {
      const s = memberships.with(tx);
      assert.equal((await s.get(E2, { lock: true }))?.status, 'invited');
      await s.update(E2, { status: 'accepting', signedVersion: 1, lastError: 'x' }, at(11));
    });
    await memberships.update(E2, { status: 'active', acceptedVersion: 1, lastError: null }, at(12));
    const active = await memberships.get(E2);
    assert.deepEqual([active?.status, active?.signedVersion, active?.acceptedVersion, active?.lastError, active?.createdAt], ['active', 1, 1, undefined, at(10).toISOString()]);
    assert.deepEqual((await memberships.list({ invited: true, status: 'active', limit: 10, offset: 0 })).total, 1);
    assert.deepEqual((await memberships.list({ status: 'invited', limit: 10, offset: 0 })).items, []);
    await memberships.put(E2, { role: 'data-provider', status: 'requested', requestId: 'r9', signedVersion: 1 }, at(13));
    const again = await memberships.get(E2);
    assert.deepEqual([again?.status, again?.invitationId, again?.requestId, again?.acceptedVersion, again?.createdAt], ['requested', undefined, 'r9', undefined, at(10).toISOString()]);
  });
});
