import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { verifyConsentReceipt } from '../consent/index.js';
import { ManualClock } from '../kernel/index.js';
import { ADMIN, startRightsNode, type RightsNode } from './testing/rights-nodes.js';

const clock = new ManualClock(new Date());
const DATASET = 'urn:uuid:2b0c6f4e-0000-4000-8000-000000000002';
const PASSWORD = 'correct horse battery';

/**
 * The rights on top of the real src/people and src/consent on three real nodes: the agency asks the intermediary for
 * Léa's consent, she grants it, the training body's report of the transfer under that consent reaches her history,
 * and her export carries the consent's signed receipts, which verify with the intermediary's DID document.
 */
forEachEngine('rights over real people and consents', (engine) => {
  let i: RightsNode;
  let tb: RightsNode;
  let ag: RightsNode;
  let lea: string;
  let bob: string;
  let consentId: string;
  const me = (token: string, method: 'GET' | 'POST', url: string, payload?: object) => i.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const asNode = async (from: RightsNode, url: string, payload: object) => i.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${await from.identity.tokens.sign(i.did)}` }, payload });

  async function person(login: string): Promise<string> {
    assert.equal((await i.app.inject({ method: 'POST', url: '/api/v1/me/sign-up', payload: { login, password: PASSWORD } })).statusCode, 201);
    return (await i.app.inject({ method: 'POST', url: '/api/v1/me/sessions', payload: { login, password: PASSWORD } })).json().token;
  }
  async function link(token: string, party: RightsNode, subjectId: string): Promise<void> {
    const opened = await me(token, 'POST', '/api/v1/me/links', { participant: party.did });
    const res = await party.app.inject({ method: 'POST', url: '/api/v1/person-links', headers: { 'x-api-key': ADMIN }, payload: { intermediary: i.did, code: opened.json().code, subjectId } });
    assert.ok(res.statusCode < 300, res.body);
  }

  before(async () => {
    [i, tb, ag] = await Promise.all([
      startRightsNode('I', engine, clock, { intermediary: true, consent: true }),
      startRightsNode('TB', engine, clock, { intermediary: false, consent: true }),
      startRightsNode('AG', engine, clock, { intermediary: false, consent: true }),
    ]);
    for (const [a, b] of [[i, tb], [i, ag], [tb, i], [ag, i]] as const) await a.participants.add(b.did);
    lea = await person('lea');
    bob = await person('bob');
    await link(lea, tb, 'tb-123');
    await link(lea, ag, 'ag-9');
    await link(bob, tb, 'tb-456');
  });
  after(async () => {
    for (const n of [i, tb, ag]) await n?.close();
  });

  it('a granted consent, the transfer reported under it, and an export whose receipts verify offline', async () => {
    const asked = await asNode(ag, '/dsp/consents/requests', { provider: tb.did, datasetId: DATASET, purpose: 'guidance', subjectId: 'ag-9' });
    assert.equal(asked.statusCode, 201, asked.body);
    consentId = asked.json().id;
    const granted = await me(lea, 'POST', `/api/v1/me/consents/${encodeURIComponent(consentId)}/grant`);
    assert.equal(granted.statusCode, 200, granted.body);
    await pollUntil(async () => (await tb.consent!.statusOf(consentId)) === 'granted', { what: "the intermediary's notice at TB" });

    const at = clock.now();
    await tb.database.db.transaction().execute((tx) =>
      tb.rights.reportExchange(tx, { intermediaryDid: i.did, consentId, transferId: 'tb-t1', role: 'provider', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, state: 'COMPLETED', at, bytes: 42, sha256: 'cd'.repeat(32) }),
    );
    const [x] = await pollUntil(async () => {
      const items = (await me(lea, 'GET', '/api/v1/me/exchanges')).json().items;
      return items.length === 1 ? items : undefined;
    }, { what: 'the report at I' });
    assert.deepEqual([x.consentId, x.transferId, x.state, x.bytes, x.provider.did, x.consumer.did], [consentId, 'tb-t1', 'COMPLETED', 42, tb.did, ag.did]);
    assert.equal((await me(bob, 'GET', '/api/v1/me/exchanges')).json().items.length, 0);

    const doc = (await me(lea, 'GET', '/api/v1/me/export')).json();
    const [c] = doc.consents;
    assert.deepEqual([doc.consents.length, c.id, c.status, c.provider, c.consumer], [1, consentId, 'granted', tb.did, ag.did]);
    assert.equal(c.record.recordId, consentId);
    assert.ok(c.receipts.length >= 1);
    const didDoc = await i.identity.didDocument();
    for (const r of c.receipts) {
      const v = verifyConsentReceipt(r.receipt, didDoc);
      assert.ok(v.ok && v.value.keyBinding === 'did-document' && v.value.receipt.consentId === consentId, JSON.stringify(v));
    }
    assert.equal((await me(bob, 'GET', '/api/v1/me/export')).json().consents.length, 0, "Bob's export has none of Léa's consents");
  });

  it("refuses a report about the consent from a node that is not the consent's party in that role", async () => {
    const forged = await ag.identity.signer.sign({ type: 'dases:ExchangeReport', reporter: ag.did, intermediary: i.did, consentId, transferId: 'x', role: 'provider', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, state: 'STARTED', at: clock.now().toISOString() }, 'dases-exchange-report+jwt');
    const res = await asNode(ag, '/dsp/people/exchanges', { report: forged });
    assert.deepEqual([res.statusCode, res.json().code], [403, 'DS_RIGHTS_NOT_PARTY']);
    const asConsumer = await ag.identity.signer.sign({ type: 'dases:ExchangeReport', reporter: ag.did, intermediary: i.did, consentId, transferId: 'ag-t1', role: 'consumer', providerDid: tb.did, consumerDid: ag.did, datasetId: DATASET, state: 'STARTED', at: clock.now().toISOString() }, 'dases-exchange-report+jwt');
    assert.equal((await asNode(ag, '/dsp/people/exchanges', { report: asConsumer })).statusCode, 201);
  });

  it("erasure goes to Léa's participants only, with her subject ids there", async () => {
    const res = await me(lea, 'POST', '/api/v1/me/erasure-requests', {});
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().parties.map((p: { subjectId: string }) => p.subjectId).sort(), ['ag-9', 'tb-123']);
    const atTb = await pollUntil(async () => (await tb.app.inject({ method: 'GET', url: '/api/v1/erasure-requests', headers: { 'x-api-key': ADMIN } })).json().items.length > 0 && (await tb.app.inject({ method: 'GET', url: '/api/v1/erasure-requests', headers: { 'x-api-key': ADMIN } })).json().items, { what: 'the request at TB' });
    assert.deepEqual(atTb.map((r: { subjectId: string }) => r.subjectId), ['tb-123'], "nothing about Bob's tb-456");
  });
});
