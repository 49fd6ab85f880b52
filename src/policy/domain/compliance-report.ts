import type { ConstraintResult } from './constraint.compiler.js';
import type { Constraint, Rule } from './policy.model.js';
import type { PolicyTrace } from './policy.compiler.js';
import { XSD, type Term } from './rdf-graph.js';
import type { PremiseResult } from './rule.compiler.js';
import type { RuleTrace } from './rule.evaluator.js';
import { valueText, type Value } from './values.js';

/** The report vocabulary of the ODRL formal semantics (FORCE compliance report) and our own terms. */
export const REPORT_NS = 'https://w3id.org/force/compliance-report#';
export const DASES_NS = 'https://w3id.org/dases/ns#';

/** Inline, so a report reads offline: no remote context. */
export const REPORT_CONTEXT = {
  report: REPORT_NS,
  odrl: 'http://www.w3.org/ns/odrl/2/',
  dct: 'http://purl.org/dc/terms/',
  xsd: XSD,
  dases: DASES_NS,
} as const;

type Json = Record<string, unknown>;
const id = (iri: string) => ({ '@id': iri });
const state = (name: string) => id(`report:${name}`);
const REPORT_TYPE: Record<RuleTrace['role'], string> = {
  permission: 'report:PermissionReport',
  prohibition: 'report:ProhibitionReport',
  obligation: 'report:ObligationReport',
  condition: 'report:DutyReport',
  remedy: 'report:DutyReport',
  consequence: 'report:DutyReport',
};
const PREMISE_TYPE: Record<PremiseResult['kind'], string> = { target: 'report:TargetReport', party: 'report:PartyReport', action: 'report:ActionReport' };

export interface ReportInput {
  /** The report's own IRI (a urn:uuid from the IdGenerator). */
  reportId: string;
  created: Date;
  policyId: string;
  requestId?: string;
  stateId?: string;
  trace: PolicyTrace;
}

/**
 * The compliance report as compact JSON-LD: one policy report linking one rule report per atomic rule, each
 * linking its premise reports (target, party, action, one per constraint, nested and refinement ones included)
 * and its duties. Input IRIs are kept as given; unnamed rules and constraints are located by `dases:path`.
 */
export function buildComplianceReport(input: ReportInput): Json {
  let n = 0;
  const next = () => `${input.reportId}#n${++n}`;
  const located = (o: { id: string; path?: string }, prop: string): Json => ({
    ...(o.id.startsWith('_:') ? {} : { [prop]: id(o.id) }),
    ...(o.path !== undefined ? { 'dases:path': o.path } : {}),
  });

  const constraintReport = (r: ConstraintResult): Json => {
    const c: Constraint = r.constraint;
    const out: Json = { '@id': next(), '@type': 'report:ConstraintReport', ...located(c, 'report:constraint'), 'report:satisfactionState': state(r.satisfied ? 'Satisfied' : 'Unsatisfied') };
    if (c.kind === 'logical') {
      out['report:constraintLogicalOperand'] = id(`odrl:${c.operator}`);
      out['report:premiseReport'] = (r.members ?? []).map(constraintReport);
    } else {
      out['report:constraintLeftOperand'] = (r.left ?? []).map(jsonValue);
      out['report:constraintOperator'] = id(`odrl:${c.operator}`);
      out['report:constraintRightOperand'] = c.rightOperand.map(jsonTerm);
      if (c.rightOperandReference) out['dases:rightOperandReference'] = id(c.rightOperandReference);
    }
    if (r.reason) out['dases:reason'] = r.reason;
    return out;
  };

  const premiseReport = (p: PremiseResult, t: RuleTrace): Json => {
    const out: Json = { '@id': next(), '@type': PREMISE_TYPE[p.kind], 'report:satisfactionState': state(p.satisfied ? 'Satisfied' : 'Unsatisfied') };
    if (p.kind === 'action') {
      if (t.rule.action.node && !t.rule.action.node.id.startsWith('_:')) out['report:action'] = id(t.rule.action.node.id);
      if (t.performance) out['report:performanceState'] = state(t.performance);
    }
    if (p.refinements.length > 0) out['report:premiseReport'] = p.refinements.map(constraintReport);
    return out;
  };

  const ruleReport = (t: RuleTrace): Json => {
    const rule: Rule = t.rule;
    const out: Json = { '@id': next(), '@type': REPORT_TYPE[t.role], ...located(rule, 'report:rule'), 'report:activationState': state(t.activation) };
    if (t.attempted !== undefined) out['report:attemptState'] = state(t.attempted ? 'Attempted' : 'NotAttempted');
    if (t.control) out['report:controlState'] = state(t.control);
    if (t.deontic) out['report:deonticState'] = state(t.deontic);
    if (t.performance) out['report:performanceState'] = state(t.performance);
    out['dases:action'] = id(rule.action.action);
    if (rule.target) out['dases:target'] = id(rule.target.id);
    if (rule.assignee) out['dases:assignee'] = id(rule.assignee.id);
    if (rule.split) Object.assign(out, { 'dases:splitIndex': rule.split.index, 'dases:splitOf': rule.split.of });
    out['report:premiseReport'] = [...t.premises.map((p) => premiseReport(p, t)), ...t.constraints.map(constraintReport)];
    const duties = t.duties.map(ruleReport);
    if (duties.length > 0) out[t.role === 'permission' ? 'report:conditionReport' : t.role === 'prohibition' ? 'dases:remedyReport' : 'dases:consequenceReport'] = duties;
    return out;
  };

  const { trace } = input;
  const decision = trace.decision;
  return {
    '@context': REPORT_CONTEXT,
    '@id': input.reportId,
    '@type': 'report:PolicyReport',
    'dct:created': { '@value': input.created.toISOString(), '@type': 'xsd:dateTime' },
    ...(input.policyId.startsWith('_:') ? {} : { 'report:policy': id(input.policyId) }),
    ...(input.requestId && !input.requestId.startsWith('_:') ? { 'report:policyRequest': id(input.requestId) } : {}),
    ...(input.stateId && !input.stateId.startsWith('_:') ? { 'dases:state': id(input.stateId) } : {}),
    'dases:decision': id(decision.permit ? 'dases:Permit' : 'dases:Deny'),
    'dases:conflictStrategy': id(`odrl:${trace.conflict.strategy}`),
    'dases:conflictDetected': trace.conflict.detected,
    ...(decision.reasons.length > 0 ? { 'dases:reason': decision.reasons.map((r) => r.message) } : {}),
    'report:ruleReport': [...trace.permissions, ...trace.prohibitions, ...trace.obligations].map(ruleReport),
  };
}

function jsonValue(v: Value): unknown {
  switch (v.k) {
    case 'num':
      return { '@value': String(v.n), '@type': /e/i.test(String(v.n)) ? 'xsd:double' : 'xsd:decimal' };
    case 'time':
      return { '@value': valueText(v), '@type': 'xsd:dateTime' };
    case 'dur':
      return { '@value': valueText(v), '@type': 'xsd:duration' };
    case 'bool':
      return v.b;
    case 'iri':
      return id(v.s);
    default:
      return v.s;
  }
}

function jsonTerm(t: Term): unknown {
  if (t.termType !== 'Literal') return id(t.value);
  if (t.language) return { '@value': t.value, '@language': t.language };
  return t.datatype === `${XSD}string` ? t.value : { '@value': t.value, '@type': t.datatype };
}
