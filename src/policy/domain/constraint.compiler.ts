import { asArray, own, type EvaluationContext } from './evaluation-context.js';
import { hintOf, isEvent, leftResolver, leftUnit, sameUnit, type Scope } from './left-operands.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import { applyOperator, eventHolds, relationsFrom } from './operators.js';
import type { AtomicConstraint, Constraint, LogicalConstraint } from './policy.model.js';
import { literal } from './rdf-graph.js';
import { valueOfContext, valueOfTerm, valueText, type Value } from './values.js';

/** The outcome of one constraint; logical constraints carry their members' outcomes, all of them. */
export interface ConstraintResult {
  constraint: Constraint;
  satisfied: boolean;
  /** The left operand's values at evaluation time (atomic constraints). */
  left?: Value[];
  /** Why it is not satisfied, when that is not just "the comparison is false". */
  reason?: string;
  members?: ConstraintResult[];
}

/**
 * A compiled constraint. Without `out` it answers as fast as it can (logical operators short-circuit); with `out`
 * it evaluates every member, nested ones included, and appends one result per constraint: reports skip nothing.
 */
export type ConstraintTest = (ctx: EvaluationContext, scope: Scope, out?: ConstraintResult[]) => boolean;

const LANGUAGE = `${ODRL_NS}language`;

export function compileConstraint(c: Constraint): ConstraintTest {
  return c.kind === 'logical' ? compileLogical(c) : compileAtomic(c);
}

/** Every constraint of the list must hold (how rules, duties and refinements combine theirs). */
export function compileAll(list: readonly Constraint[]): ConstraintTest {
  const tests = list.map(compileConstraint);
  if (tests.length === 0) return () => true;
  return (ctx, scope, out) => {
    if (!out) return tests.every((t) => t(ctx, scope));
    let all = true;
    for (const t of tests) all = t(ctx, scope, out) && all;
    return all;
  };
}

/** Right operand terms as values, read the way the left operand's values are (an ISO string is a date for dateTime). */
function rightValues(c: AtomicConstraint): Value[] {
  const hint = hintOf(c.leftOperand);
  return c.rightOperand.flatMap((t) => {
    const typed = c.dataType && t.termType === 'Literal' ? literal(t.value, c.dataType) : t;
    const v = valueOfTerm(typed, hint) ?? valueOfTerm(typed);
    return v ? [v] : [];
  });
}

function compileAtomic(c: AtomicConstraint): ConstraintTest {
  const right = rightValues(c);
  const hint = hintOf(c.leftOperand);
  const language = c.leftOperand === LANGUAGE;
  const event = isEvent(c.leftOperand);
  const needsRelations = c.operator === 'isA' || c.operator === 'isPartOf' || c.operator === 'hasPart';
  const leftValues = leftResolver(c);
  return (ctx, scope, out) => {
    let satisfied: boolean;
    let reason: string | undefined;
    let left: Value[] | undefined;
    const rights = c.rightOperandReference === undefined ? right : referenced(c.rightOperandReference, ctx, hint);
    if (event) {
      const events = rights.map((r) => own(ctx.events, valueText(r)));
      satisfied = events.length > 0 && events.every((e) => eventHolds(c.operator, ctx.now.getTime(), e));
      if (!satisfied && events.some((e) => e === undefined)) reason = 'the event is unknown to this evaluation';
    } else {
      left = leftValues(ctx, scope);
      const unit = c.unit === undefined ? undefined : leftUnit(c, ctx, scope);
      if (left.length === 0) {
        satisfied = false;
        reason = `no value for left operand <${c.leftOperand}>`;
      } else if (rights.length === 0) {
        satisfied = false;
        reason = c.rightOperandReference === undefined ? 'no usable right operand' : `the right operand reference <${c.rightOperandReference}> has no known value`;
      } else if (unit !== undefined && c.unit !== undefined && !sameUnit(unit, c.unit)) {
        satisfied = false;
        reason = `the value is in <${unit}>, the constraint in <${c.unit}>`;
      } else {
        const rel = needsRelations ? relationsFrom(ctx.knowledge, language) : NO_RELATIONS;
        satisfied = applyOperator(c.operator, left, rights, rel, language);
      }
    }
    out?.push({ constraint: c, satisfied, ...(left ? { left } : {}), ...(reason ? { reason } : {}) });
    return satisfied;
  };
}

const NO_RELATIONS = relationsFrom(undefined, false);

function referenced(ref: string, ctx: EvaluationContext, hint: ReturnType<typeof hintOf>): Value[] {
  const raw = own(ctx.knowledge?.references, ref) ?? asArray(own(ctx.values, ref));
  return raw.flatMap((v) => {
    const parsed = valueOfContext(v, hint);
    return parsed ? [parsed] : [];
  });
}

function compileLogical(c: LogicalConstraint): ConstraintTest {
  const members = c.constraints.map(compileConstraint);
  const combine = (results: boolean[]): boolean => {
    switch (c.operator) {
      case 'or':
        return results.some(Boolean);
      case 'xone':
        return results.filter(Boolean).length === 1;
      default:
        // andSequence: all in the given order; at one instant that is every member holding.
        return results.length > 0 && results.every(Boolean);
    }
  };
  return (ctx, scope, out) => {
    if (!out) {
      if (c.operator === 'or') return members.some((m) => m(ctx, scope));
      if (c.operator === 'xone') return combine(members.map((m) => m(ctx, scope)));
      return members.length > 0 && members.every((m) => m(ctx, scope));
    }
    const nested: ConstraintResult[] = [];
    const results = members.map((m) => m(ctx, scope, nested));
    const satisfied = combine(results);
    out.push({ constraint: c, satisfied, members: nested });
    return satisfied;
  };
}
