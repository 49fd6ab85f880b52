import type { ContextValue } from './values.js';

/**
 * What an evaluation knows about the world. Runtime callers (the data plane) build one per request from the
 * injected Clock, their usage counters and the counterparty; `dases policy evaluate` builds one from an evaluation
 * request and a state of the world. Nothing here is fetched: absent information leaves a constraint unsatisfied.
 */
export interface EvaluationContext {
  /** The instant the request is evaluated at (the Clock's now): `dateTime`, `dayOfWeek`, `elapsedTime`, `event`. */
  now: Date;
  /** Collections the requesting party belongs to: party collections, roles, credential types, ecosystems. */
  partyMemberOf?: readonly string[];
  /** Collections the requested asset belongs to (its dataset, catalog or offering). */
  targetPartOf?: readonly string[];
  /** The declared purpose(s) of the use (IRIs or the policy's terms). */
  purpose?: string | readonly string[];
  /** Who receives the data: defaults to the requesting party (the counterparty's DID). */
  recipient?: string | readonly string[];
  /** Where the use happens (country codes or IRIs, as the policies write them). */
  spatial?: string | readonly string[];
  language?: string | readonly string[];
  industry?: string | readonly string[];
  /** The amount paid, for `payAmount` (with its currency, checked against a constraint's unit). */
  payAmount?: { amount: number; currency?: string };
  /**
   * How many times the rule was exercised BEFORE this request (the data plane's atomic counters): by rule IRI (or
   * JSON pointer of an unnamed rule), or one number for every rule. `count` constraints see it plus one, this use.
   */
  usageCount?: number | Readonly<Record<string, number>>;
  /** When the use period started (e.g. the agreement's signature), for `elapsedTime`. */
  usageStart?: Date;
  /** Accumulated time of use, in seconds, when the caller measures it (`elapsedTime` prefers it over usageStart). */
  elapsedSeconds?: number;
  /** Known events by IRI, for `event` constraints (`lt`: before it, `eq`: during it, `gt`: after it). */
  events?: Readonly<Record<string, { start?: Date; end?: Date }>>;
  /** Performed actions of duties (and prohibitions, obligations), by rule IRI or pointer, with their values. */
  performed?: Readonly<Record<string, PerformedAction>>;
  /** Deontic states earlier evaluations reported, by rule IRI or pointer. */
  reported?: Readonly<Record<string, 'Fulfilled' | 'Violated' | 'NonSet'>>;
  /** Any other left operand value, by left operand IRI (or by the unit/feature IRI a request parameter names). */
  values?: Readonly<Record<string, ContextValue | readonly ContextValue[]>>;
  /** Relations between things the evaluation may need: collection membership, taxonomies, action inclusion. */
  knowledge?: Knowledge;
}

export interface PerformedAction {
  /** Values of the performance (left operand IRI -> values), e.g. odrl:payAmount -> 5.00. */
  values: Readonly<Record<string, ContextValue | readonly ContextValue[]>>;
  /** Currency or unit of the amounts, when recorded. */
  unit?: string;
  at?: Date;
}

/** Direct edges; lookups follow them transitively. */
export interface Knowledge {
  /** x odrl:partOf y (assets in asset collections, parties in party collections, places in regions). */
  partOf?: Readonly<Record<string, readonly string[]>>;
  /** x is an instance/narrower concept of y (rdf:type, rdfs:subClassOf, skos:broader), for `isA`. */
  isA?: Readonly<Record<string, readonly string[]>>;
  /** Profile actions: x odrl:includedIn y. */
  includedIn?: Readonly<Record<string, readonly string[]>>;
  /** x rdf:value v: what a rightOperandReference stands for. */
  references?: Readonly<Record<string, readonly ContextValue[]>>;
}

/** True when `from` reaches `to` through the edges (reflexively). */
export function reaches(edges: Readonly<Record<string, readonly string[]>> | undefined, from: string, to: string): boolean {
  if (from === to) return true;
  if (!edges) return false;
  const first = own(edges, from);
  if (!first) return false;
  if (first.includes(to)) return true;
  const seen = new Set<string>([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const next of own(edges, todo.pop()!) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return false;
}

/**
 * A record entry by a key that comes from outside (an IRI in a policy or request): only own properties count,
 * so a key such as "constructor" never reaches Object.prototype.
 */
export const own = <T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined => (rec !== undefined && Object.hasOwn(rec, key) ? rec[key] : undefined);

/**
 * A rule's entry in a record keyed by rule: by its IRI, or for unnamed rules (DSP agreements name none) by the
 * JSON pointer of the rule in the policy document ("/permission/0/duty/0").
 */
export const forRule = <T>(rec: Readonly<Record<string, T>> | undefined, rule: { id: string; path?: string }): T | undefined =>
  own(rec, rule.id) ?? (rule.path !== undefined ? own(rec, rule.path) : undefined);

/** A record without prototype, for maps keyed by input IRIs. */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export const asArray = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T]);
