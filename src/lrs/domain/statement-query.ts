import type { FieldError } from '../../kernel/index.js';
import { ifiKey, validateActor, type Actor } from './agent.js';
import type { StatementFormat } from './statement.format.js';
import { checkTimestamp, isIri, isUuid, parseTimestamp, type XapiVersion } from './xapi-primitives.js';

/** The filters of GET /statements (xAPI 1.0.3 Communication §2.1.3; XAPI-00164..00181). */
export interface StatementFilter {
  /** IFI keys of the agent (an identified Group: only its own IFI). */
  agent?: string;
  verb?: string;
  activity?: string;
  registration?: string;
  relatedAgents?: boolean;
  relatedActivities?: boolean;
  since?: Date;
  until?: Date;
  ascending?: boolean;
}

export interface StatementQuery {
  filter: StatementFilter;
  limit: number;
  format: StatementFormat;
  attachments: boolean;
}

export type ParsedGet =
  | { kind: 'single'; id: string; voided: boolean; format: StatementFormat; attachments: boolean }
  | { kind: 'query'; query: StatementQuery; raw: Record<string, string> }
  | { kind: 'more'; cursor: string };

const FILTER_PARAMS = ['agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents', 'since', 'until', 'limit', 'format', 'attachments', 'ascending'];
const SINGLE_PARAMS = ['statementId', 'voidedStatementId', 'format', 'attachments'];

/** Parses the query string of GET /statements into a single-statement fetch, a query, or a `more` page. */
export function parseStatementGet(q: Record<string, string>, version: XapiVersion): { ok: ParsedGet } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const keys = Object.keys(q);
  if (q.more !== undefined) {
    for (const k of keys) if (k !== 'more') errors.push({ path: `/query/${k}`, message: 'cannot be combined with more' });
    return errors.length ? { errors } : { ok: { kind: 'more', cursor: q.more } };
  }
  const format = parseFormat(q.format, errors);
  const attachments = parseBool(q, 'attachments', errors) ?? false;
  if (q.statementId !== undefined || q.voidedStatementId !== undefined) {
    // XAPI-00150/00151: with an id, only format and attachments may accompany it.
    for (const k of keys) if (!SINGLE_PARAMS.includes(k)) errors.push({ path: `/query/${k}`, message: 'cannot be combined with statementId or voidedStatementId' });
    if (q.statementId !== undefined && q.voidedStatementId !== undefined) errors.push({ path: '/query/voidedStatementId', message: 'cannot be combined with statementId' });
    const id = q.statementId ?? q.voidedStatementId ?? '';
    const name = q.statementId !== undefined ? 'statementId' : 'voidedStatementId';
    if (!isUuid(id)) errors.push({ path: `/query/${name}`, message: 'must be a UUID' });
    return errors.length ? { errors } : { ok: { kind: 'single', id: id.toLowerCase(), voided: name === 'voidedStatementId', format, attachments } };
  }
  for (const k of keys) if (!FILTER_PARAMS.includes(k)) errors.push({ path: `/query/${k}`, message: 'is not a parameter of the Statements resource' });
  const filter: StatementFilter = {};
  if (q.agent !== undefined) {
    let agent: unknown;
    try { agent = JSON.parse(q.agent); } catch { errors.push({ path: '/query/agent', message: 'must be an Agent or identified Group as JSON' }); }
    if (agent !== undefined) {
      const e = validateActor(agent, '/query/agent', { allowGroup: true });
      const key = e.length === 0 ? ifiKey(agent as Actor) : undefined;
      if (e.length) errors.push(...e);
      else if (!key) errors.push({ path: '/query/agent', message: 'must be an Agent or an identified Group (with an IFI)' });
      else filter.agent = key;
    }
  }
  if (q.verb !== undefined) { if (isIri(q.verb)) filter.verb = q.verb; else errors.push({ path: '/query/verb', message: 'must be an IRI' }); }
  if (q.activity !== undefined) { if (isIri(q.activity)) filter.activity = q.activity; else errors.push({ path: '/query/activity', message: 'must be an IRI' }); }
  if (q.registration !== undefined) { if (isUuid(q.registration)) filter.registration = q.registration.toLowerCase(); else errors.push({ path: '/query/registration', message: 'must be a UUID' }); }
  for (const [k, prop] of [['since', 'since'], ['until', 'until']] as const) {
    if (q[k] === undefined) continue;
    const before = errors.length;
    checkTimestamp(q[k], `/query/${k}`, version === '2.0.0' ? '2.0.0' : '1.0.3', errors);
    if (errors.length === before) filter[prop] = parseTimestamp(q[k]);
  }
  const ra = parseBool(q, 'related_agents', errors);
  const rac = parseBool(q, 'related_activities', errors);
  const asc = parseBool(q, 'ascending', errors);
  if (ra !== undefined) filter.relatedAgents = ra;
  if (rac !== undefined) filter.relatedActivities = rac;
  if (asc !== undefined) filter.ascending = asc;
  let limit = 0;
  if (q.limit !== undefined) {
    if (!/^\d+$/.test(q.limit)) errors.push({ path: '/query/limit', message: 'must be a non-negative integer' });
    else limit = Number(q.limit);
  }
  if (errors.length) return { errors };
  return { ok: { kind: 'query', query: { filter, limit, format, attachments }, raw: q } };
}

function parseFormat(v: string | undefined, errors: FieldError[]): StatementFormat {
  if (v === undefined) return 'exact';
  if (v === 'exact' || v === 'ids' || v === 'canonical') return v;
  errors.push({ path: '/query/format', message: 'must be ids, exact or canonical' });
  return 'exact';
}

function parseBool(q: Record<string, string>, k: string, errors: FieldError[]): boolean | undefined {
  const v = q[k];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  errors.push({ path: `/query/${k}`, message: 'must be true or false' });
  return undefined;
}
