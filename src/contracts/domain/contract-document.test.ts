import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ecosystem } from '../testing/fixtures.js';
import { amend, bilateralFromAgreement, hashOf, parseContractDocument, requiredParties, type ContractDocument } from './contract-document.js';

const A = 'did:web:a.example';
const B = 'did:web:b.example';
const C = 'did:web:c.example';
const sha = (s: string) => `sha256:${createHash('sha256').update(s, 'utf8').digest('hex')}`;

const agreement = {
  '@id': 'urn:uuid:6f1d0e8a-1111-4a4a-8b8b-000000000001',
  '@type': 'Agreement',
  assigner: A,
  assignee: B,
  target: 'urn:uuid:dataset-1',
  timestamp: '2026-01-01T00:00:00Z',
  permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }],
};

describe('contract documents', () => {
  it('hashes the RFC 8785 canonical JSON: key order and insignificant number forms do not matter', () => {
    const doc = bilateralFromAgreement({ agreement, providerDid: A, consumerDid: B, offerId: 'urn:uuid:offer-1' });
    const byHand =
      `{"agreementId":"${agreement['@id']}","consumer":"${B}","id":"${doc.id}","offerId":"urn:uuid:offer-1",` +
      `"policy":{"@id":"${agreement['@id']}","@type":"Agreement","assignee":"${B}","assigner":"${A}",` +
      `"permission":[{"action":"use","constraint":[{"leftOperand":"purpose","operator":"eq","rightOperand":"research"}]}],` +
      `"target":"urn:uuid:dataset-1","timestamp":"2026-01-01T00:00:00Z"},"provider":"${A}","type":"BilateralContract","version":1}`;
    assert.equal(hashOf(doc), sha(byHand));
    const reversedText = `{${Object.entries({ ...doc, policy: Object.fromEntries(Object.entries(doc.policy).reverse()) })
      .reverse()
      .map(([k, v]) => `${JSON.stringify(k)}: ${k === 'version' ? '1.0e0' : JSON.stringify(v)}`)
      .join(',\n')}}`;
    const reordered = JSON.parse(reversedText) as ContractDocument;
    assert.equal(hashOf(reordered), hashOf(doc));
    assert.match(hashOf(doc), /^sha256:[0-9a-f]{64}$/);
  });

  it('builds the same bilateral contract on both sides of an agreement, and another one for another agreement', () => {
    const provider = bilateralFromAgreement({ agreement, providerDid: A, consumerDid: B, offerId: 'urn:uuid:offer-1', purpose: 'research' });
    const consumer = bilateralFromAgreement({ agreement: JSON.parse(JSON.stringify(agreement)) as Record<string, unknown>, providerDid: A, consumerDid: B, offerId: 'urn:uuid:offer-1', purpose: 'research' });
    assert.equal(hashOf(provider), hashOf(consumer));
    assert.equal(provider.id, consumer.id);
    assert.match(provider.id, /^urn:dases:contract:[0-9a-f]{32}$/);
    const other = bilateralFromAgreement({ agreement: { ...agreement, '@id': 'urn:uuid:other' }, providerDid: A, consumerDid: B, offerId: 'urn:uuid:offer-1', purpose: 'research' });
    assert.notEqual(other.id, provider.id);
    assert.notEqual(hashOf({ ...provider, purpose: 'guidance' }), hashOf(provider));
    assert.ok(parseContractDocument(provider).ok);
    assert.throws(() => bilateralFromAgreement({ agreement: { permission: [] }, providerDid: A, consumerDid: B, offerId: 'o' }), /no @id/);
  });

  it('names the parties that must sign', () => {
    assert.deepEqual(requiredParties(bilateralFromAgreement({ agreement, providerDid: A, consumerDid: B, offerId: 'o' })), [{ did: A, role: 'provider' }, { did: B, role: 'consumer' }]);
    assert.deepEqual(requiredParties(ecosystem()).map((p) => p.role), ['orchestrator', 'data-provider', 'data-consumer']);
  });

  it('refuses malformed documents with the offending field', () => {
    const paths = (v: unknown) => {
      const r = parseContractDocument(v, '/body');
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    assert.deepEqual(paths({ type: 'Contract' }), ['/body/type']);
    assert.deepEqual(paths(null), ['/body/type']);
    assert.ok(paths(ecosystem({ members: [ecosystem().members[0]!, { ...ecosystem().members[1]!, did: 'not-a-did' }] })).includes('/body/members/1/did'));
    assert.deepEqual(paths(ecosystem({ members: [ecosystem().members[0]!, ecosystem().members[0]!] })), ['/body/members/1/did']);
    assert.deepEqual(paths(ecosystem({ proposer: 'did:web:stranger.example' })), ['/body/proposer']);
    assert.deepEqual(paths(ecosystem({ version: 2 })), ['/body/previousVersion']);
    assert.deepEqual(paths(ecosystem({ previousVersion: `sha256:${'b'.repeat(64)}` })), ['/body/previousVersion']);
    assert.deepEqual(paths(ecosystem({ validUntil: '2025-01-01T00:00:00Z' })), ['/body/validUntil']);
    assert.deepEqual(paths(ecosystem({ validUntil: '2026-13-45T00:00:00Z' })), ['/body/validUntil']);
    assert.deepEqual(paths({ ...ecosystem(), extra: 1 }), ['/body/extra']);
    const bil = bilateralFromAgreement({ agreement, providerDid: A, consumerDid: B, offerId: 'o' });
    assert.deepEqual(paths({ ...bil, consumer: A }), ['/body/consumer']);
    assert.deepEqual(paths({ ...bil, policy: 'use it' }), ['/body/policy']);
  });

  it('amends into a new version that links the previous hash and needs a change', () => {
    const v1 = ecosystem();
    const r = amend(v1, { title: 'Impact study (extended)' }, { proposer: B, createdAt: '2026-02-01T00:00:00Z' });
    assert.ok(r.ok);
    assert.equal(r.value.version, 2);
    assert.equal(r.value.previousVersion, hashOf(v1));
    assert.equal(r.value.proposer, B);
    assert.notEqual(hashOf(r.value), hashOf(v1));
    const v3 = amend(r.value, { rulebookHash: 'sha256:' + 'c'.repeat(64) }, { proposer: A, createdAt: '2026-03-01T00:00:00Z' });
    assert.ok(v3.ok && v3.value.version === 3 && v3.value.previousVersion === hashOf(r.value));

    const same = amend(v1, { title: v1.title }, { proposer: A, createdAt: '2026-02-01T00:00:00Z' });
    assert.ok(!same.ok);
    const none = amend(v1, {}, { proposer: A, createdAt: '2026-02-01T00:00:00Z' }, '/body');
    assert.deepEqual(none.ok ? [] : none.errors.map((e) => e.path), ['/body']);
    const wrongKind = amend(bilateralFromAgreement({ agreement, providerDid: A, consumerDid: B, offerId: 'o' }), { members: v1.members }, { proposer: A, createdAt: '2026-02-01T00:00:00Z' }, '/body');
    assert.deepEqual(wrongKind.ok ? [] : wrongKind.errors.map((e) => e.path), ['/body/members']);
    const dropsProposer = amend(v1, { members: v1.members.slice(1) }, { proposer: A, createdAt: '2026-02-01T00:00:00Z' }, '/body');
    assert.deepEqual(dropsProposer.ok ? [] : dropsProposer.errors.map((e) => e.path), ['/body/proposer']);
  });
});
