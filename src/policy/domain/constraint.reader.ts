import { hintOf } from './left-operands.js';
import { ODRL_LEFT_OPERANDS, ODRL_NS } from './odrl.vocabulary.js';
import { LOGICAL_OPERATORS, OPERATORS, type Constraint, type Operator, type PolicyIssue } from './policy.model.js';
import { describeNode, isResource, XSD, type Graph, type Term } from './rdf-graph.js';
import { valueOfTerm } from './values.js';

const O = (name: string) => `${ODRL_NS}${name}`;
const KNOWN_LEFT = new Set<string>(ODRL_LEFT_OPERANDS.map(O));
const COMPARISONS = new Set<Operator>(['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq']);

/**
 * The W3C ODRL 2.2 JSON-LD context maps `neq` to `odrl:neg` and `industry` to `odrl:industry:` (typos in the
 * published document): read them as the vocabulary's terms, or every policy using them would be refused.
 */
export function normaliseOdrlIri(iri: string): string {
  if (iri === O('neg')) return O('neq');
  if (iri === O('industry:')) return O('industry');
  return iri;
}

/** Collects what is wrong (errors) or doubtful (warnings) while reading, naming the node and its JSON pointer. */
export class Issues {
  readonly errors: PolicyIssue[] = [];
  readonly warnings: PolicyIssue[] = [];
  constructor(private readonly g: Graph) {}

  path(node: string, key?: string): string {
    const base = this.g.pointer(node);
    if (base === undefined) return '';
    return key === undefined ? base : `${base}/${key}`;
  }

  error(node: string, message: string, key?: string): void {
    this.errors.push(this.issue(node, message, key));
  }

  warn(node: string, message: string, key?: string): void {
    this.warnings.push(this.issue(node, message, key));
  }

  /** Blank-node labels mean nothing to the author: unnamed nodes are located by path alone. */
  private issue(node: string, message: string, key?: string): PolicyIssue {
    return { path: this.path(node, key), ...(node.startsWith('_:') ? {} : { node }), message: `${describeNode(node)}: ${message}` };
  }
}

/** The nodes a property points to; an RDF list (`@list`, Turtle `( … )`) stands for its members. */
export function members(g: Graph, node: string, predicate: string): Term[] {
  return g.objects(node, predicate).flatMap((t) => (isResource(t) ? (g.list(t.value) ?? [t]) : [t]));
}

/** The constraints (or refinements) under `predicate` of `node`. */
export function readConstraints(g: Graph, node: string, predicate: string, issues: Issues, seen: Set<string> = new Set()): Constraint[] {
  const out: Constraint[] = [];
  for (const t of members(g, node, predicate)) {
    if (!isResource(t)) {
      issues.error(node, `${localKey(predicate)} must be a constraint node, not the literal "${t.value}"`, localKey(predicate));
      continue;
    }
    const c = readConstraint(g, t.value, issues, seen);
    if (c) out.push(c);
  }
  return out;
}

const localKey = (iri: string) => (iri.startsWith(ODRL_NS) ? iri.slice(ODRL_NS.length) : iri);

function readConstraint(g: Graph, id: string, issues: Issues, seen: Set<string>): Constraint | undefined {
  if (seen.has(id)) {
    issues.error(id, 'a logical constraint contains itself');
    return undefined;
  }
  const origin = { id, ...(g.pointer(id) !== undefined ? { path: g.pointer(id) } : {}) };
  const logical = LOGICAL_OPERATORS.filter((op) => g.objects(id, O(op)).length > 0);
  if (logical.length > 1) {
    issues.error(id, `a logical constraint has exactly one of and, or, xone, andSequence (found ${logical.join(', ')})`);
    return undefined;
  }
  const op = logical[0];
  if (op) {
    if (g.objects(id, O('leftOperand')).length > 0) issues.error(id, 'a constraint is either logical or atomic, not both', 'leftOperand');
    const inner = new Set(seen).add(id);
    const constraints = readConstraints(g, id, O(op), issues, inner);
    if (constraints.length === 0) issues.error(id, `${op} needs at least one constraint`, op);
    return { kind: 'logical', ...origin, operator: op, constraints };
  }
  return readAtomic(g, id, origin, issues);
}

function single(g: Graph, id: string, name: string, issues: Issues, required: boolean): Term | undefined {
  const values = g.objects(id, O(name));
  if (values.length === 0) {
    if (required) issues.error(id, `${name} is required`, name);
    return undefined;
  }
  if (values.length > 1) issues.error(id, `${name} must have one value (found ${values.length})`, name);
  return values[0];
}

function readAtomic(g: Graph, id: string, origin: { id: string; path?: string }, issues: Issues): Constraint | undefined {
  const before = issues.errors.length;
  const leftTerm = single(g, id, 'leftOperand', issues, true);
  const opTerm = single(g, id, 'operator', issues, true);
  const leftOperand = leftTerm && isResource(leftTerm) ? normaliseOdrlIri(leftTerm.value) : undefined;
  if (leftTerm && !leftOperand) issues.error(id, `leftOperand must be a left operand term or IRI, not the literal "${leftTerm.value}"`, 'leftOperand');
  if (leftOperand?.startsWith(ODRL_NS) && !KNOWN_LEFT.has(leftOperand)) issues.error(id, `unknown ODRL left operand <${leftOperand}>`, 'leftOperand');
  else if (leftOperand && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(leftOperand)) {
    issues.warn(id, `left operand "${leftOperand}" is not an IRI (a profile term no context defined); its value can only come from the evaluation context`, 'leftOperand');
  }
  const operatorIri = opTerm && isResource(opTerm) ? normaliseOdrlIri(opTerm.value) : undefined;
  const operator = operatorIri?.startsWith(ODRL_NS) ? (OPERATORS.find((o) => O(o) === operatorIri) ?? undefined) : undefined;
  if (opTerm && !operator) issues.error(id, `unknown operator ${operatorIri ? `<${operatorIri}>` : `"${opTerm.value}"`} (ODRL 2.2: ${OPERATORS.join(', ')})`, 'operator');
  const right = members(g, id, O('rightOperand'));
  const refTerm = single(g, id, 'rightOperandReference', issues, false);
  if (right.length === 0 && !refTerm) issues.error(id, 'rightOperand is required (or rightOperandReference)', 'rightOperand');
  if (right.length > 0 && refTerm) issues.error(id, 'give rightOperand or rightOperandReference, not both', 'rightOperandReference');
  if (operator && COMPARISONS.has(operator) && right.length > 1) {
    issues.error(id, `${operator} compares with one right operand (found ${right.length}); use isAnyOf, isAllOf or isNoneOf for sets`, 'rightOperand');
  }
  if (leftOperand) checkRightTypes(id, leftOperand, right, issues);
  const unitTerm = single(g, id, 'unit', issues, false);
  const dataTypes = g.objectsOf(id, [O('dataType'), O('datatype')]);
  if (issues.errors.length > before || !leftOperand || !operator) return undefined;
  return {
    kind: 'atomic',
    ...origin,
    leftOperand,
    operator,
    rightOperand: right,
    ...(refTerm ? { rightOperandReference: refTerm.value } : {}),
    ...(unitTerm ? { unit: unitTerm.value } : {}),
    // The W3C context types dataType values as xsd:anyType literals, so "xsd:integer" arrives unexpanded.
    ...(dataTypes[0] ? { dataType: dataTypes[0].value.replace(/^xsd:/, XSD) } : {}),
  };
}

/** Right operands must be readable as what the left operand measures: a date for dateTime, a duration for elapsedTime, … */
function checkRightTypes(id: string, leftOperand: string, right: Term[], issues: Issues): void {
  const hint = hintOf(leftOperand);
  if (hint === 'any') return;
  const what = { time: 'an xsd:date or xsd:dateTime', num: 'a number', dur: 'an xsd:duration (e.g. P30D)' }[hint];
  for (const t of right) {
    if (valueOfTerm(t, hint) === undefined) issues.error(id, `rightOperand "${t.value}" is not ${what}, as ${localKey(leftOperand)} needs`, 'rightOperand');
  }
}
