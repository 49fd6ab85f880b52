import { actorKeys, type Actor } from './agent.js';
import { VOIDED_VERB } from './statement.validator.js';
import { isObject, type Json } from './xapi-primitives.js';

/** A statement as stored and returned: validated, with id, stored, authority, version and timestamp set. */
export type Statement = Json & { id: string; stored: string; verb: { id: string } };

/**
 * Completes a valid statement for storage (xAPI 1.0.3 Data §2.4; IEEE 9274.1.1 §9.2): the LRS assigns the id when
 * absent, always sets `stored` and `authority`, sets `version` and `timestamp` when absent, and turns every
 * contextActivities value into an array (XAPI-00094 asks for arrays on the way out; storing them so keeps
 * `format=exact` simple).
 */
export function prepareStatement(raw: Json, set: { id: string; stored: Date; authority: Json; version: string }): Statement {
  // Copies only what changes (the top level, and the contexts below): the rest is shared with `raw`, which nobody
  // changes afterwards; a deep clone of every statement of a batch cost more than its validation.
  const s: Json = { ...raw };
  s.id = typeof s.id === 'string' ? s.id.toLowerCase() : set.id;
  s.stored = set.stored.toISOString();
  s.authority = set.authority;
  if (s.version === undefined) s.version = set.version;
  if (s.timestamp === undefined) s.timestamp = s.stored;
  normaliseContext(s);
  const o = s.object;
  if (isObject(o) && o.objectType === 'SubStatement') {
    const sub: Json = { ...o };
    normaliseContext(sub);
    s.object = sub;
  }
  return s as Statement;
}

/** Replaces `s.context` with a copy whose contextActivities values are arrays, when any is not. */
function normaliseContext(s: Json): void {
  const ctx = s.context;
  const ca = isObject(ctx) ? ctx.contextActivities : undefined;
  if (!isObject(ctx) || !isObject(ca) || Object.values(ca).every(Array.isArray)) return;
  s.context = { ...ctx, contextActivities: Object.fromEntries(Object.entries(ca).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) };
}

/** What the side tables and columns index, derived once at write time. */
export interface StatementIndex {
  verbId: string;
  registration: string | null;
  refId: string | null;
  isVoiding: boolean;
  agents: { direct: string[]; related: string[] };
  activities: { direct: string[]; related: string[] };
}

const actorsOf = (v: unknown): string[] => (isObject(v) && (v.objectType === 'Agent' || v.objectType === 'Group' || v.objectType === undefined) ? actorKeys(v as Actor) : []);
const objectIsActor = (o: unknown): o is Json => isObject(o) && (o.objectType === 'Agent' || o.objectType === 'Group');
const objectActivityId = (o: unknown): string | undefined => (isObject(o) && (o.objectType ?? 'Activity') === 'Activity' && typeof o.id === 'string' ? o.id : undefined);

export function indexStatement(s: Statement): StatementIndex {
  const direct = [...actorsOf(s.actor), ...(objectIsActor(s.object) ? actorsOf(s.object) : [])];
  const related = [...direct, ...actorsOf(s.authority), ...contextAgents(s.context)];
  const directActivities: string[] = [];
  const relatedActivities: string[] = [...contextActivityIds(s.context)];
  const objectId = objectActivityId(s.object);
  if (objectId) directActivities.push(objectId);
  const o = s.object;
  if (isObject(o) && o.objectType === 'SubStatement') {
    related.push(...actorsOf(o.actor), ...(objectIsActor(o.object) ? actorsOf(o.object) : []), ...contextAgents(o.context));
    const subId = objectActivityId(o.object);
    if (subId) relatedActivities.push(subId);
    relatedActivities.push(...contextActivityIds(o.context));
  }
  const ctx = isObject(s.context) ? s.context : {};
  const ref = isObject(o) && o.objectType === 'StatementRef' && typeof o.id === 'string' ? o.id.toLowerCase() : null;
  return {
    verbId: s.verb.id,
    registration: typeof ctx.registration === 'string' ? ctx.registration.toLowerCase() : null,
    refId: ref,
    isVoiding: s.verb.id === VOIDED_VERB,
    agents: { direct: [...new Set(direct)], related: [...new Set(related)] },
    activities: { direct: directActivities, related: [...new Set([...directActivities, ...relatedActivities])] },
  };
}

function contextAgents(c: unknown): string[] {
  if (!isObject(c)) return [];
  const keys = [...actorsOf(c.instructor), ...actorsOf(c.team)];
  for (const item of Array.isArray(c.contextAgents) ? c.contextAgents : []) if (isObject(item)) keys.push(...actorsOf(item.agent));
  for (const item of Array.isArray(c.contextAgentGroups) ? c.contextAgentGroups : []) if (isObject(item)) keys.push(...actorsOf(item.group));
  return keys;
}

function contextActivityIds(c: unknown): string[] {
  const ca = isObject(c) ? c.contextActivities : undefined;
  if (!isObject(ca)) return [];
  const ids: string[] = [];
  for (const list of Object.values(ca)) for (const a of Array.isArray(list) ? list : [list]) if (isObject(a) && typeof a.id === 'string') ids.push(a.id);
  return ids;
}

/** Every Activity object in a statement (object, context activities, sub-statement ones): for canonical definitions. */
export function activitiesOf(s: Json): Json[] {
  const out: Json[] = [];
  const visit = (st: Json) => {
    if (isObject(st.object) && (st.object.objectType ?? 'Activity') === 'Activity') out.push(st.object);
    const ca = isObject(st.context) ? st.context.contextActivities : undefined;
    if (isObject(ca)) for (const list of Object.values(ca)) for (const a of Array.isArray(list) ? list : [list]) if (isObject(a)) out.push(a);
  };
  visit(s);
  if (isObject(s.object) && s.object.objectType === 'SubStatement') visit(s.object);
  return out;
}

/**
 * Whether a re-sent statement is "the same" as the stored one (xAPI 1.0.3 Data §2.3 / Communication §2.1.1:
 * same id with other content → 409). Compared without what the LRS sets (stored, authority, version) and with
 * contextActivities as arrays; key order does not matter.
 */
export function sameStatement(stored: Json, incoming: Json): boolean {
  const strip = (s: Json) => {
    const c = structuredClone(s);
    // Same id by construction (ids are compared lower-cased before); the LRS-set fields do not count.
    delete c.id;
    delete c.stored;
    delete c.authority;
    delete c.version;
    if (c.timestamp === undefined || c.timestamp === s.stored) delete c.timestamp;
    normaliseContext(c);
    if (isObject(c.object) && c.object.objectType === 'SubStatement') normaliseContext(c.object);
    return canonicalJson(c);
  };
  return strip(stored) === strip(incoming);
}

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
