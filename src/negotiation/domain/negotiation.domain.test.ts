import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advance, pidsOf, replayed, start, type Negotiation } from './negotiation.js';
import { kindOfBody, messageUrl, requestMessage, terminationMessage } from './negotiation.wire.js';
import { asMessageOffer, buildAgreement, checkAgreement, isExactly, sameTerms } from './offer-terms.js';

const at = new Date('2026-02-01T08:00:00.000Z');
const rules = { permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }] };
const catalogOffer = { '@id': 'urn:uuid:o1', '@type': 'Offer', ...rules };

describe('offer terms', () => {
  it('compares terms, not identity, bookkeeping or key order', () => {
    const reordered = { permission: [{ constraint: [{ rightOperand: 'research', operator: 'eq', leftOperand: 'purpose' }], action: 'use' }] };
    assert.ok(sameTerms({ '@id': 'a', target: 'x', ...rules }, { '@id': 'b', '@context': 'c', ...reordered }));
    assert.ok(!sameTerms(rules, { permission: [{ action: 'read' }] }));
    assert.ok(!sameTerms(rules, { ...rules, prohibition: [{ action: 'distribute' }] }));
  });

  it('knows a request for exactly a catalog offer: same @id and same terms', () => {
    const requested = asMessageOffer(catalogOffer, 'urn:uuid:d1');
    assert.deepEqual(requested, { '@id': 'urn:uuid:o1', '@type': 'Offer', target: 'urn:uuid:d1', ...rules });
    assert.ok(isExactly(requested, catalogOffer));
    assert.ok(!isExactly({ ...requested, '@id': 'urn:uuid:o2' }, catalogOffer));
    assert.ok(!isExactly({ ...requested, permission: [{ action: 'use' }] }, catalogOffer));
  });

  it('builds the agreement from the offer on the table and checks a received one', () => {
    const offer = asMessageOffer(catalogOffer, 'urn:uuid:d1');
    const a = buildAgreement({ id: 'urn:uuid:a1', offer, target: 'urn:uuid:d1', providerDid: 'did:web:p', consumerDid: 'did:web:c', timestamp: at.toISOString() });
    assert.deepEqual(a, { '@id': 'urn:uuid:a1', '@type': 'Agreement', ...rules, target: 'urn:uuid:d1', assigner: 'did:web:p', assignee: 'did:web:c', timestamp: at.toISOString() });
    const expected = { offer, target: 'urn:uuid:d1', providerDid: 'did:web:p', consumerDid: 'did:web:c' };
    assert.deepEqual(checkAgreement(a, expected), []);
    assert.deepEqual(
      checkAgreement({ ...a, assignee: 'did:web:x', target: 'urn:uuid:d2', permission: [{ action: 'use' }] }, expected).map((e) => e.path),
      ['/body/agreement/target', '/body/agreement/assignee', '/body/agreement'],
    );
  });
});

describe('negotiation record', () => {
  const fields = { id: 'urn:uuid:c1', role: 'consumer' as const, counterpartyDid: 'did:web:p', counterpartyAddress: 'https://p.example/dsp/', offerId: 'urn:uuid:o1', target: 'urn:uuid:d1', offer: catalogOffer, offerBy: 'consumer' as const };

  it('starts, advances with history, and names both pids once the counterparty is known', () => {
    const s = start(fields, 'request', { at, direction: 'out', by: 'operator' });
    assert.ok(s.ok);
    assert.deepEqual(pidsOf(s.value), { providerPid: '', consumerPid: 'urn:uuid:c1' });
    assert.equal(start(fields, 'offer', { at, direction: 'out' }).ok, false, 'a consumer does not offer');
    const a = advance(s.value, 'agreement', { at, direction: 'in', digest: 'h1' }, { counterpartyPid: 'urn:uuid:p1' });
    assert.ok(a.ok);
    assert.deepEqual([a.value.state, a.value.version, a.value.history.map((h) => [h.state, h.message, h.direction])], ['AGREED', 1, [['REQUESTED', 'ContractRequestMessage', 'out'], ['AGREED', 'ContractAgreementMessage', 'in']]]);
    assert.deepEqual(pidsOf(a.value), { providerPid: 'urn:uuid:p1', consumerPid: 'urn:uuid:c1' });
    assert.equal(replayed(a.value, 'h1')?.state, 'AGREED');
    assert.equal(replayed(a.value, 'h2'), undefined);
    const wrongSide = advance(a.value, 'finalized', { at, direction: 'out' });
    assert.ok(!wrongSide.ok && /sent by the provider/.test(wrongSide.error.why), 'a consumer does not finalise');
  });

  it('addresses messages per the HTTPS binding, whatever the trailing slash', () => {
    const n = { counterpartyAddress: 'https://p.example/dsp/' } as Negotiation;
    assert.equal(messageUrl('request', n.counterpartyAddress, undefined), 'https://p.example/dsp/negotiations/request');
    assert.equal(messageUrl('offer', 'https://c.example/cb', undefined), 'https://c.example/cb/negotiations/offers');
    const pid = 'urn:uuid:p1';
    const urls = (['request', 'offer', 'accepted', 'agreement', 'verification', 'finalized', 'termination'] as const).map((k) => messageUrl(k, 'https://x.example/dsp', pid).slice('https://x.example/dsp/negotiations/urn%3Auuid%3Ap1'.length));
    assert.deepEqual(urls, ['/request', '/offers', '/events', '/agreement', '/agreement/verification', '/events', '/termination']);
    assert.throws(() => messageUrl('agreement', 'https://x.example', undefined));
  });

  it('recognises the kind of a message it sent', () => {
    assert.equal(kindOfBody(requestMessage({ consumerPid: 'c', offer: catalogOffer, callbackAddress: 'https://c' })), 'request');
    assert.equal(kindOfBody(terminationMessage({ providerPid: 'p', consumerPid: 'c' }, 'x', undefined)), 'termination');
    assert.equal(kindOfBody({ '@type': 'ContractNegotiationEventMessage', eventType: 'ACCEPTED' }), 'accepted');
    assert.equal(kindOfBody({ '@type': 'ContractNegotiationEventMessage', eventType: 'FINALIZED' }), 'finalized');
    assert.equal(kindOfBody({ '@type': 'Catalog' }), undefined);
  });
});
