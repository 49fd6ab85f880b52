import { actionAncestors, actionDescendants, actionIncludedIn, canonicalAction } from './action-hierarchy.js';
import { compileAll, type ConstraintResult, type ConstraintTest } from './constraint.compiler.js';
import { own, reaches, type EvaluationContext } from './evaluation-context.js';
import type { Scope } from './left-operands.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import type { Duty, EntityRef, Rule } from './policy.model.js';

/** What is asked: an action on an asset by a party (the evaluation request). */
export interface DecisionRequest {
  /** An action IRI, `odrl:`-prefixed name or ODRL term (`use`, `odrl:read`, `http://www.w3.org/ns/odrl/2/print`). */
  action: string;
  target?: string;
  /** The requesting party (the assignee the rule must name): a DID for counterparties. */
  party?: string;
}

export interface PremiseResult {
  kind: 'target' | 'party' | 'action';
  /** The request's value is the rule's (or a member of its collection, or an action in its class)… */
  member: boolean;
  /** …and the refinements hold. */
  satisfied: boolean;
  refinements: ConstraintResult[];
}

/**
 * One premise of a rule (target, party or action). `member` is the cheap part (identity, collection membership,
 * action hierarchy); `refined` the premise's refinements; `trace` reports both.
 */
export interface Premise<V> {
  member(value: V, ctx: EvaluationContext): boolean;
  refined: ConstraintTest;
  /** True when there are refinements to check. */
  refinable: boolean;
  trace(value: V, ctx: EvaluationContext, scope: Scope, out: PremiseResult[]): boolean;
}

export interface CompiledRule {
  rule: Rule;
  target: Premise<string | undefined>;
  party: Premise<string | undefined>;
  /** The request's action is in the class of actions the rule regulates. */
  action: Premise<string>;
  constraints: ConstraintTest;
  duties: CompiledRule[];
}

/** `use`, `odrl:use` and the full IRI all name odrl:use; deprecated actions name their ODRL 2.2 equivalent. */
export function normaliseAction(action: string): string {
  if (action.startsWith('odrl:')) return canonicalAction(`${ODRL_NS}${action.slice(5)}`);
  if (!action.includes(':')) return canonicalAction(`${ODRL_NS}${action}`);
  return canonicalAction(action);
}

function premise<V>(kind: PremiseResult['kind'], member: (value: V, ctx: EvaluationContext) => boolean, refinements: ConstraintTest, refinable: boolean): Premise<V> {
  return {
    member,
    refined: refinements,
    refinable,
    trace(value, ctx, scope, out) {
      const results: ConstraintResult[] = [];
      const isMember = member(value, ctx);
      const refined = refinements(ctx, scope, results);
      out.push({ kind, member: isMember, satisfied: isMember && refined, refinements: results });
      return isMember && refined;
    },
  };
}

/** Target or party: none named matches anything; else equal, or a member of the collection the rule names. */
function entityPremise(ref: EntityRef | undefined, kind: 'target' | 'party'): Premise<string | undefined> {
  if (!ref) return premise(kind, () => true, () => true, false);
  const member = (value: string | undefined, ctx: EvaluationContext): boolean => {
    if (value === undefined) return false;
    if (value === ref.id) return true;
    const direct = kind === 'target' ? ctx.targetPartOf : ctx.partyMemberOf;
    return (direct?.includes(ref.id) ?? false) || reaches(ctx.knowledge?.partOf, value, ref.id);
  };
  return premise(kind, member, compileAll(ref.refinements), ref.refinements.length > 0);
}

function actionPremise(rule: Rule): Premise<string> {
  const ruleAction = rule.action.action;
  // The vocabulary's hierarchy is fixed: what a rule covers is computed once, not per request.
  const covered = actionDescendants(ruleAction);
  // A prohibition also catches a broader request containing what it forbids (asking to `use` when `read` is forbidden).
  const contains = rule.kind === 'prohibition' ? actionAncestors(ruleAction) : undefined;
  const member = (requested: string, ctx: EvaluationContext): boolean => {
    if (covered.has(requested) || contains?.has(requested)) return true;
    const edges = ctx.knowledge?.includedIn;
    if (!edges) return false;
    return actionIncludedIn(requested, ruleAction, (a) => own(edges, a) ?? []) || (contains !== undefined && actionIncludedIn(ruleAction, requested, (a) => own(edges, a) ?? []));
  };
  return premise('action', member, compileAll(rule.action.refinements), rule.action.refinements.length > 0);
}

export function compileRule(rule: Rule): CompiledRule {
  return {
    rule,
    target: entityPremise(rule.target, 'target'),
    party: entityPremise(rule.assignee, 'party'),
    action: actionPremise(rule),
    constraints: compileAll(rule.constraints),
    duties: rule.duties.map((d: Duty) => compileRule(d)),
  };
}

/** Target, party and action class match (refinements aside): the rule is about this request. */
export const inScope = (cr: CompiledRule, action: string, req: DecisionRequest, ctx: EvaluationContext): boolean =>
  cr.action.member(action, ctx) && cr.target.member(req.target, ctx) && cr.party.member(req.party, ctx);

/** The refinements of the rule's action, target and party hold. */
export const refinementsHold = (cr: CompiledRule, ctx: EvaluationContext, scope: Scope): boolean =>
  (!cr.action.refinable || cr.action.refined(ctx, scope)) && (!cr.target.refinable || cr.target.refined(ctx, scope)) && (!cr.party.refinable || cr.party.refined(ctx, scope));
