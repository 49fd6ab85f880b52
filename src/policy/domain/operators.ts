import { reaches, type Knowledge } from './evaluation-context.js';
import type { Operator } from './policy.model.js';
import { ordered, valueText, type Value } from './values.js';

/** How `isA`, `isPartOf` and `hasPart` see the world: the knowledge graph, and language tags by prefix. */
export interface Relations {
  partOf(part: string, whole: string): boolean;
  isA(instance: string, cls: string): boolean;
}

const cache = new WeakMap<Knowledge, Relations>();
const LANGUAGE_TAGS = build(undefined, true);
const NOTHING = build(undefined, false);

/** Relations over a context's knowledge, built once per knowledge object (contexts are often reused). */
export function relationsFrom(knowledge: Knowledge | undefined, languageTags: boolean): Relations {
  if (languageTags) return knowledge ? build(knowledge, true) : LANGUAGE_TAGS;
  if (!knowledge) return NOTHING;
  let rel = cache.get(knowledge);
  if (!rel) cache.set(knowledge, (rel = build(knowledge, false)));
  return rel;
}

function build(knowledge: Knowledge | undefined, languageTags: boolean): Relations {
  return {
    // A language tag is part of its prefixes: fr-CA is part of fr.
    partOf: (a, b) =>
      languageTags ? a.toLowerCase() === b.toLowerCase() || a.toLowerCase().startsWith(`${b.toLowerCase()}-`) : reaches(knowledge?.partOf, a, b),
    isA: (a, b) => reaches(knowledge?.isA, a, b),
  };
}

const equal = (a: Value, b: Value, caseless: boolean): boolean =>
  caseless && (a.k === 'str' || a.k === 'iri') && (b.k === 'str' || b.k === 'iri') ? a.s.toLowerCase() === b.s.toLowerCase() : ordered('eq', a, b);

/**
 * ODRL 2.2 operators (ODRL Vocabulary §4.1.4). A multi-valued left operand (several declared purposes) satisfies a
 * comparison only if every value does, so one forbidden purpose among allowed ones is caught; `isAllOf` and
 * `hasPart` ask the left values to cover every right value. No left value: not satisfied (fail closed).
 */
export function applyOperator(op: Operator, left: readonly Value[], right: readonly Value[], rel: Relations, caseless = false): boolean {
  if (left.length === 0 || right.length === 0) return false;
  switch (op) {
    case 'eq':
    case 'lt':
    case 'lteq':
    case 'gt':
    case 'gteq':
      return left.every((l) => (op === 'eq' ? equal(l, right[0]!, caseless) : ordered(op, l, right[0]!)));
    case 'neq':
      return left.every((l) => !equal(l, right[0]!, caseless));
    case 'isA':
      return left.every((l) => right.some((r) => equal(l, r, caseless) || rel.isA(valueText(l), valueText(r))));
    case 'isPartOf':
      return left.every((l) => right.some((r) => equal(l, r, caseless) || rel.partOf(valueText(l), valueText(r))));
    case 'hasPart':
      return right.every((r) => left.some((l) => equal(l, r, caseless) || rel.partOf(valueText(r), valueText(l))));
    case 'isAnyOf':
      return left.every((l) => right.some((r) => equal(l, r, caseless)));
    case 'isAllOf':
      return right.every((r) => left.some((l) => equal(l, r, caseless)));
    case 'isNoneOf':
      return left.every((l) => !right.some((r) => equal(l, r, caseless)));
  }
}

/** `event` constraints: the right operand names an event; the operator says before (lt), during (eq), after (gt) it. */
export function eventHolds(op: Operator, now: number, event: { start?: Date; end?: Date } | undefined): boolean {
  if (!event) return false;
  const start = event.start?.getTime() ?? Number.NEGATIVE_INFINITY;
  const end = event.end?.getTime() ?? Number.POSITIVE_INFINITY;
  const during = now >= start && now <= end;
  switch (op) {
    case 'eq':
      return during;
    case 'neq':
      return !during;
    case 'lt':
      return now < start;
    case 'lteq':
      return now <= end;
    case 'gt':
      return now > end;
    case 'gteq':
      return now >= start;
    default:
      return false;
  }
}
