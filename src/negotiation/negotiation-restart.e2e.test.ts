import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import type { RetryPolicy } from '../outbox/index.js';
import { publishOffer, startNegotiationNode, trustEachOther, type NegotiationNode } from './testing/negotiation-nodes.js';

const clock = new ManualClock(new Date());
const retry: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 500 };
const terms = (purpose: string) => ({ permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: purpose }] }] });
const e = encodeURIComponent;

forEachEngine('contract negotiation across node restarts', (engine) => {
  let p: NegotiationNode;
  let c: NegotiationNode;
  let offer: { datasetId: string; offerId: string };
  const view = async (n: NegotiationNode, id: string) => (await n.api('GET', `/api/v1/negotiations/${e(id)}`)).body;
  const until = (n: NegotiationNode, id: string, state: string) =>
    pollUntil(async () => ((await view(n, id))?.state === state ? view(n, id) : undefined), { what: `${n.name}: ${id} ${state}`, timeoutMs: 20_000 });
  /** A negotiation waiting for the provider's operator: offered, then counter-requested by the consumer. */
  const waitingOnProvider = async () => {
    const pid = (await p.api('POST', '/api/v1/negotiations/offers', { counterPartyAddress: `${c.url}/dsp`, counterPartyId: c.did, offer: { ...terms('research'), target: offer.datasetId } })).body.id as string;
    const cv = await pollUntil(async () => (await c.api('GET', '/api/v1/negotiations?state=OFFERED&limit=200')).body.items.find((i: { providerPid: string }) => i.providerPid === pid), { what: 'the offer' });
    assert.equal((await c.api('POST', `/api/v1/negotiations/${e(cv.id)}/request`, { offer: terms('teaching') })).status, 200);
    await until(p, pid, 'REQUESTED');
    return { pid, cid: cv.id as string };
  };
  /** Stops `n` and builds it again on the same database and port (hence the same DID and keys). */
  const restart = async (n: NegotiationNode) => {
    await n.close({ keepDatabase: true });
    return startNegotiationNode(n.name, engine, clock, { port: n.port, database: n.database, retry });
  };

  before(async () => {
    [p, c] = await startAll([startNegotiationNode('provider', engine, clock, { retry }), startNegotiationNode('consumer', engine, clock, { retry })]);
    await trustEachOther([p, c]);
    offer = await publishOffer(p);
  });
  after(async () => {
    for (const n of [p, c]) await n?.close();
  });

  it('a provider restarted while a request waits for its operator carries on: the operator agrees and both sides finalise', async () => {
    const { pid, cid } = await waitingOnProvider();
    const oldDid = p.did;
    p = await restart(p);
    assert.equal(p.did, oldDid);
    assert.equal((await view(p, pid)).awaiting, 'operator', 'the state survived the restart');
    assert.equal((await p.api('POST', `/api/v1/negotiations/${e(pid)}/agree`, {})).status, 200);
    const cv = await until(c, cid, 'FINALIZED');
    const pv = await until(p, pid, 'FINALIZED');
    assert.equal(cv.agreementId, pv.agreementId);
    assert.equal((await c.api('GET', `/api/v1/agreements/${e(cv.agreementId)}`)).body.usable, true);
  });

  it('a consumer down when the agreement is sent gets it once restarted (outbox retries), and the negotiation completes', async () => {
    const { pid, cid } = await waitingOnProvider();
    await c.close({ keepDatabase: true });
    assert.equal((await p.api('POST', `/api/v1/negotiations/${e(pid)}/agree`, {})).status, 200);
    // Retries are scheduled on the node's clock: move it on so that they come due.
    const stuck = await pollUntil(async () => {
      clock.advance(500);
      return (await p.outbox.pending()).find((m) => m.attempts >= 2 && m.lastError);
    }, { what: 'failed delivery attempts', timeoutMs: 20_000 });
    assert.match(String(stuck.lastError), /fetch failed|ECONNREFUSED|unreachable/i);
    assert.equal((await view(p, pid)).state, 'AGREED', 'the provider waits, it does not give up');
    c = await restart(c);
    // Keep the clock moving: an attempt that was in flight during the restart fails and is scheduled again.
    const cv = await pollUntil(async () => {
      clock.advance(500);
      const v = await view(c, cid);
      return v?.state === 'FINALIZED' ? v : undefined;
    }, { what: `consumer: ${cid} FINALIZED`, timeoutMs: 20_000 });
    const pv = await until(p, pid, 'FINALIZED');
    assert.deepEqual(cv.agreement, pv.agreement);
    assert.deepEqual(cv.agreement.permission, terms('teaching').permission);
    assert.deepEqual(await pollUntil(async () => ((await p.outbox.pending()).length === 0 ? [] : undefined), { what: 'an empty outbox' }), []);
  });
});
