import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ASSET, LAB, context, decide, policyOf, use } from '../testing/policy-test-kit.js';
import { compilePolicy } from './policy.compiler.js';

const PROVIDER = 'did:web:provider.example';
const sunday = { leftOperand: 'dateTime', operator: 'gteq', rightOperand: { '@value': '2026-03-01', '@type': 'xsd:date' } };
const agreement = (extra: Record<string, unknown>) => ({ '@type': 'Agreement', uid: 'urn:agreement:1', assigner: PROVIDER, assignee: LAB, target: ASSET, ...extra });

describe('permissions and the action hierarchy', () => {
  it('a permission to use permits read, print and play, not sell (a transfer)', async () => {
    const doc = agreement({ permission: [{ '@id': 'urn:rule:use', action: 'use' }] });
    for (const action of ['use', 'read', 'odrl:print', 'http://www.w3.org/ns/odrl/2/play']) assert.equal((await decide(doc, context(), { ...use, action })).permit, true, action);
    const sell = await decide(doc, context(), { ...use, action: 'sell' });
    assert.equal(sell.permit, false);
    assert.equal(sell.reasons[0]!.code, 'no-matching-permission');
  });

  it('a permission to read does not permit use', async () => {
    const doc = agreement({ permission: [{ '@id': 'urn:rule:read', action: 'read' }] });
    assert.equal((await decide(doc, context(), use)).permit, false);
  });

  it('checks the target and the assignee, and says which one did not match', async () => {
    const doc = agreement({ permission: [{ '@id': 'urn:rule:use', action: 'use' }] });
    const other = await decide(doc, context(), { ...use, party: 'did:web:intruder.example' });
    assert.equal(other.permit, false);
    assert.match(other.reasons[0]!.message, /assignee did:web:lab.example/);
    assert.equal((await decide(doc, context(), { ...use, target: 'urn:asset:other' })).permit, false);
    assert.equal((await decide(doc, context(), { action: 'use', target: ASSET })).permit, false, 'no party, but the rule names one');
  });
});

describe('collections', () => {
  const doc = agreement({ assignee: undefined, target: undefined, permission: [{ '@id': 'urn:rule:c', action: 'read', target: { '@id': 'urn:catalog:skills', '@type': 'AssetCollection' }, assignee: { '@id': 'urn:role:researchers', '@type': 'PartyCollection' } }] });
  it('a party in a party collection, an asset in an asset collection (odrl:partOf in the knowledge)', async () => {
    const knowledge = { partOf: { [LAB]: ['urn:role:researchers'], [ASSET]: ['urn:catalog:skills'] } };
    assert.equal((await decide(doc, context({ knowledge }), { ...use, action: 'read' })).permit, true);
    assert.equal((await decide(doc, context({ knowledge: { partOf: { [ASSET]: ['urn:catalog:skills'] } } }), { ...use, action: 'read' })).permit, false);
  });

  it('memberships the caller knows (roles, credentials, the dataset of a distribution)', async () => {
    const ctx = context({ partyMemberOf: ['urn:role:researchers'], targetPartOf: ['urn:catalog:skills'] });
    assert.equal((await decide(doc, ctx, { ...use, action: 'read' })).permit, true);
  });

  it('refinements of a party collection select its members', async () => {
    const refined = agreement({ assignee: undefined, permission: [{ '@id': 'urn:rule:r', action: 'use', assignee: { '@type': 'PartyCollection', source: 'urn:role:members', refinement: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'FR' }] } }] });
    const base = { partyMemberOf: ['urn:role:members'] };
    assert.equal((await decide(refined, context({ ...base, spatial: 'FR' }))).permit, true);
    const de = await decide(refined, context({ ...base, spatial: 'DE' }));
    assert.equal(de.permit, false);
    assert.equal(de.reasons[0]!.code, 'refinement-not-satisfied');
  });
});

describe('duties (conditions)', () => {
  const notify = { '@id': 'urn:duty:notify', action: 'inform' };
  it('a duty without constraints is in force: the permission is inactive until it is fulfilled', async () => {
    const doc = agreement({ permission: [{ '@id': 'urn:rule:use', action: 'use', duty: [notify] }] });
    const before = await decide(doc, context());
    assert.equal(before.permit, false);
    assert.deepEqual(before.reasons.map((r) => [r.code, r.rule]), [['duty-not-fulfilled', 'urn:duty:notify']]);
    assert.equal((await decide(doc, context({ reported: { 'urn:duty:notify': 'Fulfilled' } }))).permit, true);
    assert.equal((await decide(doc, context({ performed: { 'urn:duty:notify': { values: {} } } }))).permit, true);
  });

  it('unnamed rules (DSP agreements name none) are keyed by their JSON pointer: duties, usage counts', async () => {
    const doc = agreement({ permission: [{ action: 'use', duty: [{ action: 'inform' }], constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: 2 }] }] });
    assert.equal((await decide(doc, context({ usageCount: { '/permission/0': 1 }, reported: { '/permission/0/duty/0': 'Fulfilled' } }))).permit, true);
    assert.equal((await decide(doc, context({ usageCount: { '/permission/0': 2 }, reported: { '/permission/0/duty/0': 'Fulfilled' } }))).permit, false);
    const blocked = await decide(doc, context({ usageCount: 0 }));
    assert.match(blocked.reasons[0]!.message, /the duty at \/permission\/0\/duty\/0 \(.*inform\) is in force/);
  });

  it('a duty whose constraints do not hold is inactive and does not block', async () => {
    const later = { '@id': 'urn:duty:later', action: 'delete', constraint: [{ leftOperand: 'dateTime', operator: 'gt', rightOperand: { '@value': '2027-01-01', '@type': 'xsd:date' } }] };
    const doc = agreement({ permission: [{ '@id': 'urn:rule:use', action: 'use', duty: [later] }] });
    const { permit, trace } = await decide(doc, context());
    assert.equal(permit, true);
    assert.deepEqual([trace.permissions[0]!.duties[0]!.activation, trace.permissions[0]!.duties[0]!.deontic], ['Inactive', 'NonSet']);
  });

  it('a performed duty counts only if its refinements hold for what was performed', async () => {
    const pay = { '@id': 'urn:duty:pay', action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: { '@value': '5.00', '@type': 'xsd:decimal' } }] }] };
    const doc = agreement({ permission: [{ '@id': 'urn:rule:use', action: 'use', duty: [pay] }] });
    const payAmount = 'http://www.w3.org/ns/odrl/2/payAmount';
    assert.equal((await decide(doc, context({ performed: { 'urn:duty:pay': { values: { [payAmount]: 5 } } } }))).permit, true);
    const short = await decide(doc, context({ performed: { 'urn:duty:pay': { values: { [payAmount]: 4 } } } }));
    assert.equal(short.permit, false);
    assert.equal(short.trace.permissions[0]!.duties[0]!.performance, 'Unperformed');
  });
});

describe('prohibitions, remedies, obligations', () => {
  const prohibitDistribution = { '@id': 'urn:rule:no-distribution', action: 'distribute', remedy: [{ '@id': 'urn:remedy:delete', action: 'delete' }] };
  it('an active prohibition covering the request denies it; remedies apply once it is violated', async () => {
    const doc = agreement({ prohibition: [prohibitDistribution], permission: [{ '@id': 'urn:rule:read', action: 'read' }] });
    const denied = await decide(doc, context(), { ...use, action: 'distribute' });
    assert.equal(denied.permit, false);
    assert.ok(denied.reasons.some((r) => r.code === 'prohibited' && r.rule === 'urn:rule:no-distribution'));
    const remedy = denied.trace.prohibitions[0]!.duties[0]!;
    assert.deepEqual([remedy.role, remedy.activation], ['remedy', 'Inactive']);
    const violated = await decide(doc, context({ performed: { 'urn:rule:no-distribution': { values: {} } } }), { ...use, action: 'read' });
    assert.equal(violated.trace.prohibitions[0]!.deontic, 'Violated');
    assert.equal(violated.trace.prohibitions[0]!.duties[0]!.activation, 'Active');
  });

  it('a prohibition on read also catches a request to use (which would include reading)', async () => {
    const doc = agreement({ conflict: 'prohibit', permission: [{ '@id': 'urn:rule:use', action: 'use' }], prohibition: [{ '@id': 'urn:rule:no-read', action: 'read' }] });
    assert.equal((await decide(doc, context(), use)).permit, false);
    assert.equal((await decide(doc, context(), { ...use, action: 'print' })).permit, true);
  });

  it('obligations are evaluated and reported, with consequences once violated, without affecting decisions', async () => {
    const doc = agreement({ permission: [{ '@id': 'urn:rule:use', action: 'use' }], obligation: [{ '@id': 'urn:ob:report', action: 'inform', consequence: [{ '@id': 'urn:ob:fine', action: 'compensate' }] }] });
    const r = await decide(doc, context({ reported: { 'urn:ob:report': 'Violated' } }));
    assert.equal(r.permit, true);
    const ob = r.trace.obligations[0]!;
    assert.deepEqual([ob.role, ob.activation, ob.deontic, ob.duties[0]!.activation], ['obligation', 'Active', 'Violated', 'Active']);
    const fulfilled = await decide(doc, context({ performed: { 'urn:ob:report': { values: {} } } }));
    assert.deepEqual([fulfilled.trace.obligations[0]!.deontic, fulfilled.trace.obligations[0]!.duties[0]!.activation], ['Fulfilled', 'Inactive']);
  });
});

describe('conflict strategies', () => {
  const rules = { permission: [{ '@id': 'urn:rule:use', action: 'use' }], prohibition: [{ '@id': 'urn:rule:no-print', action: 'print', constraint: [sunday] }] };
  const print = { ...use, action: 'print' };
  it('perm: the permission wins, and the answer says a conflict was settled', async () => {
    const r = await decide(agreement({ ...rules, conflict: 'perm' }), context(), print);
    assert.equal(r.permit, true);
    assert.equal(r.trace.conflict.detected, true);
  });

  it('prohibit: the prohibition wins', async () => {
    const r = await decide(agreement({ ...rules, conflict: 'prohibit' }), context(), print);
    assert.equal(r.permit, false);
    assert.deepEqual(r.reasons.map((x) => x.code), ['conflict', 'prohibited']);
  });

  it('invalid, the ODRL default: the policy is void, nothing is permitted for that request', async () => {
    for (const doc of [agreement({ ...rules, conflict: 'invalid' }), agreement(rules)]) {
      const r = await decide(doc, context(), print);
      assert.equal(r.permit, false);
      assert.match(r.reasons[0]!.message, /the policy is void/);
      assert.equal(r.trace.conflict.strategy, 'invalid');
    }
  });

  it('no conflict when the prohibition is inactive or elsewhere', async () => {
    assert.equal((await decide(agreement(rules), context({ now: new Date('2026-02-01T00:00:00Z') }), print)).permit, true);
    assert.equal((await decide(agreement(rules), context(), { ...use, action: 'read' })).permit, true);
  });
});

describe('policy types', () => {
  it('an Offer permits nothing (it is a proposition), unless evaluated as a Set on purpose', async () => {
    const offer = { '@type': 'Offer', uid: 'urn:offer:1', assigner: PROVIDER, permission: [{ action: 'use', target: ASSET }] };
    const r = await decide(offer, context());
    assert.deepEqual([r.permit, r.reasons[0]!.code], [false, 'offer-not-binding']);
    assert.equal((await decide(offer, context(), use, { offerAsSet: true })).permit, true);
  });
});

describe('fast path and trace agree', () => {
  it('on a realistic agreement, over hundreds of requests and contexts; denials carry their reasons', async () => {
    const doc = agreement({
      conflict: 'prohibit',
      permission: [
        { '@id': 'urn:rule:use', action: 'use', duty: [{ '@id': 'urn:duty:inform', action: 'inform', constraint: [{ leftOperand: 'count', operator: 'gt', rightOperand: 8 }] }], constraint: [
          { '@id': 'urn:c:purpose', leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['research', 'education'] },
          { '@id': 'urn:c:region', or: [{ leftOperand: 'spatial', operator: 'isPartOf', rightOperand: { '@id': 'urn:EU' } }, { leftOperand: 'spatial', operator: 'eq', rightOperand: { '@id': 'urn:CH' } }] },
          { '@id': 'urn:c:count', leftOperand: 'count', operator: 'lteq', rightOperand: 10 },
        ] },
      ],
      prohibition: [{ '@id': 'urn:rule:no-print', action: 'print', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'education' }] }],
    });
    const compiled = compilePolicy(await policyOf(doc));
    const knowledge = { partOf: { 'urn:FR': ['urn:EU'] } };
    let permits = 0;
    let n = 0;
    for (const action of ['use', 'read', 'print', 'sell'])
      for (const purpose of ['research', 'education', 'marketing'])
        for (const spatial of ['urn:FR', 'urn:CH', 'urn:US'])
          for (const usageCount of [0, 9, 10])
            for (const reported of [{}, { 'urn:duty:inform': 'Fulfilled' }] as Array<Record<string, 'Fulfilled'>>) {
              const ctx = context({ purpose, spatial, usageCount, knowledge, reported });
              const request = { ...use, action };
              const fast = compiled.decide(request, ctx);
              const traced = compiled.trace(request, ctx).decision;
              assert.deepEqual([fast.permit, fast.permittedBy], [traced.permit, traced.permittedBy], JSON.stringify({ action, purpose, spatial, usageCount, reported }));
              if (!fast.permit) assert.ok(fast.reasons.length > 0);
              permits += Number(fast.permit);
              n += 1;
            }
    assert.ok(permits > 0 && permits < n, `${permits} of ${n}`);
    const over = compiled.decide(use, context({ purpose: 'research', spatial: 'urn:FR', usageCount: 10, knowledge, reported: { 'urn:duty:inform': 'Fulfilled' } }));
    assert.deepEqual(over.reasons.map((r) => [r.code, r.constraint]), [['constraint-not-satisfied', 'urn:c:count']]);
  });
});
