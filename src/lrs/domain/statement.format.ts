import { ifiFields } from './agent.js';
import { isObject, type Json } from './xapi-primitives.js';

/**
 * The `format` parameter of GET statements (xAPI 1.0.3 Communication §2.1.3; XAPI-00168..00172):
 * - exact: as stored;
 * - ids: only identifiers of Agents, Groups (anonymous ones keep their members, reduced), Activities and Verbs;
 * - canonical: Activities carry the LRS's canonical definition (when it has one) and every language map is
 *   reduced to the one language that best matches Accept-Language.
 */
export type StatementFormat = 'exact' | 'ids' | 'canonical';

export function formatStatement(s: Json, format: StatementFormat, languages: string[], definitions: ReadonlyMap<string, Json> = new Map()): Json {
  if (format === 'exact') return s;
  const c = structuredClone(s);
  if (format === 'ids') idsOnly(c);
  else canonical(c, languages, definitions);
  return c;
}

function actorIds(a: unknown): unknown {
  if (!isObject(a)) return a;
  const out: Json = {};
  if (a.objectType !== undefined) out.objectType = a.objectType;
  for (const k of ifiFields(a)) out[k] = a[k];
  if (a.objectType === 'Group' && ifiFields(a).length === 0 && Array.isArray(a.member)) out.member = a.member.map(actorIds);
  return out;
}

function activityIds(a: unknown): unknown {
  return isObject(a) ? { objectType: 'Activity', id: a.id } : a;
}

function idsOnly(s: Json): void {
  s.actor = actorIds(s.actor);
  if (isObject(s.verb)) s.verb = { id: s.verb.id };
  if (s.authority !== undefined) s.authority = actorIds(s.authority);
  const o = s.object;
  if (isObject(o)) {
    const t = o.objectType ?? 'Activity';
    if (t === 'Activity') s.object = activityIds(o);
    else if (t === 'Agent' || t === 'Group') s.object = actorIds(o);
    else if (t === 'SubStatement') idsOnly(o);
  }
  const ctx = s.context;
  if (isObject(ctx)) {
    if (ctx.instructor !== undefined) ctx.instructor = actorIds(ctx.instructor);
    if (ctx.team !== undefined) ctx.team = actorIds(ctx.team);
    if (isObject(ctx.contextActivities)) for (const [k, v] of Object.entries(ctx.contextActivities)) ctx.contextActivities[k] = Array.isArray(v) ? v.map(activityIds) : activityIds(v);
    if (Array.isArray(ctx.contextAgents)) for (const i of ctx.contextAgents) if (isObject(i)) i.agent = actorIds(i.agent);
    if (Array.isArray(ctx.contextAgentGroups)) for (const i of ctx.contextAgentGroups) if (isObject(i)) i.group = actorIds(i.group);
  }
}

/** The entry of a language map best matching the caller's preferences (then en-US, en, the first). */
export function pickLanguage(map: Json, languages: string[]): Json {
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  const lower = keys.map((k) => k.toLowerCase());
  for (const want of [...languages.map((l) => l.toLowerCase()), 'en-us', 'en']) {
    let i = lower.indexOf(want);
    if (i < 0 && !want.includes('-')) i = lower.findIndex((k) => k.startsWith(`${want}-`));
    if (i < 0) i = lower.indexOf(want.split('-')[0] ?? want);
    if (i >= 0) return { [keys[i] as string]: map[keys[i] as string] };
  }
  return { [keys[0] as string]: map[keys[0] as string] };
}

function canonical(s: Json, languages: string[], definitions: ReadonlyMap<string, Json>): void {
  const pick = (o: Json, k: string) => { if (isObject(o[k])) o[k] = pickLanguage(o[k], languages); };
  const activity = (a: unknown) => {
    if (!isObject(a)) return;
    const known = typeof a.id === 'string' ? definitions.get(a.id) : undefined;
    if (known) a.definition = structuredClone(known);
    if (!isObject(a.definition)) return;
    const d = a.definition;
    pick(d, 'name');
    pick(d, 'description');
    for (const list of ['choices', 'scale', 'source', 'target', 'steps']) if (Array.isArray(d[list])) for (const c of d[list]) if (isObject(c)) pick(c, 'description');
  };
  const visit = (st: Json) => {
    if (isObject(st.verb)) pick(st.verb, 'display');
    if (isObject(st.object) && (st.object.objectType ?? 'Activity') === 'Activity') activity(st.object);
    const ca = isObject(st.context) ? st.context.contextActivities : undefined;
    if (isObject(ca)) for (const v of Object.values(ca)) for (const a of Array.isArray(v) ? v : [v]) activity(a);
    if (Array.isArray(st.attachments)) for (const a of st.attachments) if (isObject(a)) { pick(a, 'display'); pick(a, 'description'); }
  };
  visit(s);
  if (isObject(s.object) && s.object.objectType === 'SubStatement') visit(s.object);
}

/** Accept-Language parsed into tags by descending quality. */
export function acceptLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((x) => x !== undefined);
    return { tag: (tag ?? '').trim(), q: q === undefined ? 1 : Number(q) };
  }).filter((x) => x.tag !== '' && x.tag !== '*' && x.q > 0).sort((a, b) => b.q - a.q).map((x) => x.tag);
}
