import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, parsePolicy, type Policy } from '../../policy/index.js';
import { denialOf, hasCountConstraint } from './usage-denial.js';

const C = 'did:web:consumer.example';
const facts = { used: 2, purpose: 'research', recipient: C, agreedAt: new Date('2026-01-01T00:00:00Z') };

async function policyOf(constraint: object[]): Promise<Policy> {
  const parsed = await parsePolicy({ '@type': 'Agreement', '@id': 'urn:ag', assigner: 'did:web:p', assignee: C, target: 'urn:ds', permission: [{ action: 'use', constraint }] });
  assert.ok(parsed.ok);
  return parsed.value.policy;
}

async function denied(constraint: object[], ctx: { now: Date; usageCount?: number; purpose?: string }) {
  const policy = await policyOf(constraint);
  const decision = compilePolicy(policy).decide({ action: 'use', target: 'urn:ds', party: C }, { recipient: C, ...ctx });
  assert.equal(decision.permit, false);
  return denialOf(policy, decision, { ...facts, used: ctx.usageCount ?? 0 });
}

describe('usage denials', () => {
  it('finds count constraints, nested in logical constraints too', async () => {
    assert.equal(hasCountConstraint(await policyOf([{ leftOperand: 'count', operator: 'lteq', rightOperand: 5 }])), true);
    assert.equal(hasCountConstraint(await policyOf([{ or: [{ leftOperand: 'count', operator: 'lt', rightOperand: 5 }, { leftOperand: 'purpose', operator: 'eq', rightOperand: 'x' }] }])), true);
    assert.equal(hasCountConstraint(await policyOf([{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2026-12-31' }])), false);
  });

  it('names the failing constraint in words', async () => {
    assert.deepEqual(await denied([{ leftOperand: 'count', operator: 'lt', rightOperand: 3 }], { now: new Date(), usageCount: 2 }), { code: 'DS_USAGE_COUNT_EXHAUSTED', status: 403, reason: 'count: 2 uses allowed, 2 used' });
    const late = await denied([{ leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2030-01-01' }], { now: new Date('2026-05-01T00:00:00Z') });
    assert.deepEqual([late.code, late.reason], ['DS_USAGE_POLICY_DENIED', "the agreement's policy does not permit the use now: dateTime constraint: use allowed from 2030-01-01"]);
    const both = await denied([{ leftOperand: 'count', operator: 'lteq', rightOperand: 1 }, { leftOperand: 'purpose', operator: 'eq', rightOperand: 'teaching' }], { now: new Date(), usageCount: 1, purpose: 'research' });
    assert.equal(both.code, 'DS_USAGE_POLICY_DENIED', 'not only the count failed');
    assert.match(both.reason, /count: 1 use allowed, 1 used; purpose constraint: purpose eq teaching, the agreement's purpose is "research"/);
  });
});
