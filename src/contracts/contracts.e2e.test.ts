import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import { verifyContractFile } from './index.js';
import { startContractNode, trustEachOther, type ContractNode } from './testing/contract-nodes.js';

const clock = new ManualClock(new Date());
const RULEBOOK = `sha256:${'ab'.repeat(32)}`;

interface View {
  status: string;
  currentVersion?: string;
  latestVersion: string;
  ended?: { by: string; reason: string };
  versions: Array<{ hash: string; status: string; parties: Array<{ did: string; signed: boolean }> }>;
  notices: Array<{ signer: string; action: string }>;
}

forEachEngine('multi-party contracts across three nodes', (engine) => {
  let a: ContractNode, b: ContractNode, c: ContractNode;
  let id: string;
  let v1: string;
  let v2: string;
  const view = async (n: ContractNode): Promise<View | undefined> => {
    const r = await n.api('GET', `/api/v1/contracts/${encodeURIComponent(id)}`);
    return r.status === 200 ? (r.body as View) : undefined;
  };
  const until = (n: ContractNode, what: string, test: (v: View) => boolean) => pollUntil(async () => {
    const v = await view(n);
    return v && test(v) ? v : undefined;
  }, { what: `${n.name}: ${what}` });
  const sign = (n: ContractNode, hash: string) => n.api('POST', `/api/v1/contracts/${encodeURIComponent(id)}/sign`, { versionHash: hash });
  const logged = async (n: ContractNode, type: string) => (await n.ledger.entries({ type })).filter((e) => e.subject === id).map((e) => e.payload);

  before(async () => {
    [a, b, c] = await startAll([startContractNode('a', engine, clock), startContractNode('b', engine, clock), startContractNode('c', engine, clock)]);
    await trustEachOther([a, b, c]);
  });
  after(async () => {
    for (const n of [a, b, c]) await n?.close();
  });

  it('the hub proposes an ecosystem contract; every member signs; each node activates once it holds all signatures', async () => {
    const members = [
      { did: a.did, role: 'orchestrator', offerings: [], policies: [] },
      { did: b.did, role: 'data-provider', offerings: ['urn:uuid:offering-b'], policies: [{ '@type': 'Offer', permission: [{ action: 'use' }] }] },
      { did: c.did, role: 'data-consumer', offerings: [], policies: [] },
    ];
    const res = await a.api('POST', '/api/v1/contracts/ecosystem', { ecosystemId: 'urn:uuid:impact-study', title: 'Impact study', members, rulebookHash: RULEBOOK });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ({ contractId: id, versionHash: v1 } = res.body);

    for (const n of [b, c]) {
      const got = await until(n, 'the proposal', (v) => v.latestVersion === v1);
      assert.equal(got.status, 'pending');
      assert.deepEqual(got.versions[0]?.parties.map((p) => p.signed), [true, false, false], 'the hub signed its proposal');
    }
    const early = await sign(b, v1);
    assert.deepEqual([early.status, early.body.status], [200, 'pending']);
    await until(a, "B's signature", (v) => v.versions[0]?.parties[1]?.signed === true);
    await until(c, "B's signature, distributed by the hub", (v) => v.versions[0]?.parties[1]?.signed === true);
    assert.equal((await view(a))?.status, 'pending', 'not active before every member signed');

    const last = await sign(c, v1);
    assert.deepEqual([last.status, last.body.status], [200, 'active'], 'C holds every signature once it signs');
    for (const n of [a, b, c]) {
      const v = await until(n, 'activation', (x) => x.status === 'active');
      assert.equal(v.currentVersion, v1);
    }
    for (const n of [a, b, c]) {
      assert.deepEqual((await logged(n, 'contract.signed')).map((p) => p.signer).sort(), [a.did, b.did, c.did].sort(), `${n.name} logged every signature`);
      assert.deepEqual(await logged(n, 'contract.activated'), [{ versionHash: v1, version: 1 }]);
      assert.equal((await logged(n, 'contract.proposed')).length, 1);
    }
    assert.deepEqual((await sign(b, v1)).body.code, 'DS_CONTRACT_ILLEGAL_TRANSITION', 'an active version takes no more signatures');
  });

  it('gives a contract file that verifies offline, binding each key to its DID document', async () => {
    const file = (await b.api('GET', `/api/v1/contracts/${encodeURIComponent(id)}/file`)).body;
    assert.equal(file.versionHash, v1);
    const docs = await Promise.all([a, b, c].map((n) => n.identity.didDocument()));
    const report = await verifyContractFile(JSON.parse(JSON.stringify(file)), { didDocuments: docs });
    assert.deepEqual([report.valid, report.status, report.problems], [true, 'active', []]);
    assert.deepEqual(report.parties.map((p) => p.binding), ['did-document', 'did-document', 'did-document']);
  });

  it('an amendment needs new signatures; the version in force stays until it is active, then is superseded', async () => {
    const res = await a.api('POST', `/api/v1/contracts/${encodeURIComponent(id)}/amend`, { title: 'Impact study (extended)', rulebookHash: `sha256:${'cd'.repeat(32)}` });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    v2 = res.body.versionHash;
    assert.notEqual(v2, v1);
    for (const n of [b, c]) {
      const v = await until(n, 'the amendment', (x) => x.latestVersion === v2);
      assert.deepEqual([v.status, v.currentVersion], ['active', v1], 'version 1 stays in force');
    }
    assert.equal((await a.api('POST', `/api/v1/contracts/${encodeURIComponent(id)}/amend`, { title: 'again' })).body.code, 'DS_CONTRACT_ILLEGAL_TRANSITION', 'one amendment at a time');
    assert.equal((await sign(b, v2)).status, 200);
    assert.equal((await sign(c, v2)).status, 200);
    for (const n of [a, b, c]) {
      const v = await until(n, 'the amendment in force', (x) => x.currentVersion === v2);
      assert.deepEqual(v.versions.map((x) => [x.hash, x.status]), [[v1, 'superseded'], [v2, 'active']]);
      assert.deepEqual(await logged(n, 'contract.superseded'), [{ versionHash: v1, by: v2 }]);
      assert.equal((await logged(n, 'contract.amended'))[0]?.previousVersion, v1);
    }
  });

  it('refuses to rewrite a version that exists: a different document under a used number is a conflict', async () => {
    const current = (await a.contracts.get(id))!.versions[1]!.document as Record<string, unknown>;
    const token = await b.identity.tokens.sign(a.did);
    const forged = { ...current, title: 'Rewritten after signature', proposer: b.did };
    const res = await fetch(`${a.url}/dsp/contracts/proposals`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ document: forged, signatures: [] }) });
    const body = (await res.json()) as { code: string; errors: Array<{ path: string }>; '@type': string };
    assert.deepEqual([res.status, body.code, body.errors[0]?.path, body['@type']], [409, 'DS_CONTRACT_VERSION_CONFLICT', '/body/document/version', 'ContractError']);
    assert.equal((await view(a))?.versions.length, 2, 'nothing written');
  });

  it('a revocation by one member is signed, propagated, verified and applied by every node', async () => {
    const res = await c.api('POST', `/api/v1/contracts/${encodeURIComponent(id)}/revoke`, { reason: 'consent withdrawn by the learners' });
    assert.deepEqual([res.status, res.body.status, res.body.versionHash], [200, 'revoked', v2]);
    for (const n of [a, b, c]) {
      const v = await until(n, 'the revocation', (x) => x.status === 'revoked');
      assert.deepEqual(v.ended && [v.ended.by, v.ended.reason], [c.did, 'consent withdrawn by the learners']);
      assert.deepEqual(v.versions.map((x) => x.status), ['superseded', 'revoked']);
      assert.deepEqual((await logged(n, 'contract.revoked')).map((p) => [p.by, p.versionHash]), [[c.did, v2]]);
    }
    const file = (await a.api('GET', `/api/v1/contracts/${encodeURIComponent(id)}/file`)).body;
    const report = await verifyContractFile(file);
    assert.deepEqual([report.valid, report.status, report.notices.map((x) => x.signer)], [true, 'revoked', [c.did]]);
    assert.equal((await b.api('POST', `/api/v1/contracts/${encodeURIComponent(id)}/terminate`, { reason: 'too late' })).body.code, 'DS_CONTRACT_ILLEGAL_TRANSITION');
    assert.equal((await a.api('POST', `/api/v1/contracts/${encodeURIComponent(id)}/amend`, { title: 'x' })).body.code, 'DS_CONTRACT_ILLEGAL_TRANSITION');
  });

  it('a negotiated agreement becomes a bilateral contract signed on both sides; once revoked it backs nothing', async () => {
    const agreement = { '@id': `urn:uuid:${crypto.randomUUID()}`, '@type': 'Agreement', assigner: a.did, assignee: b.did, target: 'urn:uuid:ds-1', timestamp: clock.now().toISOString(), permission: [{ action: 'use' }] };
    const input = { agreement, providerDid: a.did, consumerDid: b.did, offerId: 'urn:uuid:offer-1', purpose: 'research' };
    const onA = a.contracts.bilateralFromAgreement(input);
    const onB = b.contracts.bilateralFromAgreement(JSON.parse(JSON.stringify(input)));
    assert.equal(a.contracts.hashOf(onA), b.contracts.hashOf(onB));
    const sigA = await a.contracts.sign(onA);
    const sigB = await b.contracts.sign(onB);
    await b.contracts.verifySignature(onB, sigA, a.did);
    await a.contracts.verifySignature(onA, sigB, b.did);
    await assert.rejects(a.contracts.verifySignature(onA, sigB, a.did), (e: { code?: string }) => e.code === 'DS_CONTRACT_SIGNATURE_INVALID');
    await assert.rejects(c.contracts.sign(onA), (e: { code?: string }) => e.code === 'DS_CONTRACT_NOT_A_PARTY');
    const intruder = await c.identity.signer.sign({ contractId: onA.id, versionHash: a.contracts.hashOf(onA), signer: c.did, signedAt: clock.now().toISOString() }, 'dases-contract-signature+jwt');
    await assert.rejects(a.contracts.verifySignature(onA, intruder, c.did), /not a party/);
    await assert.rejects(a.database.db.transaction().execute((tx) => a.contracts.recordSigned(tx, onA, [sigA, intruder])), (e: { code?: string }) => e.code === 'DS_CONTRACT_SIGNATURE_INVALID');
    assert.equal(await a.contracts.statusOfAgreement(agreement['@id']), undefined, 'nothing half-written');

    const half = await a.database.db.transaction().execute((tx) => a.contracts.recordSigned(tx, onA, [sigA]));
    assert.equal(half.status, 'pending');
    await assert.rejects(a.contracts.assertAgreementUsable(agreement['@id']), (e: { code?: string; message: string }) => e.code === 'DS_CONTRACT_NOT_ACTIVE' && /pending/.test(e.message));
    const full = await a.database.db.transaction().execute((tx) => a.contracts.recordSigned(tx, onA, [sigA, sigB]));
    const onBRecorded = await b.database.db.transaction().execute((tx) => b.contracts.recordSigned(tx, onB, [sigB, sigA]));
    assert.deepEqual([full.status, onBRecorded.status, full.versionHash], ['active', 'active', onBRecorded.versionHash]);
    // B, new to the contract, wrote it at once (one statement, one log append); A step by step: same records.
    const recorded = async (n: ContractNode) => {
      const got = (await n.contracts.get(full.contractId))!;
      const entries = (await n.ledger.entries({ limit: 1000 })).filter((e) => e.subject === full.contractId);
      return {
        contract: [got.status, got.currentVersion, got.latestVersion, got.agreementId, got.title],
        versions: got.versions.map((v) => [v.hash, v.status, v.activatedAt !== undefined, v.parties.map((p) => [p.did, p.role, p.signed]), [...v.signatures].sort()]),
        log: entries.map((e) => JSON.stringify([e.type, e.payload])).sort(),
      };
    };
    const [onAView, onBView] = await Promise.all([recorded(a), recorded(b)]);
    assert.deepEqual(onBView, onAView);
    assert.deepEqual(onBView.log.map((l) => JSON.parse(l)[0]).sort(), ['contract.activated', 'contract.proposed', 'contract.signed', 'contract.signed']);
    assert.equal((await verifyContractFile(await b.contracts.file(full.contractId))).valid, true);
    await a.contracts.assertAgreementUsable(agreement['@id']);
    const again = await a.database.db.transaction().execute((tx) => a.contracts.recordSigned(tx, onA, [sigA, sigB]));
    assert.equal(again.status, 'active', 'recording again is harmless');
    const edited = a.contracts.bilateralFromAgreement({ ...input, purpose: 'guidance' });
    const editedSig = await a.contracts.sign(edited);
    await assert.rejects(
      a.database.db.transaction().execute((tx) => a.contracts.recordSigned(tx, edited, [editedSig])),
      (e: { code?: string; status?: number }) => e.code === 'DS_CONTRACT_VERSION_CONFLICT' && e.status === 409,
      'a signed version cannot be edited',
    );

    const revoked = await b.contracts.revoke(full.contractId, 'the consumer withdraws');
    assert.equal(revoked.status, 'revoked');
    await pollUntil(async () => (await a.contracts.statusOfAgreement(agreement['@id'])) === 'revoked', { what: 'A to apply the revocation' });
    await assert.rejects(a.contracts.assertAgreementUsable(agreement['@id']), (e: { code?: string; errors?: Array<{ message: string }> }) => e.code === 'DS_CONTRACT_NOT_ACTIVE' && e.errors?.[0]?.message === 'revoked');
    await assert.rejects(a.contracts.assertAgreementUsable('urn:uuid:never-agreed'), (e: { code?: string }) => e.code === 'DS_CONTRACT_NOT_ACTIVE');
  });

  it('a bilateral contract proposed by the provider, signed by the consumer, then terminated by the provider', async () => {
    const res = await a.api('POST', '/api/v1/contracts', { counterParty: c.did, role: 'provider', offerId: 'urn:uuid:offer-2', policy: { permission: [{ action: 'use' }] }, purpose: 'guidance' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { contractId, versionHash } = res.body as { contractId: string; versionHash: string };
    const path = `/api/v1/contracts/${encodeURIComponent(contractId)}`;
    await pollUntil(async () => (await c.api('GET', path)).status === 200, { what: 'C to receive the proposal' });
    assert.equal((await c.api('POST', `${path}/sign`, { versionHash })).body.status, 'active');
    await pollUntil(async () => (await a.api('GET', path)).body.status === 'active', { what: 'A to activate' });
    assert.equal((await b.api('GET', path)).status, 404, 'B is no party and never heard of it');
    const ended = await a.api('POST', `${path}/terminate`, { reason: 'the study is over' });
    assert.deepEqual([ended.status, ended.body.status], [200, 'terminated']);
    await pollUntil(async () => (await c.api('GET', path)).body.status === 'terminated', { what: 'C to apply the termination' });
    for (const n of [a, c]) {
      const entries = (await n.ledger.entries({ type: 'contract.terminated' })).filter((e) => e.subject === contractId);
      assert.deepEqual(entries.map((e) => [e.payload.by, e.payload.reason]), [[a.did, 'the study is over']]);
    }
    const report = await verifyContractFile((await c.api('GET', `${path}/file`)).body);
    assert.deepEqual([report.valid, report.status, report.parties.map((p) => p.role)], [true, 'terminated', ['provider', 'consumer']]);
  });
});
