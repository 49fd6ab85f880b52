import { ERROR_CATALOGUE, type ErrorCode } from '../../kernel/index.js';
import { ODRL_NS, type Constraint, type Decision, type DecisionReason, type Policy, type Rule } from '../../policy/index.js';

/** Why a use is refused: a catalogue code, its HTTP status and a sentence naming what failed. */
export interface UsageDenial {
  code: string;
  status: number;
  reason: string;
}

/** A denial with the status the catalogue gives its code. */
export const denial = (code: ErrorCode, reason: string): UsageDenial => ({ code, status: ERROR_CATALOGUE[code].status, reason });

/** What the evaluation knew, to phrase reasons ("3 uses allowed, 3 used"). */
export interface DenialFacts {
  /** Uses consumed before the one asked for. */
  used: number;
  purpose?: string | undefined;
  recipient: string;
  agreedAt: Date;
}

const nameOf = (leftOperand: string): string => (leftOperand.startsWith(ODRL_NS) ? leftOperand.slice(ODRL_NS.length) : leftOperand);

function* constraintsOfRule(r: Rule): IterableIterator<Constraint> {
  const walk = function* (list: readonly Constraint[]): IterableIterator<Constraint> {
    for (const c of list) {
      yield c;
      if (c.kind === 'logical') yield* walk(c.constraints);
    }
  };
  yield* walk(r.constraints);
  yield* walk(r.action.refinements);
  if (r.target) yield* walk(r.target.refinements);
  if (r.assignee) yield* walk(r.assignee.refinements);
  for (const d of r.duties) yield* constraintsOfRule(d);
}

/** Every constraint of the policy, refinements and duties included. */
export function* constraintsOf(policy: Policy): IterableIterator<Constraint> {
  for (const r of [...policy.permissions, ...policy.prohibitions, ...policy.obligations]) yield* constraintsOfRule(r);
}

/** True when a `count` constraint limits some rule: only then must a use be counted atomically before it is granted. */
export const hasCountConstraint = (policy: Policy): boolean => [...constraintsOf(policy)].some((c) => c.kind === 'atomic' && nameOf(c.leftOperand) === 'count');

/** The constraint a reason names (by IRI or JSON pointer, as the engine reports it). */
function findConstraint(policy: Policy, ref: string | undefined): Constraint | undefined {
  if (ref === undefined) return undefined;
  for (const c of constraintsOf(policy)) if (c.id === ref || c.path === ref) return c;
  return undefined;
}

const dateOnly = (v: string): string => (/^\d{4}-\d{2}-\d{2}T00:00(:00)?(\.0+)?Z?$/.test(v) ? v.slice(0, 10) : v);

/** One reason in words an operator understands, naming the constraint and the value it saw. */
function phrase(policy: Policy, r: DecisionReason, facts: DenialFacts): string {
  const c = findConstraint(policy, r.constraint);
  if (!c || c.kind !== 'atomic') return r.message;
  const right = c.rightOperand.map((t) => t.value).join(', ') || (c.rightOperandReference ?? '');
  const op = c.operator;
  switch (nameOf(c.leftOperand)) {
    case 'dateTime': {
      const when = dateOnly(right);
      if (op === 'lt' || op === 'lteq') return `dateTime constraint: use allowed until ${when}${op === 'lt' ? ' (exclusive)' : ''}`;
      if (op === 'gt' || op === 'gteq') return `dateTime constraint: use allowed from ${when}${op === 'gt' ? ' (exclusive)' : ''}`;
      return `dateTime constraint: use allowed only when dateTime ${op} ${when}`;
    }
    case 'count': {
      const limit = Number(right);
      const allowed = op === 'lt' ? limit - 1 : op === 'lteq' || op === 'eq' ? limit : undefined;
      return allowed !== undefined ? `count: ${allowed} ${allowed === 1 ? 'use' : 'uses'} allowed, ${facts.used} used` : `count constraint: count ${op} ${right} (${facts.used} used)`;
    }
    case 'purpose':
      return `purpose constraint: purpose ${op} ${right}, the agreement's purpose is ${facts.purpose === undefined ? 'not stated' : `"${facts.purpose}"`}`;
    case 'recipient':
      return `recipient constraint: recipient ${op} ${right}, the recipient is ${facts.recipient}`;
    case 'elapsedTime':
      return `elapsedTime constraint: use allowed for ${right} after the agreement (agreed at ${facts.agreedAt.toISOString()})`;
    default:
      return r.message;
  }
}

const isCount = (policy: Policy, r: DecisionReason): boolean => {
  const c = findConstraint(policy, r.constraint);
  return c?.kind === 'atomic' && nameOf(c.leftOperand) === 'count';
};

/** The denial of an ODRL decision that did not permit: DS_USAGE_COUNT_EXHAUSTED when only count constraints failed. */
export function denialOf(policy: Policy, decision: Decision, facts: DenialFacts): UsageDenial {
  const reasons = decision.reasons.length > 0 ? decision.reasons : [{ code: 'no-matching-permission' as const, message: 'no permission covers the use' }];
  const onlyCount = reasons.every((r) => r.code === 'constraint-not-satisfied' && isCount(policy, r));
  const text = [...new Set(reasons.map((r) => phrase(policy, r, facts)))].join('; ');
  return onlyCount ? denial('DS_USAGE_COUNT_EXHAUSTED', text) : denial('DS_USAGE_POLICY_DENIED', `the agreement's policy does not permit the use now: ${text}`);
}
