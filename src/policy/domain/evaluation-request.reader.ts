import { Issues, members } from './constraint.reader.js';
import { dict } from './evaluation-context.js';
import { ODRL_LEFT_OPERANDS, ODRL_NS } from './odrl.vocabulary.js';
import { RDF_TYPE, XSD, isLiteral, isResource, type Graph, type Term } from './rdf-graph.js';
import type { DecisionRequest } from './rule.compiler.js';
import { parseTime, valueOfTerm, type ContextValue } from './values.js';

const SOTW = 'https://w3id.org/force/sotw#';
const FS = 'https://w3id.org/odrl-fs#';
const DCT_ISSUED = 'http://purl.org/dc/terms/issued';
const O = (n: string) => `${ODRL_NS}${n}`;

/** The request of the formal-semantics draft: who asks to do what on which asset, at what time, with which features. */
export interface EvaluationRequest {
  id: string;
  request: DecisionRequest;
  /** The request's instant: its CurrentXSDDateTime parameter, else dct:issued. */
  time?: Date;
  /** Features of the request by IRI (a left operand, or a unit such as dots per inch). */
  values: Record<string, ContextValue[]>;
}

/*
 * The draft has used several spellings; all are read: sotw:evaluatedAction/Party/Target (the examples),
 * sotw:requestedAction/requestingParty/requestedTarget (the FORCE test suite), odrl-fs:… (the draft's ontology)
 * and odrl:action/assignee/target (the draft's prose).
 */
const ACTION = [`${SOTW}evaluatedAction`, `${SOTW}requestedAction`, `${FS}requestedAction`, O('action')];
const PARTY = [`${SOTW}evaluatedParty`, `${SOTW}requestingParty`, `${FS}requestingParty`, O('assignee')];
const TARGET = [`${SOTW}evaluatedTarget`, `${SOTW}requestedTarget`, `${FS}requestedTarget`, O('target')];
const TYPES = [`${SOTW}EvaluationRequest`, `${FS}EvaluationRequest`];
const CURRENT_TIME = `${SOTW}CurrentXSDDateTime`;
const LEFT_OPERANDS = new Set<string>(ODRL_LEFT_OPERANDS.map(O));

export function readEvaluationRequest(g: Graph): { request?: EvaluationRequest; errors: Issues['errors'] } {
  const issues = new Issues(g);
  const typed = [...g.subjects()].filter((s) => g.types(s).some((t) => TYPES.includes(t)));
  const candidates = typed.length > 0 ? typed : [...g.subjects()].filter((s) => ACTION.slice(0, 3).some((p) => g.objects(s, p).length > 0));
  if (candidates.length !== 1) {
    const message = candidates.length === 0 ? 'no evaluation request found (a node typed sotw:EvaluationRequest, with the evaluated action)' : `the document holds ${candidates.length} evaluation requests; give one`;
    return { errors: [{ path: '', message }] };
  }
  const id = candidates[0]!;
  const one = (props: string[], name: string, required: boolean): string | undefined => {
    const values = g.objectsOf(id, props);
    if (values.length === 0 && required) issues.error(id, `the ${name} is required`, name);
    if (values.length > 1) issues.error(id, `one ${name} per request (found ${values.length})`, name);
    const v = values[0];
    if (v && !isResource(v)) issues.error(id, `the ${name} must be an IRI, not the literal "${v.value}"`, name);
    return v && isResource(v) ? v.value : undefined;
  };
  const action = one(ACTION, 'evaluatedAction', true);
  const party = one(PARTY, 'evaluatedParty', false);
  const target = one(TARGET, 'evaluatedTarget', false);
  const values = dict<ContextValue[]>();
  const put = (key: string, v: ContextValue | undefined) => v !== undefined && (values[key] ??= []).push(v);
  let time = dateOf(g.objects(id, DCT_ISSUED)[0]);
  for (const p of members(g, id, `${SOTW}requestParameter`)) {
    if (!isResource(p)) continue;
    const feature = g.objects(p.value, `${SOTW}describesFeature`)[0];
    const value = parameterValue(g, g.objects(p.value, `${SOTW}value`)[0]);
    if (!feature || value === undefined) {
      issues.error(p.value, 'a request parameter needs a value and the feature it describes', 'describesFeature');
      continue;
    }
    if (feature.value === CURRENT_TIME) {
      time = value instanceof Date ? value : typeof value === 'string' ? dateOf({ termType: 'Literal', value, datatype: `${XSD}dateTime` }) : undefined;
      if (!time) issues.error(p.value, `the current time "${String(value)}" is not an xsd:dateTime`, 'value');
    } else put(feature.value, value);
  }
  // Context given as constraints (odrl-fs:context: "the purpose is X") or as left-operand properties of the request.
  for (const c of [...members(g, id, `${FS}context`), ...members(g, id, `${SOTW}context`)]) {
    if (!isResource(c)) continue;
    const lo = g.objects(c.value, O('leftOperand'))[0];
    for (const r of members(g, c.value, O('rightOperand'))) if (lo) put(lo.value, nativeOf(r));
  }
  for (const [p, list] of g.predicates(id)) if (LEFT_OPERANDS.has(p)) for (const t of list) put(p, nativeOf(t));
  if (issues.errors.length > 0 || !action) return { errors: issues.errors };
  const request: DecisionRequest = { action, ...(party ? { party } : {}), ...(target ? { target } : {}) };
  return { request: { id, request, ...(time ? { time } : {}), values }, errors: [] };
}

function dateOf(t: Term | undefined): Date | undefined {
  if (!isLiteral(t)) return undefined;
  const v = parseTime(t.value);
  return v?.k === 'time' ? new Date(v.start) : undefined;
}

/** A literal as the plain value the evaluation context holds: numbers, booleans and instants typed, the rest text. */
export function nativeOf(t: Term): ContextValue {
  if (!isLiteral(t)) return t.value;
  const v = valueOfTerm(t);
  if (v?.k === 'num') return v.n;
  if (v?.k === 'bool') return v.b;
  if (v?.k === 'time') return new Date(v.start);
  return t.value;
}

/**
 * Upstream's B11/B12 requests write the value as {"@id": "1000", "@type": "xsd:integer"}: a node typed with an
 * XSD datatype rather than a value object. Such a node is read as the literal it was meant to be.
 */
function parameterValue(g: Graph, t: Term | undefined): ContextValue | undefined {
  if (!t) return undefined;
  if (isResource(t)) {
    const datatype = g.objects(t.value, RDF_TYPE).find((d) => d.value.startsWith(XSD));
    if (datatype) return nativeOf({ termType: 'Literal', value: t.value, datatype: datatype.value });
  }
  return nativeOf(t);
}
