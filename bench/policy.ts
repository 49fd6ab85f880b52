// ODRL evaluation throughput (`node --import tsx bench/policy.ts`): decisions per second on one core through the
// compiled fast path, for realistic data-space agreements, beside a baseline measured in the same run (the same
// engine deciding a policy of one unconstrained permission). Target: at least 100,000 decisions/s.
import { compilePolicy, parsePolicy, type CompiledPolicy, type DecisionRequest, type EvaluationContext } from '../src/policy/index.js';

const ODRL = 'http://www.w3.org/ns/odrl.jsonld';
const CONSUMER = 'did:web:lab.example';
const DATASET = 'urn:uuid:8f1c2a9e-0d3b-4c55-9a7e-2f1e6b0c4d21';

/** An agreement as issue 5's templates produce them: access window, purposes, use count, region, recipient, duties. */
const agreement = {
  '@context': ODRL,
  '@type': 'Agreement',
  uid: 'urn:uuid:agreement-bench',
  assigner: 'did:web:provider.example',
  assignee: CONSUMER,
  target: DATASET,
  permission: [
    {
      '@id': 'urn:uuid:rule-use',
      action: 'use',
      constraint: [
        { '@id': 'urn:c:window', and: [
          { '@id': 'urn:c:from', leftOperand: 'dateTime', operator: 'gteq', rightOperand: { '@value': '2026-01-01', '@type': 'xsd:date' } },
          { '@id': 'urn:c:to', leftOperand: 'dateTime', operator: 'lt', rightOperand: { '@value': '2027-01-01T00:00:00Z', '@type': 'xsd:dateTime' } },
        ] },
        { '@id': 'urn:c:purpose', leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: [{ '@id': 'https://w3id.org/dpv#ResearchAndDevelopment' }, { '@id': 'https://w3id.org/dpv#ServiceImprovement' }] },
        { '@id': 'urn:c:count', leftOperand: 'count', operator: 'lteq', rightOperand: { '@value': '1000', '@type': 'xsd:integer' } },
        { '@id': 'urn:c:region', or: [
          { '@id': 'urn:c:eu', leftOperand: 'spatial', operator: 'isPartOf', rightOperand: { '@id': 'urn:region:EU' } },
          { '@id': 'urn:c:ch', leftOperand: 'spatial', operator: 'eq', rightOperand: { '@id': 'urn:country:CH' } },
        ] },
        { '@id': 'urn:c:elapsed', leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: { '@value': 'P365D', '@type': 'xsd:duration' } },
      ],
      duty: [{ '@id': 'urn:duty:notify', action: 'inform', constraint: [{ '@id': 'urn:c:notify-after', leftOperand: 'count', operator: 'gt', rightOperand: { '@value': '900', '@type': 'xsd:integer' } }] }],
    },
    { '@id': 'urn:uuid:rule-read', action: 'read', constraint: [{ '@id': 'urn:c:recipient', leftOperand: 'recipient', operator: 'eq', rightOperand: { '@id': CONSUMER } }] },
  ],
  prohibition: [
    { '@id': 'urn:uuid:no-redistribution', action: 'distribute' },
    { '@id': 'urn:uuid:no-sale', action: 'sell' },
  ],
};

const trivial = { '@context': ODRL, '@type': 'Set', uid: 'urn:uuid:trivial', permission: [{ '@id': 'urn:uuid:any', target: DATASET, action: 'use' }] };

async function compiled(doc: Record<string, unknown>): Promise<CompiledPolicy> {
  const parsed = await parsePolicy(doc);
  if (!parsed.ok) throw parsed.error;
  return compilePolicy(parsed.value);
}

/** Requests cycling through permits and denials (wrong purpose, a prohibited action, outside the region, over the count). */
function workload(): Array<{ request: DecisionRequest; ctx: EvaluationContext }> {
  const knowledge = { partOf: { 'urn:country:FR': ['urn:region:EU'], 'urn:country:DE': ['urn:region:EU'] } };
  const base = { now: new Date('2026-06-15T10:00:00Z'), usageStart: new Date('2026-02-01T00:00:00Z'), knowledge, recipient: CONSUMER };
  const out: Array<{ request: DecisionRequest; ctx: EvaluationContext }> = [];
  for (let i = 0; i < 64; i++) {
    const action = ['use', 'read', 'distribute', 'odrl:use'][i % 4]!;
    const purpose = i % 5 === 0 ? 'https://w3id.org/dpv#Marketing' : 'https://w3id.org/dpv#ResearchAndDevelopment';
    const spatial = ['urn:country:FR', 'urn:country:DE', 'urn:country:CH', 'urn:country:US'][i % 4]!;
    out.push({ request: { action, target: DATASET, party: CONSUMER }, ctx: { ...base, purpose, spatial, usageCount: (i * 37) % 1100 } });
  }
  return out;
}

function rate(policy: CompiledPolicy, work: ReturnType<typeof workload>, seconds: number): { perSecond: number; permits: number } {
  let n = 0;
  let permits = 0;
  // Warm up the JIT before timing.
  for (let i = 0; i < 20_000; i++) policy.decide(work[i % work.length]!.request, work[i % work.length]!.ctx);
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 1000; i++) {
      const w = work[(n + i) % work.length]!;
      if (policy.decide(w.request, w.ctx).permit) permits += 1;
    }
    n += 1000;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: n / elapsed, permits: permits / n };
}

async function main(): Promise<void> {
  const work = workload();
  const trivialPolicy = await compiled(trivial);
  const policy = await compiled(agreement);
  const permits = work.filter((w) => policy.decide(w.request, w.ctx).permit);
  const denials = work.filter((w) => !policy.decide(w.request, w.ctx).permit);
  const baseline = rate(trivialPolicy, work, 2);
  const rows: Array<[string, number]> = [
    [`decide, realistic agreement, mixed workload (${Math.round((permits.length / work.length) * 100)}% permits)`, rate(policy, work, 3).perSecond],
    ['decide, realistic agreement, permits only', rate(policy, permits, 2).perSecond],
    ['decide, realistic agreement, denials only (reasons computed)', rate(policy, denials, 2).perSecond],
  ];
  const t0 = process.hrtime.bigint();
  let traces = 0;
  while (process.hrtime.bigint() - t0 < 2_000_000_000n) {
    const w = work[traces++ % work.length]!;
    policy.trace(w.request, w.ctx);
  }
  rows.push(['trace (every premise evaluated, for a compliance report)', traces / 2]);
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(12);
  process.stdout.write(`\nODRL evaluation on one core (${new Date().toISOString()}, Node ${process.version})\n`);
  process.stdout.write(`${'measure'.padEnd(76)} ${'per second'.padStart(12)} ${'cost x baseline'.padStart(16)}  target\n`);
  process.stdout.write(`${'baseline: decide, a policy of one unconstrained permission'.padEnd(76)} ${fmt(baseline.perSecond)} ${'1.0'.padStart(16)}\n`);
  for (const [what, perSecond] of rows) {
    const target = what.includes('mixed') ? '>= 100,000/s' : '';
    process.stdout.write(`${what.padEnd(76)} ${fmt(perSecond)} ${(baseline.perSecond / perSecond).toFixed(1).padStart(16)}  ${target}\n`);
  }
  if (rows[0]![1] < 100_000) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
