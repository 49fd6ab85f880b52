import type { Term } from './rdf-graph.js';

/**
 * An ODRL 2.2 policy read from RDF and expanded to atomic rules (ODRL IM §2.7): every rule has exactly one action,
 * at most one target, assigner and assignee, with the policy-level values copied in. Identifiers are the input's
 * IRIs, unchanged; unnamed nodes keep their blank-node label and, for JSON-LD input, a JSON pointer (`path`).
 */
export type RuleKind = 'permission' | 'prohibition' | 'obligation';
/** How a duty hangs off its parent: a permission's condition, a prohibition's remedy, a duty's consequence. */
export type DutyRole = 'condition' | 'remedy' | 'consequence';
export type ConflictStrategy = 'perm' | 'prohibit' | 'invalid';
export type LogicalOperator = 'and' | 'or' | 'xone' | 'andSequence';
export type Operator = 'eq' | 'neq' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'isA' | 'hasPart' | 'isPartOf' | 'isAllOf' | 'isAnyOf' | 'isNoneOf';

export const OPERATORS: readonly Operator[] = ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq', 'isA', 'hasPart', 'isPartOf', 'isAllOf', 'isAnyOf', 'isNoneOf'];
export const LOGICAL_OPERATORS: readonly LogicalOperator[] = ['and', 'or', 'xone', 'andSequence'];

/** Where a node came from: its IRI or blank-node label, and its JSON pointer in a JSON-LD input. */
export interface Origin {
  id: string;
  path?: string;
}

export interface AtomicConstraint extends Origin {
  kind: 'atomic';
  /** Left operand IRI (ODRL's, a profile's, or a bare term a profile context left unexpanded). */
  leftOperand: string;
  operator: Operator;
  /** Right operand values: one for comparisons, one or more for set operators. */
  rightOperand: Term[];
  /** IRI whose value is the right operand (never fetched: resolved from the evaluation context). */
  rightOperandReference?: string;
  unit?: string;
  dataType?: string;
}

export interface LogicalConstraint extends Origin {
  kind: 'logical';
  operator: LogicalOperator;
  constraints: Constraint[];
}

export type Constraint = AtomicConstraint | LogicalConstraint;

export interface ActionRef {
  /** The action IRI (`odrl:use`, a profile's action, …). */
  action: string;
  /** The action node, when the policy names one (`{"@id": ".../action/1", "rdf:value": "odrl:compensate"}`). */
  node?: Origin;
  refinements: Constraint[];
}

/** A target asset or a party; a collection (odrl:AssetCollection / odrl:PartyCollection) may carry refinements. */
export interface EntityRef {
  id: string;
  collection: boolean;
  refinements: Constraint[];
}

export interface Rule extends Origin {
  kind: RuleKind | 'duty';
  /** For rules split from a compact rule: the position among its atomic rules, and how many there are. */
  split?: { index: number; of: number };
  action: ActionRef;
  target?: EntityRef;
  assigner?: EntityRef;
  assignee?: EntityRef;
  constraints: Constraint[];
  /** Permission: conditions. Prohibition: remedies. Duty: consequences. */
  duties: Duty[];
}

export interface Duty extends Rule {
  kind: 'duty';
  role: DutyRole;
}

export interface Policy extends Origin {
  /** odrl:Set, odrl:Offer, odrl:Agreement, … (IRIs). */
  types: string[];
  conflict: ConflictStrategy;
  /** True when the policy states its conflict strategy (ODRL's default is `invalid`). */
  conflictStated: boolean;
  profiles: string[];
  permissions: Rule[];
  prohibitions: Rule[];
  obligations: Rule[];
}

export interface PolicyIssue {
  /** JSON pointer into the JSON-LD input; '' when unknown (Turtle input, or the document itself). */
  path: string;
  /** The offending rule or constraint (IRI or blank-node label), when there is one. */
  node?: string;
  message: string;
}

/** How messages name a node: "duty <iri>", else where it is written ("the duty at /permission/0/duty/0"). */
export const label = (o: Origin, what: string): string =>
  !o.id.startsWith('_:') ? `${what} <${o.id}>` : o.path !== undefined ? `the ${what} at ${o.path || '/'}` : `an unnamed ${what}`;

/** How callers refer to a node: its IRI, or for an unnamed one its JSON pointer (blank-node labels mean nothing outside). */
export const ref = (o: Origin): string => (o.id.startsWith('_:') && o.path !== undefined ? o.path : o.id);

export const isOffer = (p: Policy): boolean => p.types.includes('http://www.w3.org/ns/odrl/2/Offer');

/** Every rule of the policy, duties included, depth first. */
export function* allRules(p: Policy): IterableIterator<Rule> {
  const walk = function* (r: Rule): IterableIterator<Rule> {
    yield r;
    for (const d of r.duties) yield* walk(d);
  };
  for (const r of [...p.permissions, ...p.prohibitions, ...p.obligations]) yield* walk(r);
}

/** Every constraint of a list, nested members included, depth first. */
export function* allConstraints(list: readonly Constraint[]): IterableIterator<Constraint> {
  for (const c of list) {
    yield c;
    if (c.kind === 'logical') yield* allConstraints(c.constraints);
  }
}
