import { parsePolicy, type ParsedPolicy } from '../app/policy-engine.js';
import type { EvaluationContext } from '../domain/evaluation-context.js';
import { compilePolicy, type CompileOptions, type Decision, type PolicyTrace } from '../domain/policy.compiler.js';
import type { DecisionRequest } from '../domain/rule.compiler.js';

/** Test helpers: policies written as compact ODRL JSON (the W3C context is the default), evaluated at a fixed instant. */
export const NOW = new Date('2026-03-01T12:00:00Z');
export const ASSET = 'urn:asset:skills';
export const LAB = 'did:web:lab.example';

export async function policyOf(doc: Record<string, unknown> | string): Promise<ParsedPolicy> {
  const r = await parsePolicy(doc);
  if (!r.ok) throw new Error(`${r.error.message} ${JSON.stringify(r.error.errors)}`);
  return r.value;
}

export const context = (extra: Partial<EvaluationContext> = {}): EvaluationContext => ({ now: NOW, ...extra });

export const use: DecisionRequest = { action: 'use', target: ASSET, party: LAB };

/** Decides with the fast path and checks that the full trace reaches the same answer (one semantics, two paths). */
export async function decide(doc: Record<string, unknown>, ctx: EvaluationContext, request: DecisionRequest = use, opts: CompileOptions = {}): Promise<Decision & { trace: PolicyTrace }> {
  const compiled = compilePolicy(await policyOf(doc), opts);
  const fast = compiled.decide(request, ctx);
  const trace = compiled.trace(request, ctx);
  if (fast.permit !== trace.decision.permit) throw new Error(`fast path says ${fast.permit}, trace says ${trace.decision.permit}`);
  return { ...fast, trace };
}

/** A Set permitting `use` of ASSET under the given constraints (compact ODRL JSON). */
export const permitWith = (...constraint: Record<string, unknown>[]): Record<string, unknown> => ({
  '@type': 'Set',
  uid: 'urn:policy:test',
  permission: [{ '@id': 'urn:rule:p', target: ASSET, action: 'use', constraint }],
});

/** Whether one constraint holds, through the whole engine (reader, compiler, trace). */
export async function holds(constraint: Record<string, unknown>, ctx: EvaluationContext, request: DecisionRequest = use): Promise<boolean> {
  const { trace } = await decide(permitWith({ '@id': 'urn:constraint:c', ...constraint }), ctx, request);
  const result = trace.permissions[0]!.constraints[0]!;
  return result.satisfied;
}
