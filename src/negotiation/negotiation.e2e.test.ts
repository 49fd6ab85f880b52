import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { AppError, ManualClock } from '../kernel/index.js';
import { OPEN_POLICY, publishOffer, startNegotiationNode, trustEachOther, type NegotiationNode } from './testing/negotiation-nodes.js';

const clock = new ManualClock(new Date());
const terms = (purpose: string) => ({ permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: purpose }] }] });
type H = { state: string; direction: string; by?: string };
const steps = (v: { history: H[] }) => v.history.map((h) => `${h.direction}:${h.state}${h.by ? `:${h.by}` : ''}`);

forEachEngine('contract negotiation between two nodes', (engine) => {
  let p: NegotiationNode;
  let c: NegotiationNode;
  let offer: { datasetId: string; offerId: string };
  const start = (o: { offerId: string }, extra: object = {}, query = '?wait=true&timeout=20') =>
    c.api('POST', `/api/v1/negotiations${query}`, { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, offerId: o.offerId, ...extra });
  const view = async (n: NegotiationNode, id: string) => (await n.api('GET', `/api/v1/negotiations/${encodeURIComponent(id)}`)).body;
  const until = (n: NegotiationNode, id: string, state: string) =>
    pollUntil(async () => {
      const v = await view(n, id);
      return v?.state === state ? v : undefined;
    }, { what: `${n.name}: ${id} ${state}`, timeoutMs: 20_000 });
  /** The consumer's side of a negotiation the provider knows as `providerPid`. */
  const consumerSide = (providerPid: string, state: string) =>
    pollUntil(async () => {
      const list = (await c.api('GET', `/api/v1/negotiations?counterPartyId=${encodeURIComponent(p.did)}&limit=200`)).body;
      return list.items.find((x: { providerPid: string; state: string }) => x.providerPid === providerPid && x.state === state);
    }, { what: `consumer side of ${providerPid} in ${state}` });
  const act = async (n: NegotiationNode, id: string, action: string, body: object = {}) => {
    const r = await n.api('POST', `/api/v1/negotiations/${encodeURIComponent(id)}/${action}`, body);
    assert.equal(r.status, 200, `${n.name} ${action}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  before(async () => {
    [p, c] = await startAll([startNegotiationNode('provider', engine, clock), startNegotiationNode('consumer', engine, clock)]);
    await trustEachOther([p, c]);
    offer = await publishOffer(p);
  });
  after(async () => {
    for (const n of [p, c]) await n?.close();
  });

  it('happy path: a request for a catalog offer is agreed, verified and finalised on both sides, with a signed contract', async () => {
    const res = await start(offer, { purpose: 'research' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const cv = res.body;
    assert.deepEqual([cv.state, cv.role, cv.purpose, cv.awaiting], ['FINALIZED', 'consumer', 'research', null], JSON.stringify(cv));
    const pv = await until(p, cv.providerPid, 'FINALIZED');
    assert.deepEqual([pv.consumerPid, pv.agreementId, pv.role, pv.purpose], [cv.id, cv.agreementId, 'provider', 'research']);
    assert.deepEqual(steps(cv), ['out:REQUESTED:operator', 'in:AGREED', 'out:VERIFIED:auto', 'in:FINALIZED']);
    assert.deepEqual(steps(pv), ['in:REQUESTED', 'out:AGREED:auto', 'in:VERIFIED', 'out:FINALIZED:auto']);
    const agreement = cv.agreement;
    assert.deepEqual([agreement['@id'], agreement['@type'], agreement.assigner, agreement.assignee, agreement.target], [cv.agreementId, 'Agreement', p.did, c.did, offer.datasetId]);
    assert.equal(agreement.timestamp, clock.now().toISOString());
    assert.deepEqual(agreement.permission, OPEN_POLICY.permission);
    assert.deepEqual(pv.agreement, agreement);
    const contract = p.contracts.bilateralFromAgreement({ agreement, providerDid: p.did, consumerDid: c.did, offerId: offer.offerId, purpose: 'research' });
    for (const n of [p, c]) {
      const a = await n.api('GET', `/api/v1/agreements/${encodeURIComponent(cv.agreementId)}`);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual([a.body.contract.status, a.body.contract.id, a.body.usable, a.body.agreement, a.body.providerId, a.body.consumerId], ['active', (contract as { id: string }).id, true, agreement, p.did, c.did]);
      assert.ok((await n.api('GET', '/api/v1/agreements')).body.items.some((x: { id: string }) => x.id === cv.agreementId));
      const stored = await n.contracts.get((contract as { id: string }).id);
      assert.equal(stored?.status, 'active', `${n.name} holds the contract signed by both`);
      assert.deepEqual((await n.ledger.entries({ type: 'contract.activated' })).map((e) => e.subject), [(contract as { id: string }).id]);
    }
    await p.negotiation.assertAgreementUsable(cv.agreementId);
    for (const [n, role] of [[p, 'provider'], [c, 'consumer']] as const) {
      const record = await n.negotiation.agreement(cv.agreementId);
      assert.deepEqual(
        record && [record.role, record.providerDid, record.consumerDid, record.datasetId, record.purpose, record.policy, record.agreedAt.toISOString()],
        [role, p.did, c.did, offer.datasetId, 'research', agreement, clock.now().toISOString()],
      );
      const counterpartyDid = role === 'provider' ? c.did : p.did;
      assert.equal((await n.negotiation.findAgreement({ counterpartyDid, datasetId: offer.datasetId, role }))?.agreementId !== undefined, true);
      assert.equal(await n.negotiation.findAgreement({ counterpartyDid, datasetId: 'urn:uuid:00000000-0000-0000-0000-000000000000', role }), undefined);
    }
    assert.equal(await p.negotiation.agreement('urn:uuid:unknown'), undefined);
  });

  it('a revoked contract can no longer back its agreement, on either side', async () => {
    const cv = (await start(offer)).body;
    assert.equal(cv.state, 'FINALIZED');
    const contract = p.contracts.bilateralFromAgreement({ agreement: cv.agreement, providerDid: p.did, consumerDid: c.did, offerId: offer.offerId }) as { id: string };
    await p.contracts.revoke(contract.id, 'the consumer breached the purpose restriction');
    const mine = (await p.api('GET', `/api/v1/agreements/${encodeURIComponent(cv.agreementId)}`)).body;
    assert.deepEqual([mine.contract.status, mine.usable], ['revoked', false]);
    await assert.rejects(p.negotiation.assertAgreementUsable(cv.agreementId), (e: AppError) => e.code === 'DS_CONTRACT_NOT_ACTIVE');
    const theirs = await pollUntil(async () => {
      const a = (await c.api('GET', `/api/v1/agreements/${encodeURIComponent(cv.agreementId)}`)).body;
      return a.contract.status === 'revoked' ? a : undefined;
    }, { what: 'the revocation notice on the consumer' });
    assert.equal(theirs.usable, false);
    await assert.rejects(c.negotiation.assertAgreementUsable(cv.agreementId), (e: AppError) => e.code === 'DS_CONTRACT_NOT_ACTIVE');
  });

  it('provider-initiated offer, then counter-requests and counter-offers both ways until the provider agrees', async () => {
    const made = await p.api('POST', '/api/v1/negotiations/offers', { counterPartyAddress: `${c.url}/dsp`, counterPartyId: c.did, offer: { ...terms('research'), target: offer.datasetId } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual([made.body.state, made.body.role, made.body.awaiting], ['OFFERED', 'provider', 'counterparty']);
    const pid = made.body.id;
    const cv = await consumerSide(pid, 'OFFERED');
    assert.deepEqual([cv.awaiting, cv.offer.permission, cv.target], ['operator', terms('research').permission, offer.datasetId], 'an unrequested offer waits for the operator');
    assert.equal((await act(c, cv.id, 'request', { offer: terms('teaching') })).state, 'REQUESTED');
    const p1 = await until(p, pid, 'REQUESTED');
    assert.deepEqual([p1.awaiting, p1.offer.permission], ['operator', terms('teaching').permission], 'a request that is no catalog offer waits for the operator');
    assert.equal((await act(p, pid, 'offer', { offer: terms('guidance') })).state, 'OFFERED');
    assert.equal((await until(c, cv.id, 'OFFERED')).awaiting, 'operator', 'other terms than requested wait for the operator');
    await act(c, cv.id, 'request', { offer: terms('evaluation') });
    await until(p, pid, 'REQUESTED');
    assert.equal((await act(p, pid, 'agree')).state, 'AGREED');
    const done = await until(c, cv.id, 'FINALIZED');
    const pv = await until(p, pid, 'FINALIZED');
    assert.deepEqual(done.agreement.permission, terms('evaluation').permission);
    assert.deepEqual(steps(pv), ['out:OFFERED:operator', 'in:REQUESTED', 'out:OFFERED:operator', 'in:REQUESTED', 'out:AGREED:operator', 'in:VERIFIED', 'out:FINALIZED:auto']);
    assert.deepEqual(steps(done), ['in:OFFERED', 'out:REQUESTED:operator', 'in:OFFERED', 'out:REQUESTED:operator', 'in:AGREED', 'out:VERIFIED:auto', 'in:FINALIZED']);
    assert.equal((await c.api('GET', `/api/v1/agreements/${encodeURIComponent(done.agreementId)}`)).body.usable, true);
  });

  it('a counter-offer with exactly the requested terms is accepted at once; the provider then agrees to its own offer', async () => {
    const pid = (await p.api('POST', '/api/v1/negotiations/offers', { counterPartyAddress: `${c.url}/dsp`, counterPartyId: c.did, offer: { ...terms('research'), target: offer.datasetId } })).body.id;
    const cv = await consumerSide(pid, 'OFFERED');
    await act(c, cv.id, 'request', { offer: terms('teaching') });
    await until(p, pid, 'REQUESTED');
    await act(p, pid, 'offer', { offer: { '@id': 'urn:uuid:7e0c2c44-77d6-4d53-9a4b-2b8d06f0f0aa', ...terms('teaching') } });
    const done = await until(c, cv.id, 'FINALIZED');
    assert.deepEqual(steps(done), ['in:OFFERED', 'out:REQUESTED:operator', 'in:OFFERED', 'out:ACCEPTED:auto', 'in:AGREED', 'out:VERIFIED:auto', 'in:FINALIZED']);
    assert.deepEqual(steps(await until(p, pid, 'FINALIZED')).slice(-5), ['out:OFFERED:operator', 'in:ACCEPTED', 'out:AGREED:auto', 'in:VERIFIED', 'out:FINALIZED:auto']);
  });

  it('a request whose terms no longer match the catalog offer waits for the provider, who counter-offers; the consumer accepts', async () => {
    const second = await publishOffer(p);
    assert.equal((await start(second)).body.state, 'FINALIZED', 'the consumer now knows this offer');
    const offeringId = second.offerId.slice('urn:uuid:'.length);
    assert.equal((await p.api('PATCH', `/api/v1/offerings/${offeringId}`, { policy: { '@type': 'Offer', ...terms('teaching') } })).status, 200);
    const cv = (await start(second, {}, '')).body;
    const providerPid = await pollUntil(async () => ((await view(c, cv.id)).providerPid as string) || undefined, { what: 'the provider\'s answer' });
    const pv = await until(p, providerPid, 'REQUESTED');
    assert.equal(pv.awaiting, 'operator');
    assert.deepEqual(pv.offer.permission, OPEN_POLICY.permission, 'the consumer asked for the terms it had seen');
    await act(p, pv.id, 'offer', { offer: terms('teaching') });
    assert.equal((await until(c, cv.id, 'OFFERED')).awaiting, 'operator');
    await act(c, cv.id, 'accept');
    const done = (await c.api('GET', `/api/v1/negotiations/${encodeURIComponent(cv.id)}?wait=true&timeout=20`)).body;
    assert.equal(done.state, 'FINALIZED', JSON.stringify(done));
    assert.deepEqual(done.agreement.permission, terms('teaching').permission);
    assert.deepEqual(steps(await until(p, pv.id, 'FINALIZED')), ['in:REQUESTED', 'out:OFFERED:operator', 'in:ACCEPTED', 'out:AGREED:auto', 'in:VERIFIED', 'out:FINALIZED:auto']);
  });
});
