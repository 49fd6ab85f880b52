import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { AppError, systemClock } from '../kernel/index.js';
import { verifyConsentReceipt } from './index.js';
import { startConsentNode, type ConsentNode } from './testing/consent-nodes.js';

const DS = 'urn:uuid:dataset-training-records';

forEachEngine('consent between three nodes (intermediary, training body, agency) over real HTTP', (engine) => {
  let I: ConsentNode;
  let TB: ConsentNode;
  let AG: ConsentNode;
  const stoppedAt = new Map<string, number>();

  const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
  const asPerson = async (node: ConsentNode, session: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${session}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    [I, TB, AG] = await startAll([startConsentNode('intermediary', engine, systemClock, { intermediary: true }), startConsentNode('training-body', engine, systemClock, { intermediary: false }), startConsentNode('agency', engine, systemClock, { intermediary: false })]);
    for (const [a, b] of [[I, TB], [I, AG], [TB, I], [TB, AG], [AG, I], [AG, TB]] as const) await a.participants.add(b.did);
    I.people.link('lea', AG.did, 'ag-9').link('lea', TB.did, 'tb-123');
    TB.consent.onStopped((id) => stoppedAt.set(id, performance.now()));
  });
  after(async () => {
    for (const node of [I, TB, AG]) await node?.close();
  });

  it('request, grant, notices to both parties, token, check; withdrawal stops the provider within a second', async () => {
    // The agency's node asks the intermediary (consumer-side client: nodeCall with a fresh node token).
    const asked = await AG.consent.requestConsent(I.did, { provider: TB.did, datasetId: DS, purpose: 'guidance', subjectId: 'ag-9' });
    assert.deepEqual([asked.status, asked.reconfirmationRequired], ['requested', false]);
    const id = asked.id;
    await assert.rejects(AG.consent.requestConsent(I.did, { provider: TB.did, datasetId: DS, purpose: 'guidance', subjectId: 'ag-unknown' }), code('DS_CONSENT_SUBJECT_UNKNOWN'));
    const lea = I.session('lea');
    const list = await asPerson(I, lea, 'GET', '/api/v1/me/consents');
    assert.deepEqual((list.body.items as Array<{ id: string; status: string }>).map((c) => [c.id, c.status]), [[id, 'requested']]);
    await assert.rejects(AG.consent.consentToken(I.did, id), code('DS_CONSENT_NOT_GRANTED'));

    const granted = await asPerson(I, lea, 'POST', `/api/v1/me/consents/${encodeURIComponent(id)}/grant`, { days: 90 });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    // The person keeps the receipt and verifies it offline against the intermediary's published DID document.
    const receipt = (granted.body.receipts as Array<{ receipt: string }>)[0]!.receipt;
    const v = verifyConsentReceipt(receipt, await I.identity.didDocument());
    assert.ok(v.ok && v.value.keyBinding === 'did-document', v.ok ? '' : v.reason);

    await pollUntil(async () => (await TB.consent.statusOf(id)) === 'granted' && (await AG.consent.statusOf(id)) === 'granted', { what: 'the signed notices at the provider and the consumer' });
    const token = await AG.consent.consentToken(I.did, id);
    const checked = await TB.consent.check(token.token, { consumerDid: AG.did, datasetId: DS, purpose: 'guidance' });
    assert.deepEqual([checked.consentId, checked.subjectId], [id, 'tb-123']);
    await assert.rejects(TB.consent.check(token.token, { consumerDid: I.did, datasetId: DS }), code('DS_CONSENT_WRONG_CONSUMER'));
    await assert.rejects(TB.consent.consentToken(I.did, id), code('DS_CONSENT_NOT_PARTY'), 'only the recipient gets tokens');

    // The consumer, as a participant, sees the consent at the provider; the provider's operator too.
    const seen = await fetch(`${TB.url}/api/v1/consents`, { headers: { authorization: `Bearer ${await AG.identity.tokens.sign(TB.did)}` } });
    const page = (await seen.json()) as { items: Array<{ id: string; role: string; status: string; intermediary: string }> };
    assert.deepEqual(page.items.map((c) => [c.id, c.role, c.status, c.intermediary]), [[id, 'provider', 'granted', I.did]]);

    const t0 = performance.now();
    const withdrawn = await asPerson(I, lea, 'POST', `/api/v1/me/consents/${encodeURIComponent(id)}/withdraw`);
    assert.equal(withdrawn.body.status, 'withdrawn');
    const at = await pollUntil(async () => stoppedAt.get(id), { what: 'the withdrawal at the provider', timeoutMs: 5000, intervalMs: 5 });
    assert.ok(at - t0 < 1000, `the provider learnt of the withdrawal after ${Math.round(at - t0)} ms`);
    await assert.rejects(TB.consent.check(token.token, { consumerDid: AG.did, datasetId: DS, purpose: 'guidance' }), code('DS_CONSENT_WITHDRAWN'));
    await assert.rejects(AG.consent.consentToken(I.did, id), code('DS_CONSENT_NOT_GRANTED'));
    await pollUntil(async () => (await AG.consent.statusOf(id)) === 'withdrawn', { what: 'the withdrawal at the consumer' });
    const [entry] = await I.ledger.entries({ type: 'consent.withdrawn', subject: id });
    assert.equal(entry?.actor, I.did);
  });
});
