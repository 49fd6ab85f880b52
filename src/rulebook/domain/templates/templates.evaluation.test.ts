import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, parsePolicy, type CompiledPolicy, type EvaluationContext } from '../../../policy/index.js';
import { SequentialIds } from '../../../kernel/index.js';
import { createTemplateLibrary, type InstantiateInput } from './template-library.js';
import { EVENTS } from './odrl-terms.js';

/**
 * The templates' policies as the ODRL engine evaluates them: each restriction lets exactly the uses it describes
 * through. This is how an enforcement point resolves the dases events: the contract's activation instant is both
 * the `contractSigned` event and the start of the elapsed time.
 */
const library = createTemplateLibrary({ ids: new SequentialIds() });
const signed = new Date('2026-01-01T00:00:00Z');
const day = 86_400_000;
const base: EvaluationContext = {
  now: new Date(signed.getTime() + 10 * day),
  usageStart: signed,
  events: { [EVENTS.contractSigned]: { start: signed, end: signed } },
  usageCount: 0,
  purpose: 'https://w3id.org/dpv#ResearchAndDevelopment',
  recipient: 'did:web:lab.example',
  spatial: 'https://www.iso.org/obp/ui/#iso:code:3166:FR',
};

async function compiled(templates: InstantiateInput['templates']): Promise<CompiledPolicy> {
  const made = library.instantiate({ templates });
  assert.ok(made.ok, made.ok ? '' : made.error.message);
  const parsed = await parsePolicy(made.value);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  assert.deepEqual(parsed.value.warnings, [], 'the engine has no doubt about the policy');
  return compilePolicy(parsed.value);
}
const permits = (p: CompiledPolicy, ctx: Partial<EvaluationContext> = {}, action = 'read') => p.decide({ action }, { ...base, ...ctx }).permit;

describe('policy templates under the ODRL engine', () => {
  it('a composed research-only policy permits exactly what it says', async () => {
    const p = await compiled([
      { name: 'purpose-restriction', parameters: { purposes: ['research', 'impact-assessment'] } },
      { name: 'period-after-signature', parameters: { duration: 'P30D' } },
      { name: 'max-uses', parameters: { count: 2 } },
      { name: 'recipient-restriction', parameters: { recipients: ['did:web:lab.example'] } },
      { name: 'geographic-restriction', parameters: { regions: ['FR', 'BE'] } },
      { name: 'no-redistribution' },
    ]);
    assert.equal(permits(p), true);
    assert.equal(permits(p, { purpose: 'https://w3id.org/dases/ns#ImpactAssessment' }), true);
    assert.equal(permits(p, { purpose: 'https://w3id.org/dpv#Marketing' }), false, 'another purpose');
    assert.equal(permits(p, { now: new Date(signed.getTime() + 31 * day) }), false, 'after the period');
    assert.equal(permits(p, { events: {} }), false, 'before any signature');
    assert.equal(permits(p, { usageCount: 2 }), false, 'a third use');
    assert.equal(permits(p, { recipient: 'did:web:other.example' }), false, 'another recipient');
    assert.equal(permits(p, { spatial: 'https://www.iso.org/obp/ui/#iso:code:3166:DE' }), false, 'elsewhere');
    assert.equal(permits(p, {}, 'distribute'), false, 'redistribution is prohibited, and wins the conflict');
  });

  it('an access window opens and closes', async () => {
    const p = await compiled([{ name: 'access-window', parameters: { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' } }]);
    assert.equal(permits(p, { now: new Date('2026-01-31T23:59:59Z') }), false);
    assert.equal(permits(p, { now: new Date('2026-02-01T00:00:00Z') }), true);
    assert.equal(permits(p, { now: new Date('2026-03-01T00:00:00Z') }), false);
  });

  it('delete after N days: no effect before the deadline, use denied after it until the deletion is recorded', async () => {
    const p = await compiled([{ name: 'delete-after', parameters: { days: 30 } }]);
    assert.equal(permits(p), true);
    const late = { now: new Date(signed.getTime() + 31 * day) };
    assert.equal(permits(p, late), false);
    const duty = p.policy.permissions[0]?.duties?.[0];
    assert.ok(duty?.id, 'the duty is named');
    assert.equal(permits(p, { ...late, performed: { [duty.id]: { values: {}, at: new Date(signed.getTime() + 30 * day) } } }), true);
  });

  it('payment: denied until the payment of the amount in the currency is recorded', async () => {
    const p = await compiled([{ name: 'payment', parameters: { amount: '50.00', currency: 'EUR' } }]);
    assert.equal(permits(p), false);
    const duty = p.policy.permissions[0]?.duties?.[0];
    assert.ok(duty?.id);
    const paid = (amount: number) => ({ performed: { [duty.id]: { values: { 'http://www.w3.org/ns/odrl/2/payAmount': amount }, unit: 'http://publications.europa.eu/resource/authority/currency/EUR' } } });
    assert.equal(permits(p, paid(50)), true);
    assert.equal(permits(p, paid(20)), false);
  });
});
