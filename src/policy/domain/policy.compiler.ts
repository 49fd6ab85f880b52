import type { ConstraintResult } from './constraint.compiler.js';
import type { EvaluationContext } from './evaluation-context.js';
import { isOffer, label, ref, type ConflictStrategy, type Constraint, type Policy, type Rule } from './policy.model.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import { compileRule, inScope, normaliseAction, type CompiledRule, type DecisionRequest } from './rule.compiler.js';
import { permitsFast, prohibitsFast, traceDuty, traceRequestRule, type RuleTrace } from './rule.evaluator.js';
import { valueText } from './values.js';

export type ReasonCode =
  | 'no-matching-permission'
  | 'constraint-not-satisfied'
  | 'refinement-not-satisfied'
  | 'duty-not-fulfilled'
  | 'prohibited'
  | 'conflict'
  | 'offer-not-binding';

export interface DecisionReason {
  code: ReasonCode;
  /** The rule and, for constraints, the constraint concerned: IRIs, or JSON pointers of unnamed nodes. */
  rule?: string;
  constraint?: string;
  message: string;
}

export interface Decision {
  permit: boolean;
  /** Why the request is denied (empty when permitted, except a conflict resolved by `perm`). */
  reasons: DecisionReason[];
  /** The permission that grants the request (IRI, or JSON pointer of an unnamed rule). */
  permittedBy?: string;
}

export interface PolicyTrace {
  decision: Decision;
  conflict: { strategy: ConflictStrategy; detected: boolean };
  permissions: RuleTrace[];
  prohibitions: RuleTrace[];
  obligations: RuleTrace[];
}

export interface CompileOptions {
  /**
   * The formal semantics says an Offer is a proposition an evaluator must not consider, so it permits nothing.
   * Set this to evaluate an Offer as a Set (e.g. to tell a consumer whether it could use an offer).
   */
  offerAsSet?: boolean;
}

/** A policy prepared for evaluation: `decide` is the data plane's fast path, `trace` feeds compliance reports. */
export interface CompiledPolicy {
  policy: Policy;
  /** Permit or deny, without RDF work; reasons are computed only for denials. */
  decide(request: DecisionRequest, ctx: EvaluationContext): Decision;
  /** Everything the evaluation found, every premise and constraint evaluated (no short-circuit). */
  trace(request: DecisionRequest, ctx: EvaluationContext): PolicyTrace;
}

const ACTION_CACHE_LIMIT = 1024;

/** Compiles a parsed policy (what parsePolicy returns, or its `policy`). */
export function compilePolicy(parsed: Policy | { policy: Policy }, opts: CompileOptions = {}): CompiledPolicy {
  const policy = 'policy' in parsed ? parsed.policy : parsed;
  const permissions = policy.permissions.map(compileRule);
  const prohibitions = policy.prohibitions.map(compileRule);
  const obligations = policy.obligations.map(compileRule);
  const notBinding = isOffer(policy) && !opts.offerAsSet;
  const actions = new Map<string, string>();
  const actionOf = (a: string): string => {
    const hit = actions.get(a);
    if (hit !== undefined) return hit;
    const n = normaliseAction(a);
    if (actions.size < ACTION_CACHE_LIMIT) actions.set(a, n);
    return n;
  };

  const trace = (request: DecisionRequest, ctx: EvaluationContext): PolicyTrace => {
    const action = actionOf(request.action);
    const p = permissions.map((cr) => traceRequestRule(cr, action, request, ctx));
    const q = prohibitions.map((cr) => traceRequestRule(cr, action, request, ctx));
    const o = obligations.map((cr) => traceDuty(cr, ctx, true));
    const permitting = p.find((t) => t.control === 'Permit');
    const prohibiting = q.filter((t) => t.activation === 'Active' && t.attempted).map((t) => t.rule);
    const failed = p.filter((t) => t.premises.every((pr) => pr.member));
    const decision = notBinding ? offerDecision() : conclude(policy, permitting?.rule, failed, prohibiting, () => noMatch(permissions, action, request, ctx));
    return { decision, conflict: { strategy: policy.conflict, detected: permitting !== undefined && prohibiting.length > 0 }, permissions: p, prohibitions: q, obligations: o };
  };

  // Same semantics as `trace`, short-circuited: only permissions in scope are checked, and only the ones that
  // fail are traced (for the reasons of a denial).
  const decide = (request: DecisionRequest, ctx: EvaluationContext): Decision => {
    if (notBinding) return offerDecision();
    const action = actionOf(request.action);
    let granting: CompiledRule | undefined;
    const failing: CompiledRule[] = [];
    for (const cr of permissions) {
      if (!inScope(cr, action, request, ctx)) continue;
      if (permitsFast(cr, request, ctx)) {
        granting = cr;
        break;
      }
      failing.push(cr);
    }
    if (granting && prohibitions.length === 0) return { permit: true, reasons: [], permittedBy: ref(granting.rule) };
    const prohibiting = prohibitions.filter((cr) => prohibitsFast(cr, action, request, ctx)).map((cr) => cr.rule);
    const failed = granting ? [] : failing.map((cr) => traceRequestRule(cr, action, request, ctx));
    return conclude(policy, granting?.rule, failed, prohibiting, () => noMatch(permissions, action, request, ctx));
  };

  return { policy, decide, trace };
}

const offerDecision = (): Decision => ({ permit: false, reasons: [{ code: 'offer-not-binding', message: 'an Offer is a proposition: it permits nothing until it becomes an Agreement' }] });

/**
 * The policy's answer (ODRL IM: only what a permission allows may be done; a permission and a prohibition both
 * applying are a conflict the policy's conflict strategy settles: perm, prohibit, or invalid = the policy is void).
 * Loops rather than flatMap/spread: denials are as frequent as permits on the data plane.
 */
function conclude(policy: Policy, granting: Rule | undefined, failed: RuleTrace[], prohibiting: Rule[], noMatchReasons: () => DecisionReason[]): Decision {
  if (!granting) {
    const reasons: DecisionReason[] = failed.length === 0 ? noMatchReasons() : [];
    for (const t of failed) whyNot(t, reasons);
    return { permit: false, reasons: prohibited(reasons, prohibiting) };
  }
  const permittedBy = ref(granting);
  if (prohibiting.length === 0) return { permit: true, reasons: [], permittedBy };
  const conflict: DecisionReason = {
    code: 'conflict',
    rule: permittedBy,
    message: `${label(granting, 'permission')} and ${label(prohibiting[0]!, 'prohibition')} both apply; conflict strategy "${policy.conflict}"${policy.conflictStated ? '' : ' (ODRL default)'}${policy.conflict === 'invalid' ? ': the policy is void' : ''}`,
  };
  if (policy.conflict === 'perm') return { permit: true, reasons: [conflict], permittedBy };
  return { permit: false, reasons: prohibited([conflict], prohibiting) };
}

function prohibited(out: DecisionReason[], prohibiting: Rule[]): DecisionReason[] {
  for (const r of prohibiting) out.push({ code: 'prohibited', rule: ref(r), message: `${label(r, 'prohibition')} is active and covers the request` });
  return out;
}

/** No permission is about this request: say which ones came closest (right action, wrong target or party). */
function noMatch(permissions: CompiledRule[], action: string, req: DecisionRequest, ctx: EvaluationContext): DecisionReason[] {
  const what = `${action}${req.target ? ` on ${req.target}` : ''}${req.party ? ` by ${req.party}` : ''}`;
  const near = permissions.filter((cr) => cr.action.member(action, ctx));
  if (near.length === 0) return [{ code: 'no-matching-permission', message: `no permission covers ${what}` }];
  return near.map((cr) => {
    const misses = [!cr.target.member(req.target, ctx) && `target ${cr.rule.target?.id}`, !cr.party.member(req.party, ctx) && `assignee ${cr.rule.assignee?.id}`].filter(Boolean);
    return { code: 'no-matching-permission', rule: ref(cr.rule), message: `${label(cr.rule, 'permission')} covers the action but not this request (its ${misses.join(' and ')})` };
  });
}

/** Why a permission in scope of the request does not permit it: unsatisfied constraints, refinements, duties. */
function whyNot(t: RuleTrace, out: DecisionReason[]): void {
  const rule = ref(t.rule);
  for (const c of leaves(t.constraints, [])) out.push({ code: 'constraint-not-satisfied', rule, constraint: ref(c.constraint), message: describe(c) });
  for (const pr of t.premises) for (const c of leaves(pr.refinements, [])) out.push({ code: 'refinement-not-satisfied', rule, constraint: ref(c.constraint), message: describe(c) });
  for (const d of t.duties) {
    if (d.activation === 'Active' && d.deontic !== 'Fulfilled') out.push({ code: 'duty-not-fulfilled', rule: ref(d.rule), message: `${label(d.rule, 'duty')} (${d.rule.action.action}) is in force and not fulfilled` });
  }
}

/** The unsatisfied constraints that explain a failure: the atomic ones under unsatisfied logical constraints. */
function leaves(results: readonly ConstraintResult[], out: ConstraintResult[]): ConstraintResult[] {
  for (const r of results) {
    if (r.satisfied) continue;
    if (r.members && r.members.some((m) => !m.satisfied)) leaves(r.members, out);
    else out.push(r);
  }
  return out;
}

const statements = new WeakMap<Constraint, string>();

/** "purpose isAnyOf a, b is not satisfied (value: c)"; the constant part is built once per constraint. */
function describe(r: ConstraintResult): string {
  const c = r.constraint;
  if (c.kind === 'logical') return `${label(c, 'logical constraint')} (${c.operator}) is not satisfied`;
  let statement = statements.get(c);
  if (statement === undefined) statements.set(c, (statement = `${c.leftOperand.replace(ODRL_NS, 'odrl:')} ${c.operator} ${c.rightOperand.map((t) => t.value).join(', ') || c.rightOperandReference}`));
  if (r.reason) return `${statement} is not satisfied: ${r.reason}`;
  return r.left && r.left.length > 0 ? `${statement} is not satisfied (value: ${r.left.map(valueText).join(', ')})` : `${statement} is not satisfied`;
}
