import type { FieldError } from '../../kernel/index.js';
import {
  ODRL_LEFT_OPERANDS,
  ODRL_LOGICAL_OPERATORS,
  ODRL_OPERATORS,
  ODRL_POLICY_TYPES,
  ODRL_RULE_KINDS,
  isBareTerm,
  isIriLike,
  odrlTerm,
} from './odrl.vocabulary.js';

export interface PolicyValidationOptions {
  /**
   * How strictly a constraint's leftOperand is checked. `known-or-iri`: an ODRL 2.2 left operand or an absolute
   * IRI. `profile-terms` (default) also accepts bare terms, because DSP 2025-1 policies use operands defined by
   * an ODRL profile in their context (the DSP examples use `partner`), which a structural check cannot resolve.
   */
  leftOperands?: 'known-or-iri' | 'profile-terms';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const LEFT = new Set<string>(ODRL_LEFT_OPERANDS);
const OPS = new Set<string>(ODRL_OPERATORS);
const TYPES = new Set<string>(ODRL_POLICY_TYPES);

/**
 * Checks that a JSON-LD compact ODRL 2.2 policy (as used by the Dataspace Protocol 2025-1) is well formed. It does
 * not evaluate anything. Paths are JSON pointers relative to the policy; callers prefix where it sits.
 */
export function validatePolicyStructure(policy: unknown, opts: PolicyValidationOptions = {}): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  if (!isObject(policy)) return [{ path: '', message: 'must be a JSON object' }];
  const type = policy['@type'];
  if (type === undefined) fail('/@type', 'is required (Offer, Set, Agreement or Policy)');
  else if (typeof type !== 'string' || !TYPES.has(odrlTerm(type) ?? '')) fail('/@type', `unknown policy type ${JSON.stringify(type)}`);
  if (policy['@id'] !== undefined && (typeof policy['@id'] !== 'string' || policy['@id'] === '')) fail('/@id', 'must be a non-empty string');
  for (const party of ['target', 'assigner', 'assignee'] as const) checkReference(policy[party], `/${party}`, fail);
  const profile = policy.profile;
  if (profile !== undefined && typeof profile !== 'string' && !(Array.isArray(profile) && profile.every((p) => typeof p === 'string'))) {
    fail('/profile', 'must be an IRI or an array of IRIs');
  }
  let rules = 0;
  for (const kind of ODRL_RULE_KINDS) {
    const value = policy[kind];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    const base = Array.isArray(value) ? (i: number) => `/${kind}/${i}` : () => `/${kind}`;
    if (list.length === 0) fail(`/${kind}`, 'must not be empty when present');
    list.forEach((rule, i) => checkRule(rule, base(i), kind, fail, opts));
    rules += list.length;
  }
  if (rules === 0 && !errors.some((e) => ODRL_RULE_KINDS.some((k) => e.path === `/${k}`))) {
    fail('/permission', 'a policy needs at least one permission, prohibition or obligation');
  }
  return errors;
}

type Fail = (path: string, message: string) => void;

function checkReference(value: unknown, path: string, fail: Fail): void {
  if (value === undefined) return;
  if (typeof value === 'string' && value !== '') return;
  if (isObject(value) && typeof (value['@id'] ?? value.uid) === 'string') return;
  fail(path, 'must be an identifier string or an object with "@id"');
}

function checkRule(rule: unknown, path: string, kind: string, fail: Fail, opts: PolicyValidationOptions): void {
  if (!isObject(rule)) return fail(path, 'must be a JSON object');
  checkAction(rule.action, `${path}/action`, fail, opts);
  for (const party of ['target', 'assigner', 'assignee'] as const) checkReference(rule[party], `${path}/${party}`, fail);
  checkConstraints(rule.constraint, `${path}/constraint`, fail, opts);
  if (rule.duty !== undefined) {
    if (kind !== 'permission') fail(`${path}/duty`, 'only permissions have duties');
    else checkRuleList(rule.duty, `${path}/duty`, fail, opts);
  }
  if (rule.remedy !== undefined) {
    if (kind !== 'prohibition') fail(`${path}/remedy`, 'only prohibitions have remedies');
    else checkRuleList(rule.remedy, `${path}/remedy`, fail, opts);
  }
  if (rule.consequence !== undefined) checkRuleList(rule.consequence, `${path}/consequence`, fail, opts);
}

function checkRuleList(value: unknown, path: string, fail: Fail, opts: PolicyValidationOptions): void {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((duty, i) => checkRule(duty, Array.isArray(value) ? `${path}/${i}` : path, 'duty', fail, opts));
}

function checkAction(action: unknown, path: string, fail: Fail, opts: PolicyValidationOptions): void {
  if (action === undefined) return fail(path, 'is required');
  if (Array.isArray(action)) {
    if (action.length === 0) return fail(path, 'must name an action');
    return action.forEach((a, i) => checkAction(a, `${path}/${i}`, fail, opts));
  }
  if (typeof action === 'string') {
    if (!isBareTerm(action) && !isIriLike(action)) fail(path, `not an action term or IRI: ${JSON.stringify(action)}`);
    return;
  }
  if (!isObject(action)) return fail(path, 'must be an action term, an IRI or an object');
  const value = action['@id'] ?? action['rdf:value'] ?? action.value;
  const named = isObject(value) ? value['@id'] : value;
  if (typeof named !== 'string' || named === '') return fail(path, 'an action object needs "@id" or "rdf:value"');
  if (action.refinement !== undefined) checkConstraints(action.refinement, `${path}/refinement`, fail, opts);
}

function checkConstraints(value: unknown, path: string, fail: Fail, opts: PolicyValidationOptions): void {
  if (value === undefined) return;
  if (Array.isArray(value)) value.forEach((c, i) => checkConstraint(c, `${path}/${i}`, fail, opts));
  else checkConstraint(value, path, fail, opts);
}

function checkConstraint(c: unknown, path: string, fail: Fail, opts: PolicyValidationOptions): void {
  if (!isObject(c)) return fail(path, 'must be a JSON object');
  const logical = ODRL_LOGICAL_OPERATORS.filter((op) => c[op] !== undefined || c[`odrl:${op}`] !== undefined);
  if (logical.length > 1) return fail(path, `a logical constraint has exactly one of and, or, xone, andSequence (found ${logical.join(', ')})`);
  const op = logical[0];
  if (op) {
    if (c.leftOperand !== undefined || c.operator !== undefined) return fail(path, 'a constraint is either logical or atomic, not both');
    const members = c[op] ?? c[`odrl:${op}`];
    const list = isObject(members) && Array.isArray(members['@list']) ? members['@list'] : members;
    if (!Array.isArray(list) || list.length === 0) return fail(`${path}/${op}`, 'must be a non-empty array of constraints');
    return list.forEach((m, i) => checkConstraint(m, `${path}/${op}/${i}`, fail, opts));
  }
  checkLeftOperand(c.leftOperand, `${path}/leftOperand`, fail, opts);
  checkOperator(c.operator, `${path}/operator`, fail);
  const hasRight = c.rightOperand !== undefined;
  const hasRef = c.rightOperandReference !== undefined;
  if (!hasRight && !hasRef) fail(`${path}/rightOperand`, 'is required (or rightOperandReference)');
  if (hasRight && hasRef) fail(`${path}/rightOperandReference`, 'give rightOperand or rightOperandReference, not both');
  if (hasRight && (c.rightOperand === null || c.rightOperand === '')) fail(`${path}/rightOperand`, 'must not be empty');
  if (hasRef) checkReference(c.rightOperandReference, `${path}/rightOperandReference`, fail);
  if (c.unit !== undefined) checkReference(c.unit, `${path}/unit`, fail);
  if (c.dataType !== undefined) checkReference(c.dataType, `${path}/dataType`, fail);
}

function termOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['@id'] === 'string') return value['@id'];
  return undefined;
}

function checkLeftOperand(value: unknown, path: string, fail: Fail, opts: PolicyValidationOptions): void {
  if (value === undefined) return fail(path, 'is required');
  const term = termOf(value);
  if (term === undefined || term === '') return fail(path, 'must be a left operand term or IRI');
  const local = odrlTerm(term);
  if (local !== undefined && LEFT.has(local)) return;
  if (term.startsWith('odrl:') || term.startsWith('http://www.w3.org/ns/odrl/2/')) return fail(path, `unknown ODRL left operand ${JSON.stringify(term)}`);
  if (isIriLike(term)) return;
  if ((opts.leftOperands ?? 'profile-terms') === 'profile-terms' && isBareTerm(term)) return;
  fail(path, `unknown left operand ${JSON.stringify(term)} (use an ODRL left operand or an absolute IRI)`);
}

function checkOperator(value: unknown, path: string, fail: Fail): void {
  if (value === undefined) return fail(path, 'is required');
  const term = termOf(value);
  const local = term === undefined ? undefined : odrlTerm(term);
  if (local === undefined || !OPS.has(local)) fail(path, `unknown operator ${JSON.stringify(term ?? value)}`);
}
