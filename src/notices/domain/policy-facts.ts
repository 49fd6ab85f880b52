import { ODRL_NS, type Constraint, type Policy, type Rule } from '../../policy/index.js';
import type { PolicyRestriction } from './notice.js';

const DASES_NS = 'https://w3id.org/dases/ns#';
const ORIGINS: Record<string, 'contract-signature' | 'data-receipt'> = { [`${DASES_NS}contractSigned`]: 'contract-signature', [`${DASES_NS}dataReceived`]: 'data-receipt' };

/** What a notice tells people from the offer's ODRL policy. */
export interface PolicyFacts {
  recipients: PolicyRestriction[];
  areas: PolicyRestriction[];
  purposes: PolicyRestriction[];
  /** From a `delete` duty (or obligation) constrained by an elapsed time: the xsd:duration and its origin event. */
  retention?: { duration: string; from?: 'contract-signature' | 'data-receipt' };
}

const nameOf = (iri: string): string => (iri.startsWith(ODRL_NS) ? iri.slice(ODRL_NS.length) : iri);

function* atoms(list: readonly Constraint[]): IterableIterator<Extract<Constraint, { kind: 'atomic' }>> {
  for (const c of list) {
    if (c.kind === 'atomic') yield c;
    else yield* atoms(c.constraints);
  }
}

/** The constraints limiting a permission itself (not its duties): rule constraints and refinements. */
const ruleAtoms = (r: Rule) => [...atoms(r.constraints), ...atoms(r.action.refinements), ...atoms(r.target?.refinements ?? []), ...atoms(r.assignee?.refinements ?? [])];

function* deleteRules(policy: Policy): IterableIterator<Rule> {
  const walk = function* (r: Rule): IterableIterator<Rule> {
    if (nameOf(r.action.action) === 'delete') yield r;
    for (const d of r.duties) yield* walk(d);
  };
  for (const r of [...policy.permissions, ...policy.obligations]) yield* walk(r);
}

export function policyFacts(policy: Policy): PolicyFacts {
  const facts: PolicyFacts = { recipients: [], areas: [], purposes: [] };
  const bucket: Record<string, PolicyRestriction[]> = { recipient: facts.recipients, spatial: facts.areas, purpose: facts.purposes };
  for (const p of policy.permissions)
    for (const c of ruleAtoms(p)) {
      const list = bucket[nameOf(c.leftOperand)];
      const values = c.rightOperand.map((t) => t.value);
      if (list && !list.some((x) => x.operator === c.operator && x.values.join('\n') === values.join('\n'))) list.push({ operator: c.operator, values });
    }
  for (const r of deleteRules(policy)) {
    const all = [...atoms(r.constraints)];
    const elapsed = all.find((c) => nameOf(c.leftOperand) === 'elapsedTime' && c.rightOperand[0]);
    if (!elapsed) continue;
    const origin = all.filter((c) => nameOf(c.leftOperand) === 'event').map((c) => ORIGINS[c.rightOperand[0]?.value ?? ''])[0];
    facts.retention = { duration: elapsed.rightOperand[0]!.value, ...(origin ? { from: origin } : {}) };
    break;
  }
  return facts;
}

// Only operators whose meaning needs no vocabulary hierarchy are judged here (isA, hasPart… are left to the usage policy).
const POSITIVE = new Set(['eq', 'isAnyOf']);
const NEGATIVE = new Set(['neq', 'isNoneOf']);
/** A purpose given as a term matches a policy value that is the same term or an IRI ending with it. */
const samePurpose = (value: string, purpose: string) => value === purpose || value.endsWith(`/${purpose}`) || value.endsWith(`#${purpose}`) || purpose.endsWith(`/${value}`) || purpose.endsWith(`#${value}`);

/**
 * False when the offer clearly does not permit the purpose: every permission restricts purposes and none admits this
 * one, or it is excluded by name. Anything the offer leaves open counts as permitted (the usage policy decides later).
 */
export function purposePermitted(policy: Policy, purpose: string): boolean {
  if (policy.permissions.length === 0) return true;
  return policy.permissions.some((p) => {
    const constraints = ruleAtoms(p).filter((c) => nameOf(c.leftOperand) === 'purpose');
    return constraints.every((c) => {
      const values = c.rightOperand.map((t) => t.value);
      if (POSITIVE.has(c.operator)) return values.some((v) => samePurpose(v, purpose));
      if (NEGATIVE.has(c.operator)) return !values.some((v) => samePurpose(v, purpose));
      return true;
    });
  });
}

/** Days in an xsd:duration made of days (and weeks or years of 365 days are not assumed): P30D -> 30. */
export const durationDays = (d: string): number | undefined => {
  const m = /^P(\d+)D$/.exec(d);
  return m ? Number(m[1]) : undefined;
};
