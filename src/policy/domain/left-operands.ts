import { asArray, forRule, own, type EvaluationContext, type PerformedAction } from './evaluation-context.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import type { AtomicConstraint, Origin } from './policy.model.js';
import { valueOfContext, type ContextValue, type Value, type ValueHint } from './values.js';

/** Whose values a constraint is evaluated against: the rule, the requesting party, and for a duty's action refinements the recorded performance. */
export interface Scope {
  rule: Origin;
  party?: string;
  performed?: PerformedAction;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Local name of an IRI (after the last `#`, `/` or `:`), to recognise `ex:dayOfWeek` whatever the namespace. */
export const localName = (iri: string): string => iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'), iri.lastIndexOf(':')) + 1);

/** How the ODRL 2.2 left operands' right operands are typed (ODRL Vocabulary §4.1.3, "Left Operands"). */
const HINTS: Readonly<Record<string, ValueHint>> = {
  dateTime: 'time', elapsedTime: 'dur', meteredTime: 'dur', delayPeriod: 'dur', timeInterval: 'dur',
  count: 'num', payAmount: 'num', percentage: 'num', resolution: 'num', absoluteSize: 'num', relativeSize: 'num',
  absolutePosition: 'num', relativePosition: 'num', unitOfCount: 'num',
};

const odrlName = (iri: string): string | undefined => (iri.startsWith(ODRL_NS) ? iri.slice(ODRL_NS.length) : undefined);

export const hintOf = (leftOperand: string): ValueHint => own(HINTS, odrlName(leftOperand) ?? '') ?? 'any';

/** Day-of-week constraints (a left operand outside ODRL the formal-semantics examples use) read the current day. */
export const isDayOfWeek = (leftOperand: string): boolean => localName(leftOperand) === 'dayOfWeek';

export const isEvent = (leftOperand: string): boolean => leftOperand === `${ODRL_NS}event`;

/** Context values as operand values (a loop, not flatMap: this runs for every constraint of every decision). */
function fromContext(v: ContextValue | readonly ContextValue[] | undefined, hint: ValueHint): Value[] {
  if (v === undefined) return [];
  const list = asArray(v);
  const out: Value[] = [];
  for (const x of list) {
    const parsed = valueOfContext(x, hint);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** Reads a left operand's values; built once per constraint so evaluation does no string work on the IRI. */
export type LeftResolver = (ctx: EvaluationContext, scope: Scope) => Value[];

/**
 * The values of a constraint's left operand. A duty's refinements read the recorded performance first; then the
 * ODRL left operands the context models; then `values`, by left operand IRI or by unit (an evaluation request
 * describes a feature, e.g. "1000" dots per inch). No value: the constraint is not satisfied.
 */
export function leftResolver(c: AtomicConstraint): LeftResolver {
  const lo = c.leftOperand;
  const unit = c.unit;
  const hint = hintOf(lo);
  const builtIn = builtInResolver(lo, hint);
  return (ctx, scope) => {
    if (scope.performed) {
      const recorded = own(scope.performed.values, lo);
      if (recorded !== undefined) return fromContext(recorded, hint);
    }
    const values = builtIn?.(ctx, scope);
    if (values !== undefined) return values;
    return fromContext(own(ctx.values, lo) ?? (unit !== undefined ? own(ctx.values, unit) : undefined), hint);
  };
}

type BuiltIn = (ctx: EvaluationContext, scope: Scope) => Value[] | undefined;

/** The ODRL left operands the evaluation context models; undefined when the context lacks the value. */
function builtInResolver(leftOperand: string, hint: ValueHint): BuiltIn | undefined {
  if (isDayOfWeek(leftOperand)) return (ctx) => [{ k: 'str', s: WEEKDAYS[ctx.now.getUTCDay()]! }];
  switch (odrlName(leftOperand)) {
    case 'dateTime':
      return (ctx) => [{ k: 'time', start: ctx.now.getTime(), end: ctx.now.getTime() }];
    case 'elapsedTime':
      return (ctx) => {
        if (ctx.elapsedSeconds !== undefined) return [{ k: 'dur', s: ctx.elapsedSeconds }];
        return ctx.usageStart ? [{ k: 'dur', s: (ctx.now.getTime() - ctx.usageStart.getTime()) / 1000 }] : undefined;
      };
    case 'count':
      return (ctx, scope) => {
        const u = ctx.usageCount;
        const before = typeof u === 'number' ? u : forRule(u, scope.rule);
        return before === undefined ? undefined : [{ k: 'num', n: before + 1 }];
      };
    case 'purpose':
      return (ctx) => (ctx.purpose === undefined ? undefined : fromContext(ctx.purpose, hint));
    case 'recipient':
      // A recipient stated by the caller (or the request) wins; else the data goes to the requesting party.
      return (ctx, scope) => {
        const r = ctx.recipient ?? own(ctx.values, leftOperand) ?? scope.party;
        return r === undefined ? undefined : fromContext(r, hint);
      };
    case 'spatial':
      return (ctx) => (ctx.spatial === undefined ? undefined : fromContext(ctx.spatial, hint));
    case 'language':
      return (ctx) => (ctx.language === undefined ? undefined : fromContext(ctx.language, hint));
    case 'industry':
      return (ctx) => (ctx.industry === undefined ? undefined : fromContext(ctx.industry, hint));
    case 'payAmount':
      return (ctx) => (ctx.payAmount ? [{ k: 'num', n: ctx.payAmount.amount }] : undefined);
    default:
      return undefined;
  }
}

/** The unit the left operand's value is in (a currency for payAmount), when known. */
export function leftUnit(c: AtomicConstraint, ctx: EvaluationContext, scope: Scope): string | undefined {
  if (scope.performed && own(scope.performed.values, c.leftOperand) !== undefined) return scope.performed.unit;
  return c.leftOperand === PAY_AMOUNT ? ctx.payAmount?.currency : undefined;
}

const PAY_AMOUNT = `${ODRL_NS}payAmount`;

/** Units name the same thing when they differ only by http/https (DBpedia resources are cited both ways). */
export const sameUnit = (a: string, b: string): boolean => a.replace(/^https?:/, '') === b.replace(/^https?:/, '');
