import { AppError, err, isAppError, ok, type Clock, type FieldError, type IdGenerator, type Result } from '../../kernel/index.js';
import { EVALUATION_REQUEST_CONTEXT_URL, STATE_OF_WORLD_CONTEXT_URL } from '../adapters/formal-semantics.contexts.js';
import { DEFAULT_POLICY_CONTEXT } from '../adapters/jsonld.documents.js';
import { readRdf, type InputFormat, type RdfInput } from '../adapters/rdf-input.js';
import { reportToTurtle } from '../adapters/report.serialiser.js';
import { buildComplianceReport } from '../domain/compliance-report.js';
import type { EvaluationContext } from '../domain/evaluation-context.js';
import { readEvaluationRequest, type EvaluationRequest } from '../domain/evaluation-request.reader.js';
import { compilePolicy, type Decision } from '../domain/policy.compiler.js';
import { allRules, type Policy, type PolicyIssue } from '../domain/policy.model.js';
import { readPolicy } from '../domain/policy.reader.js';
import { readStateOfWorld, type StateOfWorld } from '../domain/state-of-world.reader.js';

/** A policy read, checked and expanded to atomic rules; `warnings` are doubts that do not stop evaluation. */
export interface ParsedPolicy {
  policy: Policy;
  warnings: PolicyIssue[];
}

export interface ParseOptions {
  /** Input syntax of a string (default: detected; objects are JSON-LD). */
  format?: InputFormat;
  /** File name, to detect the syntax by extension. */
  fileName?: string;
}

/** Field errors from issues, their JSON pointers placed under `prefix` (where the document sits in the caller's input). */
export const fieldErrorsOf = (issues: readonly PolicyIssue[], prefix = ''): FieldError[] => issues.map((i) => ({ path: `${prefix}${i.path}`, message: i.message }));

/** Re-roots an error's field paths (`/permission/0` -> `/body/policy/permission/0`). */
export function placeErrors(e: AppError, prefix: string): AppError {
  const errors = e.errors?.length ? e.errors.map((f) => ({ path: `${prefix}${f.path}`, message: f.message })) : [{ path: prefix, message: e.message }];
  return new AppError(e.code, e.message, errors);
}

/** Reads an ODRL policy (JSON-LD or Turtle). Errors: DS_POLICY_UNREADABLE (syntax), DS_POLICY_MALFORMED (model). */
export async function parsePolicy(input: RdfInput, opts: ParseOptions = {}): Promise<Result<ParsedPolicy>> {
  const checked = await validatePolicy(input, opts);
  if (!checked.ok) return checked;
  const { policy, errors, warnings } = checked.value;
  if (!policy) return err(new AppError('DS_POLICY_MALFORMED', errors.map((e) => e.message).join('; '), fieldErrorsOf(errors)));
  return ok({ policy, warnings });
}

export interface PolicyValidation {
  valid: boolean;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
  /** Atomic rules (duties included) the policy expands to. */
  rules: number;
  policy?: Policy;
}

/** Checks a policy; only an unreadable document is an error, an invalid policy is the answer. */
export async function validatePolicy(input: RdfInput, opts: ParseOptions = {}): Promise<Result<PolicyValidation>> {
  try {
    const graph = await readRdf(input, opts);
    const read = readPolicy(graph);
    const rules = read.policy ? [...allRules(read.policy)].length : 0;
    return ok({ valid: read.errors.length === 0, errors: read.errors, warnings: read.warnings, rules, ...(read.policy ? { policy: read.policy } : {}) });
  } catch (e) {
    if (isAppError(e)) return err(e);
    throw e;
  }
}

export interface EvaluationDocuments {
  policy: RdfInput;
  request: RdfInput;
  state?: RdfInput;
  /** Output syntax (default jsonld). */
  format?: 'jsonld' | 'turtle';
  /** File names, when read from files, to detect their syntax. */
  names?: { policy?: string; request?: string; state?: string };
}

export interface EvaluationOutcome {
  decision: Decision;
  /** The compliance report: a JSON-LD object, or Turtle text. */
  report: Record<string, unknown> | string;
  warnings: PolicyIssue[];
}

/**
 * `dases policy evaluate` and POST /api/v1/policies/evaluate: policy + evaluation request + state of the world ->
 * compliance report. Field paths of errors start with /policy, /request or /state.
 */
export async function evaluateDocuments(docs: EvaluationDocuments, deps: { clock: Clock; ids: IdGenerator }): Promise<Result<EvaluationOutcome>> {
  const parsed = await parsePolicy(docs.policy, docs.names?.policy ? { fileName: docs.names.policy } : {});
  if (!parsed.ok) return err(placeErrors(parsed.error, '/policy'));
  let request: EvaluationRequest;
  let state: StateOfWorld | undefined;
  try {
    const rg = await readRdf(docs.request, { defaultContext: [DEFAULT_POLICY_CONTEXT, EVALUATION_REQUEST_CONTEXT_URL], ...(docs.names?.request ? { fileName: docs.names.request } : {}) });
    const read = readEvaluationRequest(rg);
    if (!read.request) return err(new AppError('DS_POLICY_INVALID_REQUEST', read.errors.map((e) => e.message).join('; '), fieldErrorsOf(read.errors, '/request')));
    request = read.request;
  } catch (e) {
    if (isAppError(e)) return err(placeErrors(e, '/request'));
    throw e;
  }
  if (docs.state !== undefined) {
    try {
      state = readStateOfWorld(await readRdf(docs.state, { defaultContext: [DEFAULT_POLICY_CONTEXT, STATE_OF_WORLD_CONTEXT_URL], ...(docs.names?.state ? { fileName: docs.names.state } : {}) }));
    } catch (e) {
      if (isAppError(e)) return err(placeErrors(e, '/state'));
      throw e;
    }
  }
  const ctx = contextOf(request, state, deps.clock);
  const trace = compilePolicy(parsed.value).trace(request.request, ctx);
  const json = buildComplianceReport({
    reportId: `urn:uuid:${deps.ids.uuid()}`,
    created: deps.clock.now(),
    policyId: parsed.value.policy.id,
    requestId: request.id,
    ...(state?.id ? { stateId: state.id } : {}),
    trace,
  });
  const report = docs.format === 'turtle' ? await reportToTurtle(json) : json;
  return ok({ decision: trace.decision, report, warnings: parsed.value.warnings });
}

/** The evaluation context of a request and a state: time from the request, else the state, else the Clock. */
export function contextOf(request: EvaluationRequest, state: StateOfWorld | undefined, clock: Clock): EvaluationContext {
  return {
    now: request.time ?? state?.currentTime ?? clock.now(),
    values: request.values,
    ...(state ? { knowledge: state.knowledge, performed: state.performed, reported: state.reported } : {}),
  };
}
