import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { DSP_CONTEXT, ManualClock } from '../kernel/index.js';
import { negotiationMessages } from './index.js';
import { dspCall, OPEN_POLICY, publishOffer, startNegotiationNode, trustEachOther, type NegotiationNode } from './testing/negotiation-nodes.js';

const clock = new ManualClock(new Date());
const terms = (purpose: string) => ({ permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: purpose }] }] });
const N = '/dsp/negotiations';
const e = encodeURIComponent;

forEachEngine('contract negotiation: termination, refusals and not-yours', (engine) => {
  let p: NegotiationNode;
  let c: NegotiationNode;
  let x: NegotiationNode;
  let offer: { datasetId: string; offerId: string };
  let done: { id: string; providerPid: string; consumerPid: string };
  const view = async (n: NegotiationNode, id: string) => (await n.api('GET', `/api/v1/negotiations/${e(id)}`)).body;
  const until = (n: NegotiationNode, id: string, state: string) =>
    pollUntil(async () => ((await view(n, id))?.state === state ? view(n, id) : undefined), { what: `${n.name}: ${id} ${state}`, timeoutMs: 20_000 });
  const start = (query = '?wait=true&timeout=20') => c.api('POST', `/api/v1/negotiations${query}`, { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, offerId: offer.offerId });
  const providerOffer = async () => {
    const pid = (await p.api('POST', '/api/v1/negotiations/offers', { counterPartyAddress: `${c.url}/dsp`, counterPartyId: c.did, offer: { ...terms('research'), target: offer.datasetId } })).body.id as string;
    const cv = await pollUntil(async () => (await c.api('GET', '/api/v1/negotiations?state=OFFERED&limit=200')).body.items.find((i: { providerPid: string }) => i.providerPid === pid), { what: 'the offer on the consumer' });
    return { pid, cid: cv.id as string };
  };
  /** A ContractNegotiationError as the spec describes it: 4xx, both pids, our code. */
  const refusal = (r: { status: number; body: Record<string, unknown> }, status: number, code: string) => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    assert.equal(r.body['@type'], 'ContractNegotiationError');
    assert.deepEqual(negotiationMessages.validateContractNegotiationError(r.body), []);
  };

  before(async () => {
    [p, c, x] = await startAll([startNegotiationNode('provider', engine, clock), startNegotiationNode('consumer', engine, clock), startNegotiationNode('xavier', engine, clock)]);
    await trustEachOther([p, c, x]);
    offer = await publishOffer(p);
    done = (await start()).body;
    assert.equal((done as unknown as { state: string }).state, 'FINALIZED');
  });
  after(async () => {
    for (const n of [p, c, x]) await n?.close();
  });

  it('the consumer terminates an offer it does not want; the provider sees TERMINATED with the code and reason', async () => {
    const { pid, cid } = await providerOffer();
    const t = await c.api('POST', `/api/v1/negotiations/${e(cid)}/terminate`, { code: 'dases:not-interested', reason: 'no budget this year' });
    assert.deepEqual([t.status, t.body.state, t.body.reason, t.body.code], [200, 'TERMINATED', 'no budget this year', 'dases:not-interested']);
    const pv = await until(p, pid, 'TERMINATED');
    assert.deepEqual([pv.reason, pv.code, pv.awaiting], ['no budget this year', 'dases:not-interested', null]);
    assert.deepEqual(pv.history.map((h: { direction: string; state: string }) => `${h.direction}:${h.state}`), ['out:OFFERED', 'in:TERMINATED']);
  });

  it('the provider terminates a request waiting for its operator; a consumer waiting on it is answered TERMINATED', async () => {
    const { pid, cid } = await providerOffer();
    await c.api('POST', `/api/v1/negotiations/${e(cid)}/request`, { offer: terms('teaching') });
    await until(p, pid, 'REQUESTED');
    const waiting = c.api('GET', `/api/v1/negotiations/${e(cid)}?wait=true&timeout=20`);
    const t = await p.api('POST', `/api/v1/negotiations/${e(pid)}/terminate`, { reason: 'teaching use is not offered' });
    assert.deepEqual([t.status, t.body.state, t.body.code], [200, 'TERMINATED', 'dases:terminated-by-operator']);
    const answered = (await waiting).body;
    assert.deepEqual([answered.state, answered.reason, answered.code], ['TERMINATED', 'teaching use is not offered', 'dases:terminated-by-operator']);
    const again = await p.api('POST', `/api/v1/negotiations/${e(pid)}/agree`, {});
    assert.deepEqual([again.status, again.body.code], [409, 'DS_NEGOTIATION_ACTION_NOT_ALLOWED'], 'TERMINATED is final');
  });

  it('a consumer suspended by the provider is refused at authentication; its negotiation ends TERMINATED', async () => {
    await p.participants.suspend(c.did, 'audit');
    try {
      const r = await start();
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.state, 'TERMINATED');
      assert.equal(r.body.code, 'dases:delivery-failed');
      assert.match(r.body.reason, /^request message not delivered: HTTP 401/);
    } finally {
      await p.participants.activate(c.did);
    }
  });

  it('refuses illegal transitions with 400 and a ContractNegotiationError, changing nothing', async () => {
    const pids = { providerPid: done.providerPid, consumerPid: done.id };
    const before = await view(p, done.providerPid);
    const msg = (type: string, extra: object = {}) => ({ '@context': [DSP_CONTEXT], '@type': type, ...pids, ...extra });
    refusal(await dspCall(c, p, 'POST', `${N}/${e(pids.providerPid)}/agreement/verification`, msg('ContractAgreementVerificationMessage')), 400, 'DS_NEGOTIATION_ILLEGAL_TRANSITION');
    refusal(await dspCall(c, p, 'POST', `${N}/${e(pids.providerPid)}/termination`, msg('ContractNegotiationTerminationMessage', { code: 'late' })), 400, 'DS_NEGOTIATION_ILLEGAL_TRANSITION');
    const finalizedByConsumer = await dspCall(c, p, 'POST', `${N}/${e(pids.providerPid)}/events`, msg('ContractNegotiationEventMessage', { eventType: 'FINALIZED' }));
    refusal(finalizedByConsumer, 400, 'DS_NEGOTIATION_ILLEGAL_TRANSITION');
    assert.deepEqual([finalizedByConsumer.body.providerPid, finalizedByConsumer.body.consumerPid], [pids.providerPid, pids.consumerPid]);
    assert.match(JSON.stringify(finalizedByConsumer.body.reason), /sent by the provider, not the consumer/);
    assert.deepEqual(await view(p, done.providerPid), before, 'nothing changed');

    const { pid, cid } = await providerOffer();
    const open = { providerPid: pid, consumerPid: cid };
    refusal(await dspCall(c, p, 'POST', `${N}/${e(pid)}/agreement/verification`, { '@context': [DSP_CONTEXT], '@type': 'ContractAgreementVerificationMessage', ...open }), 400, 'DS_NEGOTIATION_ILLEGAL_TRANSITION');
    refusal(await dspCall(p, c, 'POST', `${N}/${e(cid)}/events`, { '@context': [DSP_CONTEXT], '@type': 'ContractNegotiationEventMessage', ...open, eventType: 'ACCEPTED' }), 400, 'DS_NEGOTIATION_ILLEGAL_TRANSITION');
    const wrong = await dspCall(c, p, 'POST', `${N}/${e(pid)}/events`, { '@context': [DSP_CONTEXT], '@type': 'ContractNegotiationEventMessage', ...open, consumerPid: 'urn:uuid:someone-else', eventType: 'ACCEPTED' });
    refusal(wrong, 400, 'DS_NEGOTIATION_PID_MISMATCH');
    assert.equal(wrong.body.errors[0].path, '/body/consumerPid');
    assert.equal((await view(p, pid)).state, 'OFFERED');
    const accept = await p.api('POST', `/api/v1/negotiations/${e(pid)}/accept`, {});
    assert.deepEqual([accept.status, accept.body.code], [409, 'DS_NEGOTIATION_ACTION_NOT_ALLOWED'], 'a provider does not accept');
    assert.equal((await p.api('POST', '/api/v1/negotiations/urn:uuid:nope/agree', {})).status, 404);
  });

  it('refuses messages that fail the schemas, unknown offers and foreign callbacks, storing nothing', async () => {
    const count = async () => (await p.api('GET', '/api/v1/negotiations?limit=1')).body.total;
    const before = await count();
    const request = (extra: object) => ({ '@context': [DSP_CONTEXT], '@type': 'ContractRequestMessage', consumerPid: 'urn:uuid:1f0c8f7e-0b0a-4f5e-9a55-3d2a1c0b9e01', callbackAddress: `${c.url}/dsp`, ...extra });
    const noOffer = await dspCall(c, p, 'POST', `${N}/request`, request({}));
    refusal(noOffer, 400, 'DS_HTTP_VALIDATION');
    assert.ok(noOffer.body.errors.some((x: { path: string }) => x.path === '/body/offer'), JSON.stringify(noOffer.body.errors));
    const asOffer = { ...OPEN_POLICY, '@id': 'urn:uuid:00000000-0000-4000-8000-00000000dead', '@type': 'Offer', target: offer.datasetId };
    const unknown = await dspCall(c, p, 'POST', `${N}/request`, request({ offer: asOffer }));
    refusal(unknown, 400, 'DS_NEGOTIATION_UNKNOWN_OFFER');
    assert.equal(unknown.body.errors[0].path, '/body/offer/@id');
    const known = { ...asOffer, '@id': offer.offerId };
    refusal(await dspCall(c, p, 'POST', `${N}/request`, request({ offer: known, callbackAddress: 'http://127.0.0.1:9/dsp' })), 400, 'DS_NEGOTIATION_INVALID_CALLBACK');
    refusal(await dspCall(c, p, 'POST', `${N}/request`, request({ offer: { ...known, permission: [{ action: 'use', target: 'x' }] } })), 400, 'DS_HTTP_VALIDATION');
    assert.equal(await count(), before);

    const mgmt = (body: object) => c.api('POST', '/api/v1/negotiations', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, offerId: offer.offerId, ...body });
    assert.deepEqual((await mgmt({ offerId: 'urn:uuid:00000000-0000-4000-8000-00000000dead' })).body.code, 'DS_NEGOTIATION_OFFER_NOT_FOUND');
    assert.deepEqual((await mgmt({ counterPartyId: 'did:web:stranger.example' })).body.code, 'DS_NEGOTIATION_UNKNOWN_PARTICIPANT');
    const badAddress = await mgmt({ counterPartyAddress: 'ftp://x' });
    assert.deepEqual([badAddress.status, badAddress.body.errors[0].path], [400, '/body/counterPartyAddress']);
    const extra = await mgmt({ price: 3 });
    assert.deepEqual([extra.status, extra.body.errors[0].path], [400, '/body/price']);
  });

  it('answers 404 for unknown negotiations and for those of another participant', async () => {
    const mine = await dspCall(c, p, 'GET', `${N}/${e(done.providerPid)}`);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, { '@context': [DSP_CONTEXT], '@type': 'ContractNegotiation', providerPid: done.providerPid, consumerPid: done.id, state: 'FINALIZED' });
    assert.deepEqual(negotiationMessages.validateContractNegotiation(mine.body), []);
    refusal(await dspCall(x, p, 'GET', `${N}/${e(done.providerPid)}`), 404, 'DS_NEGOTIATION_NOT_FOUND');
    const term = { '@context': [DSP_CONTEXT], '@type': 'ContractNegotiationTerminationMessage', providerPid: done.providerPid, consumerPid: done.id };
    refusal(await dspCall(x, p, 'POST', `${N}/${e(done.providerPid)}/termination`, term), 404, 'DS_NEGOTIATION_NOT_FOUND');
    refusal(await dspCall(c, p, 'GET', `${N}/urn:uuid:not-there`), 404, 'DS_NEGOTIATION_NOT_FOUND');
    assert.equal((await view(p, done.providerPid)).state, 'FINALIZED');
  });

  it('answers a redelivered message again without applying it twice', async () => {
    const body = { '@context': [DSP_CONTEXT], '@type': 'ContractRequestMessage', consumerPid: 'urn:uuid:4c0de4c0-de4c-4de4-8c0d-e4c0de4c0de4', callbackAddress: `${x.url}/dsp`, offer: { ...OPEN_POLICY, '@id': offer.offerId, '@type': 'Offer', target: offer.datasetId } };
    const first = await dspCall(x, p, 'POST', `${N}/request`, body);
    const second = await dspCall(x, p, 'POST', `${N}/request`, body);
    assert.deepEqual([first.status, second.status], [201, 201]);
    assert.equal(second.body.providerPid, first.body.providerPid);
    refusal(await dspCall(x, p, 'POST', `${N}/request`, { ...body, offer: { ...body.offer, ...terms('other') } }), 400, 'DS_NEGOTIATION_ILLEGAL_TRANSITION');
    // X never asked through its own node, which refuses the agreement: the provider ends the negotiation.
    const pv = await until(p, first.body.providerPid, 'TERMINATED');
    assert.equal(pv.code, 'dases:delivery-failed');
    assert.equal((await p.api('GET', `/api/v1/negotiations?counterPartyId=${e(x.did)}`)).body.total, 1);
  });
});
