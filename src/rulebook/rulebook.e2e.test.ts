import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { findVerificationMethod } from '../identity/index.js';
import { rulebookHash, verifyAcceptance, type RulebookDocument } from './index.js';
import { impactStudyRulebook, startRulebookNode, trustEachOther, type RulebookNode } from './testing/rulebook-nodes.js';

/**
 * An impact study between real nodes on loopback: a lab orchestrates, two edtech tools join (one invited, one
 * asking), an analyst without the provider role is refused, a new rulebook version is accepted again, and the
 * multi-party contract is proposed through the contracts context.
 */
forEachEngine('ecosystems between nodes', (engine) => {
  let lab: RulebookNode;
  let toolA: RulebookNode;
  let toolB: RulebookNode;
  let analyst: RulebookNode;
  let id: string;
  const wait = <T>(what: string, check: () => Promise<T | undefined | false>) => pollUntil(check, { timeoutMs: 15_000, what });
  const membership = async (n: RulebookNode) => (await n.api('GET', `/api/v1/ecosystem-memberships/${id}`)).body;
  const members = async () => (await lab.api('GET', `/api/v1/ecosystems/${id}`)).body.members as Array<{ did: string; role: string; status: string; acceptedCurrent: boolean; acceptedVersion: number; signature: string }>;

  before(async () => {
    [lab, toolA, toolB, analyst] = await Promise.all([
      startRulebookNode('lab', engine, ['orchestrator', 'data-consumer']),
      startRulebookNode('tool-a', engine, ['data-provider']),
      startRulebookNode('tool-b', engine, ['data-provider', 'service-provider']),
      startRulebookNode('analyst', engine, ['data-consumer']),
    ]);
    await trustEachOther([lab, toolA, toolB, analyst]);
  });
  after(async () => {
    for (const n of [lab, toolA, toolB, analyst]) await n?.close();
  });

  it('creates the ecosystem: version 1 addressed by its hash, signed by the orchestrator, in the log', async () => {
    const res = await lab.api('POST', '/api/v1/ecosystems', { title: 'Impact study 2026', description: 'Five edtech tools', rulebook: impactStudyRulebook() });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    id = res.body.id;
    const detail = (await lab.api('GET', `/api/v1/ecosystems/${id}`)).body;
    const doc = detail.rulebook as RulebookDocument;
    assert.deepEqual([doc.ecosystem, doc.orchestrator, doc.version, doc.title, doc.description], [id, lab.did, 1, 'Impact study 2026', 'Five edtech tools']);
    assert.equal(detail.rulebookHash, rulebookHash(doc));
    assert.deepEqual(detail.members.map((m: { did: string; role: string }) => [m.did, m.role]), [[lab.did, 'orchestrator']]);
    assert.deepEqual((await lab.logged('ecosystem.created')).map((e) => [e.subject, e.payload.rulebookHash]), [[id, detail.rulebookHash]]);
    assert.deepEqual((await lab.logged('ecosystem.rulebook-published')).map((e) => e.payload.version), [1]);
  });

  it('invite → accept: the invitee signs the rulebook hash, the orchestrator verifies it against its DID document', async () => {
    const inv = await lab.api('POST', `/api/v1/ecosystems/${id}/invitations`, { participant: toolA.did, role: 'data-provider' });
    assert.equal(inv.status, 201, JSON.stringify(inv.body));
    const received = await wait('the invitation at tool A', async () => (await toolA.api('GET', '/api/v1/ecosystem-invitations')).body.items.find((i: { invitationId: string }) => i.invitationId === inv.body.id));
    assert.deepEqual([received.ecosystemId, received.orchestrator, received.role, received.status, received.latestVersion], [id, lab.did, 'data-provider', 'invited', 1]);
    const accepted = await toolA.api('POST', `/api/v1/ecosystem-invitations/${inv.body.id}/accept`);
    assert.deepEqual([accepted.status, accepted.body.status], [202, 'accepting']);
    await wait('tool A admitted', async () => (await membership(toolA)).status === 'active');
    assert.equal((await membership(toolA)).acceptedVersion, 1);
    const a = (await members()).find((m) => m.did === toolA.did)!;
    assert.deepEqual([a.role, a.status, a.acceptedCurrent], ['data-provider', 'active', true]);
    const key = findVerificationMethod(await toolA.identity.didDocument(), JSON.parse(Buffer.from(a.signature.split('.')[0]!, 'base64url').toString()).kid)!.publicKeyJwk!;
    const verified = await verifyAcceptance(a.signature, key);
    assert.ok(verified.ok);
    assert.deepEqual([verified.value.member, verified.value.rulebook, verified.value.role], [toolA.did, (await lab.api('GET', `/api/v1/ecosystems/${id}`)).body.rulebookHash, 'data-provider']);
    assert.deepEqual((await lab.logged('ecosystem.member-invited')).map((e) => e.payload.participant), [toolA.did]);
    assert.deepEqual((await lab.logged('ecosystem.member-joined')).map((e) => [e.payload.member, e.payload.signature]), [[toolA.did, a.signature]]);
    assert.deepEqual((await toolA.logged('ecosystem.rulebook-signed')).map((e) => e.payload.signature), [a.signature]);
    assert.deepEqual((await toolA.logged('ecosystem.member-joined')).map((e) => e.subject), [id]);
    const sent = (await lab.api('GET', `/api/v1/ecosystems/${id}/invitations`)).body.items;
    assert.deepEqual(sent.map((i: { status: string; delivered: boolean }) => [i.status, i.delivered]), [['accepted', true]]);
  });

  it('ask → approve: the requester signs the rulebook it read, the orchestrator admits it', async () => {
    const asked = await toolB.api('POST', '/api/v1/ecosystem-memberships', { orchestrator: lab.did, ecosystemId: id, role: 'data-provider', message: 'We run tool B' });
    assert.deepEqual([asked.status, asked.body.status, asked.body.signedVersion], [202, 'requested', 1], JSON.stringify(asked.body));
    const request = await wait('the request at the lab', async () => (await lab.api('GET', `/api/v1/ecosystems/${id}/join-requests?status=pending`)).body.items[0]);
    assert.deepEqual([request.participant, request.role, request.message, request.version], [toolB.did, 'data-provider', 'We run tool B', 1]);
    const approved = await lab.api('POST', `/api/v1/ecosystems/${id}/join-requests/${request.id}/approve`);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await wait('tool B admitted', async () => (await membership(toolB)).status === 'active');
    assert.deepEqual((await lab.logged('ecosystem.join-requested')).map((e) => e.payload.participant), [toolB.did]);
    assert.deepEqual((await lab.logged('ecosystem.member-joined')).map((e) => e.payload.member), [toolA.did, toolB.did]);
    const again = await lab.api('POST', `/api/v1/ecosystems/${id}/join-requests/${request.id}/approve`);
    assert.deepEqual([again.status, again.body.code], [409, 'DS_RULEBOOK_CONFLICT']);
  });

  it('refuses what the participation rules forbid: a provider role without the registry role, and a refused request', async () => {
    const invite = await lab.api('POST', `/api/v1/ecosystems/${id}/invitations`, { participant: analyst.did, role: 'data-provider' });
    assert.deepEqual([invite.status, invite.body.code, invite.body.errors[0].path], [422, 'DS_RULEBOOK_INELIGIBLE', '/body/participant']);
    const asked = await analyst.api('POST', '/api/v1/ecosystem-memberships', { orchestrator: lab.did, ecosystemId: id, role: 'data-provider' });
    assert.equal(asked.status, 202);
    const refused = await wait('the request refused by the lab', async () => {
      const m = await membership(analyst);
      return m.status === 'refused' && m;
    });
    assert.match(refused.lastError, /422.*DS_RULEBOOK_INELIGIBLE/);
    const consumer = await analyst.api('POST', '/api/v1/ecosystem-memberships', { orchestrator: lab.did, ecosystemId: id, role: 'data-consumer' });
    assert.equal(consumer.status, 202, JSON.stringify(consumer.body));
    const request = await wait('the second request', async () => (await lab.api('GET', `/api/v1/ecosystems/${id}/join-requests?status=pending`)).body.items[0]);
    assert.equal((await lab.api('POST', `/api/v1/ecosystems/${id}/join-requests/${request.id}/refuse`, { reason: 'analysts join next year' })).status, 200);
    const m = await wait('the refusal at the analyst', async () => (await membership(analyst)).status === 'refused' && (await membership(analyst)).lastError === 'analysts join next year');
    assert.ok(m);
    assert.deepEqual((await lab.logged('ecosystem.join-refused')).map((e) => e.payload.reason), ['analysts join next year']);
  });

  it('a new rulebook version must be accepted again before the ecosystem contract can be proposed', async () => {
    const published = await lab.api('POST', `/api/v1/ecosystems/${id}/rulebook`, { rulebook: { ...impactStudyRulebook(), participation: { mode: 'open-with-approval', maxMembers: 6 } } });
    assert.deepEqual([published.status, published.body.version], [201, 2]);
    for (const n of [toolA, toolB]) await wait(`version 2 at ${n.name}`, async () => (await membership(n)).latestVersion === 2);
    assert.deepEqual((await members()).map((m) => [m.did, m.acceptedCurrent]), [[lab.did, true], [toolA.did, false], [toolB.did, false]]);
    const early = await lab.api('POST', `/api/v1/ecosystems/${id}/contract`, {});
    assert.deepEqual([early.status, early.body.code], [409, 'DS_RULEBOOK_MEMBERS_NOT_READY']);
    const detail = await membership(toolA);
    assert.equal((detail.rulebook as RulebookDocument).previousVersion, (await lab.api('GET', `/api/v1/ecosystems/${id}/rulebook?version=1`)).body.hash);
    for (const n of [toolA, toolB]) assert.equal((await n.api('POST', `/api/v1/ecosystem-memberships/${id}/accept`)).status, 202);
    const inFlight = await toolB.api('POST', `/api/v1/ecosystem-memberships/${id}/accept`);
    assert.deepEqual([inFlight.status, inFlight.body.code], [409, 'DS_RULEBOOK_CONFLICT'], 'on its way, or accepted already');
    await wait('both re-accepted', async () => (await members()).every((m) => m.acceptedCurrent));
    await wait('tool A told of it', async () => (await membership(toolA)).acceptedVersion === 2);
    const twice = await toolA.api('POST', `/api/v1/ecosystem-memberships/${id}/accept`);
    assert.deepEqual([twice.status, twice.body.code, twice.body.detail], [409, 'DS_RULEBOOK_CONFLICT', '/params/id: version 2 is accepted already']);
    assert.deepEqual((await lab.logged('ecosystem.rulebook-accepted')).map((e) => e.payload.version), [2, 2]);

    const proposed = await lab.api('POST', `/api/v1/ecosystems/${id}/contract`, { offerings: [{ did: toolA.did, offerings: ['urn:uuid:offer-a'] }] });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const contract = await wait('the contract at tool A', async () => (await toolA.api('GET', `/api/v1/contracts/${proposed.body.contractId}`)).body?.id && (await toolA.api('GET', `/api/v1/contracts/${proposed.body.contractId}`)).body);
    assert.equal(contract.id, proposed.body.contractId);
    assert.deepEqual((await lab.logged('ecosystem.contract-proposed')).map((e) => [e.payload.contractId, e.payload.rulebookHash]), [[proposed.body.contractId, published.body.hash]]);
    assert.deepEqual((await lab.api('GET', `/api/v1/ecosystems/${id}`)).body.contract, { id: proposed.body.contractId, versionHash: proposed.body.versionHash });
  });

  it('a member leaves: both sides record it', async () => {
    const left = await toolB.api('POST', `/api/v1/ecosystem-memberships/${id}/leave`, { reason: 'study over for us' });
    assert.deepEqual([left.status, left.body.status], [202, 'left']);
    await wait('the departure at the lab', async () => (await members()).find((m) => m.did === toolB.did)?.status === 'left');
    assert.deepEqual((await lab.logged('ecosystem.member-left')).map((e) => [e.payload.member, e.payload.reason]), [[toolB.did, 'study over for us']]);
    assert.deepEqual((await toolB.logged('ecosystem.member-left')).map((e) => e.payload.member), [toolB.did]);
    assert.equal((await toolB.api('POST', `/api/v1/ecosystem-memberships/${id}/leave`, {})).status, 409);
  });
});
