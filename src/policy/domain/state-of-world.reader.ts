import { nativeOf } from './evaluation-request.reader.js';
import { dict, own, type Knowledge, type PerformedAction } from './evaluation-context.js';
import { localName } from './left-operands.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import { RDF, RDF_TYPE, isLiteral, isResource, type Graph, type Term } from './rdf-graph.js';
import type { ContextValue } from './values.js';

const SOTW = 'https://w3id.org/force/sotw#';
const FS = 'https://w3id.org/odrl-fs#';
const DCT_ISSUED = 'http://purl.org/dc/terms/issued';
const O = (n: string) => `${ODRL_NS}${n}`;

/** What a state of the world tells an evaluation: the time, memberships, earlier performances and reports. */
export interface StateOfWorld {
  id?: string;
  currentTime?: Date;
  knowledge: Knowledge;
  /** Performed actions by the rule they were performed for (sotw:conditionId). */
  performed: Record<string, PerformedAction>;
  /** Deontic states of rules in earlier compliance reports. */
  reported: Record<string, 'Fulfilled' | 'Violated' | 'NonSet'>;
}

/** Record properties meaning "the amount paid" and "its currency", by local name (payment vocabularies vary). */
const AMOUNT = new Set(['netAmount', 'amount', 'paidAmount', 'payAmount', 'price', 'totalAmount']);
const UNIT = new Set(['currency', 'unit', 'priceCurrency']);
const WHEN = new Set(['paymentDate', 'atTime', 'issued', 'date', 'startedAtTime']);
/** The draft writes `conditionId` in JSON-LD and `conditionID` in Turtle; both link a record to its rule. */
const CONDITION = [`${SOTW}conditionId`, `${SOTW}conditionID`, `${FS}conditionId`];
const DEONTIC: Record<string, 'Fulfilled' | 'Violated' | 'NonSet'> = { Fulfilled: 'Fulfilled', Violated: 'Violated', NonSet: 'NonSet', 'Not-set': 'NonSet' };

export function readStateOfWorld(g: Graph): StateOfWorld {
  const sotw = [...g.subjects()].find((s) => g.types(s).some((t) => t === `${SOTW}SotW` || t === `${FS}SotW`));
  const state: StateOfWorld = { knowledge: readKnowledge(g), performed: dict(), reported: dict() };
  if (sotw) state.id = sotw;
  const time = sotw ? g.objectsOf(sotw, [`${SOTW}currentTime`, `${FS}currentTime`])[0] : undefined;
  const when = timeOf(g, time);
  if (when) state.currentTime = when;
  for (const [s, p, o] of g.triples()) {
    if (CONDITION.includes(p) && isResource(o)) state.performed[o.value] = performance(g, s);
    const name = localName(p);
    if ((name === 'rule' || name === 'condition') && p.includes('report') && isResource(o)) {
      const d = g.objectsOf(s, [...g.predicates(s).keys()].filter((k) => localName(k) === 'deonticState'))[0];
      const deontic = d ? own(DEONTIC, localName(d.value)) : undefined;
      if (deontic) state.reported[o.value] = deontic;
    }
  }
  return state;
}

/** sotw:currentTime is a literal, or (FORCE test suite) a node whose dct:issued is the time. */
function timeOf(g: Graph, t: Term | undefined): Date | undefined {
  const lit = isResource(t) ? g.objects(t.value, DCT_ISSUED)[0] : t;
  if (!isLiteral(lit)) return undefined;
  const v = nativeOf({ ...lit, datatype: 'http://www.w3.org/2001/XMLSchema#dateTime' });
  return v instanceof Date ? v : undefined;
}

function performance(g: Graph, record: string): PerformedAction {
  const values = dict<ContextValue[]>();
  let unit: string | undefined;
  let at: Date | undefined;
  for (const [p, list] of g.predicates(record)) {
    const name = localName(p);
    for (const t of list) {
      const v = nativeOf(t);
      (values[p] ??= []).push(v);
      if (AMOUNT.has(name)) (values[O('payAmount')] ??= []).push(v);
      if (UNIT.has(name)) unit = t.value;
      if (WHEN.has(name) && v instanceof Date) at = v;
    }
  }
  return { values, ...(unit ? { unit } : {}), ...(at ? { at } : {}) };
}

/** odrl:partOf (collections, regions), rdf:type / rdfs:subClassOf / skos:broader (isA), odrl:includedIn, rdf:value. */
function readKnowledge(g: Graph): Knowledge {
  const partOf = dict<string[]>();
  const isA = dict<string[]>();
  const includedIn = dict<string[]>();
  const references = dict<ContextValue[]>();
  const edge = (m: Record<string, string[]>, a: string, b: string) => (m[a] ??= []).push(b);
  for (const [s, p, o] of g.triples()) {
    if (p === O('partOf') && isResource(o)) edge(partOf, s, o.value);
    else if ((p === RDF_TYPE || p === 'http://www.w3.org/2000/01/rdf-schema#subClassOf' || p === 'http://www.w3.org/2004/02/skos/core#broader') && isResource(o)) edge(isA, s, o.value);
    else if (p === O('includedIn') && isResource(o)) edge(includedIn, s, o.value);
    else if (p === `${RDF}value`) (references[s] ??= []).push(nativeOf(o));
  }
  return { partOf, isA, includedIn, references };
}
