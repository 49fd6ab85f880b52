import { AppError, err, ok, type FieldError, type Result } from '../../kernel/index.js';
import { ABSOLUTE_IRI, ifiKey, validateActor, type Agent } from './agent.js';

/**
 * The query parameters of the document, Activities and Agents resources. xAPI wants 400 for a missing required
 * parameter, a malformed one, and any parameter it does not define for that resource and method, including one
 * that differs only in case (Communication §3.2.s3.b7–b8); every refusal names the parameter as `/query/<name>`.
 */
export type Query = Record<string, unknown>;

export interface ParamSpec {
  activityId?: 'required' | 'optional';
  agent?: 'required' | 'optional';
  registration?: 'optional';
  /** The document id parameter: `stateId` or `profileId`. */
  id?: { name: 'stateId' | 'profileId'; presence: 'required' | 'optional' };
  since?: 'optional';
}

export interface DocumentParams {
  activityId?: string;
  agent?: Agent;
  agentKey?: string;
  registration?: string;
  docId?: string;
  since?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 date-time as xAPI uses it (RFC 3339 profile); a missing offset means UTC (Data §4.5). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;

/** The agent parameter: JSON text of an Agent (never a Group: Communication §2.6 note, §2.4.s2). */
export function parseAgentParam(raw: string, path = '/query/agent'): Result<{ agent: Agent; key: string }> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return err(new AppError('DS_LRS_DOCUMENT_PARAMETER', `${path}: must be an Agent object in JSON`, [{ path, message: 'not JSON' }]));
  }
  const errors = validateActor(value, path, { allowGroup: false });
  if (errors.length > 0) return err(new AppError('DS_LRS_DOCUMENT_PARAMETER', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors));
  const agent = value as Agent;
  return ok({ agent, key: ifiKey(agent)! });
}

export function parseTimestamp(raw: string): Date | undefined {
  if (!TIMESTAMP.test(raw)) return undefined;
  const zoned = /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(raw) ? raw : `${raw}Z`;
  const t = Date.parse(zoned);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/** Validates a request's query against what the resource and method accept. */
export function parseDocumentParams(query: Query, spec: ParamSpec): Result<DocumentParams> {
  const errors: FieldError[] = [];
  const known = new Set<string>(['activityId', 'agent', 'registration', 'since'].filter((k) => spec[k as keyof ParamSpec] !== undefined));
  if (spec.id) known.add(spec.id.name);
  for (const k of Object.keys(query)) if (!known.has(k)) errors.push({ path: `/query/${k}`, message: 'is not a parameter of this resource' });

  const text = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      errors.push({ path: `/query/${name}`, message: 'must be given once, as a string' });
      return undefined;
    }
    return v;
  };
  const require = (name: string, presence: 'required' | 'optional' | undefined) => {
    if (presence === 'required' && query[name] === undefined) errors.push({ path: `/query/${name}`, message: 'is required' });
  };

  const out: DocumentParams = {};
  const activityId = text('activityId');
  require('activityId', spec.activityId);
  if (activityId !== undefined && spec.activityId) {
    if (!ABSOLUTE_IRI.test(activityId)) errors.push({ path: '/query/activityId', message: 'must be an absolute IRI' });
    else out.activityId = activityId;
  }
  const agent = text('agent');
  require('agent', spec.agent);
  if (agent !== undefined && spec.agent) {
    const parsed = parseAgentParam(agent);
    if (parsed.ok) {
      out.agent = parsed.value.agent;
      out.agentKey = parsed.value.key;
    } else errors.push(...(parsed.error.errors ?? []));
  }
  const registration = text('registration');
  if (registration !== undefined && spec.registration) {
    if (!UUID.test(registration)) errors.push({ path: '/query/registration', message: 'must be a UUID' });
    else out.registration = registration.toLowerCase();
  }
  if (spec.id) {
    const id = text(spec.id.name);
    require(spec.id.name, spec.id.presence);
    if (id === '') errors.push({ path: `/query/${spec.id.name}`, message: 'must not be empty' });
    else if (id !== undefined) out.docId = id;
  }
  const since = text('since');
  if (since !== undefined && spec.since) {
    const t = parseTimestamp(since);
    if (!t) errors.push({ path: '/query/since', message: 'must be an ISO 8601 timestamp' });
    else out.since = t;
  }
  if (errors.length > 0) return err(new AppError('DS_LRS_DOCUMENT_PARAMETER', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors));
  return ok(out);
}
