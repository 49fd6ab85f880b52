import type { ConstraintResult } from './constraint.compiler.js';
import { forRule, type EvaluationContext } from './evaluation-context.js';
import type { Scope } from './left-operands.js';
import type { Duty, DutyRole, Rule, RuleKind } from './policy.model.js';
import { inScope, refinementsHold, type CompiledRule, type DecisionRequest, type PremiseResult } from './rule.compiler.js';

export type ActivationState = 'Active' | 'Inactive';
export type DeonticState = 'NonSet' | 'Violated' | 'Fulfilled';
export type PerformanceState = 'Performed' | 'Unperformed';
export type ControlState = 'Permit' | 'Deny';

/** Everything the evaluation found about one atomic rule: its states, each premise, each constraint, each duty. */
export interface RuleTrace {
  rule: Rule;
  role: RuleKind | DutyRole;
  activation: ActivationState;
  /** Request-facing rules: the request is in the rule's scope (target, party, action and refinements hold). */
  attempted?: boolean;
  /** Permissions: Permit when active and the request is in its scope. */
  control?: ControlState;
  /** Prohibitions, obligations and duties. */
  deontic?: DeonticState;
  /** Obligations and duties: whether the action, refinements satisfied, has been performed. */
  performance?: PerformanceState;
  premises: PremiseResult[];
  constraints: ConstraintResult[];
  duties: RuleTrace[];
}

/*
 * The W3C ODRL Formal Semantics (draft): a permission is active iff all its constraints are satisfied and each
 * condition (duty) is fulfilled or inactive; it permits the request iff it is active and the request is in the
 * class of actions it regulates, with the right target and assignee, refinements satisfied. A prohibition is
 * active iff its constraints are satisfied; an active prohibition is violated when its action is performed, and then
 * its remedies apply. A duty is active iff its constraints are satisfied (remedies and consequences only once
 * their parent is violated), and fulfilled when active and its action, refinements satisfied, is performed.
 */

/** Permissions and prohibitions, evaluated against the request with every premise reported. */
export function traceRequestRule(cr: CompiledRule, action: string, req: DecisionRequest, ctx: EvaluationContext): RuleTrace {
  const rule = cr.rule;
  const scope: Scope = { rule, ...(req.party !== undefined ? { party: req.party } : {}) };
  const premises: PremiseResult[] = [];
  const applies = [cr.target.trace(req.target, ctx, scope, premises), cr.party.trace(req.party, ctx, scope, premises), cr.action.trace(action, ctx, scope, premises)].every(Boolean);
  const constraints: ConstraintResult[] = [];
  const satisfied = cr.constraints(ctx, scope, constraints);
  if (rule.kind === 'permission') {
    const duties = cr.duties.map((d) => traceDuty(d, ctx, true));
    const active = satisfied && duties.every((d) => d.activation === 'Inactive' || d.deontic === 'Fulfilled');
    return { rule, role: 'permission', activation: active ? 'Active' : 'Inactive', attempted: applies, control: active && applies ? 'Permit' : 'Deny', premises, constraints, duties };
  }
  const violated = satisfied && (forRule(ctx.performed, rule) !== undefined || forRule(ctx.reported, rule) === 'Violated');
  const duties = cr.duties.map((d) => traceDuty(d, ctx, violated));
  return { rule, role: 'prohibition', activation: satisfied ? 'Active' : 'Inactive', attempted: applies, deontic: violated ? 'Violated' : 'NonSet', premises, constraints, duties };
}

/**
 * Duties (conditions, remedies, consequences) and obligations. `triggered`: a condition or obligation is always
 * in force; a remedy or consequence only once its parent is violated.
 */
export function traceDuty(cr: CompiledRule, ctx: EvaluationContext, triggered: boolean): RuleTrace {
  const rule = cr.rule;
  const constraints: ConstraintResult[] = [];
  const satisfied = cr.constraints(ctx, { rule }, constraints);
  const active = triggered && satisfied;
  const record = forRule(ctx.performed, rule);
  const refinements: ConstraintResult[] = [];
  // Refinements are reported even without a recorded performance (then against the context): nothing is skipped.
  const refined = cr.action.refined(ctx, record ? { rule, performed: record } : { rule }, refinements);
  const performed = record ? refined : forRule(ctx.reported, rule) === 'Fulfilled';
  const deontic: DeonticState = !active ? 'NonSet' : performed ? 'Fulfilled' : forRule(ctx.reported, rule) === 'Violated' ? 'Violated' : 'NonSet';
  const duties = cr.duties.map((d) => traceDuty(d, ctx, deontic === 'Violated'));
  return {
    rule,
    role: rule.kind === 'duty' ? (rule as Duty).role : 'obligation',
    activation: active ? 'Active' : 'Inactive',
    deontic,
    performance: performed ? 'Performed' : 'Unperformed',
    premises: [{ kind: 'action', member: performed, satisfied: performed, refinements }],
    constraints,
    duties,
  };
}

/** The fast path's permission check, once the rule is known to be in scope: short-circuited, no trace. */
export function permitsFast(cr: CompiledRule, req: DecisionRequest, ctx: EvaluationContext): boolean {
  const scope: Scope = req.party !== undefined ? { rule: cr.rule, party: req.party } : { rule: cr.rule };
  return refinementsHold(cr, ctx, scope) && cr.constraints(ctx, scope) && cr.duties.every((d) => !d.constraints(ctx, { rule: d.rule }) || dutyPerformedFast(d, ctx));
}

function dutyPerformedFast(d: CompiledRule, ctx: EvaluationContext): boolean {
  const record = forRule(ctx.performed, d.rule);
  return record ? d.action.refined(ctx, { rule: d.rule, performed: record }) : forRule(ctx.reported, d.rule) === 'Fulfilled';
}

/** The fast path's prohibition check: in scope, refinements and constraints hold. */
export function prohibitsFast(cr: CompiledRule, action: string, req: DecisionRequest, ctx: EvaluationContext): boolean {
  if (!inScope(cr, action, req, ctx)) return false;
  const scope: Scope = req.party !== undefined ? { rule: cr.rule, party: req.party } : { rule: cr.rule };
  return refinementsHold(cr, ctx, scope) && cr.constraints(ctx, scope);
}
