import type { FieldError } from '../../kernel/index.js';
import { validateActor, type Actor } from '../../lrs/index.js';

/**
 * The xAPI statement shapes the converters produce (xAPI 1.0.3 / IEEE 9274.1.1). Deliberately loose where the
 * converters never write (SubStatements, attachments): profile validation reads any JSON object.
 */
export type LanguageMap = Record<string, string>;
export interface ActivityDefinition {
  type?: string;
  name?: LanguageMap;
  description?: LanguageMap;
  moreInfo?: string;
  interactionType?: string;
  correctResponsesPattern?: string[];
  extensions?: Record<string, unknown>;
}
export interface Activity {
  objectType?: 'Activity';
  id: string;
  definition?: ActivityDefinition;
}
export interface Score {
  scaled?: number;
  raw?: number;
  min?: number;
  max?: number;
}
export interface Result {
  score?: Score;
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: Record<string, unknown>;
}
export interface Context {
  registration?: string;
  instructor?: Actor;
  team?: Actor;
  contextActivities?: { parent?: Activity[]; grouping?: Activity[]; category?: Activity[]; other?: Activity[] };
  platform?: string;
  language?: string;
  extensions?: Record<string, unknown>;
}
export interface Statement {
  id?: string;
  actor: Actor;
  verb: { id: string; display?: LanguageMap };
  object: Activity | Actor | { objectType: 'StatementRef'; id: string } | Record<string, unknown>;
  result?: Result;
  context?: Context;
  timestamp?: string;
  version?: string;
  [k: string]: unknown;
}

/** An absolute IRI: a scheme, a colon, no spaces (what the LRS's agent checks accept too). */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** ISO 8601 date-time with a time zone (xAPI timestamps). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** ISO 8601 duration as xAPI uses it (no weeks mixed with other units). */
const DURATION = /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
export const isTimestamp = (v: unknown): v is string => typeof v === 'string' && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));
export const isDuration = (v: unknown): v is string => typeof v === 'string' && DURATION.test(v);
export const isIri = (v: unknown): v is string => typeof v === 'string' && ABSOLUTE_IRI.test(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkActivity(a: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(a)) return void errors.push({ path, message: 'must be an Activity object' });
  if (!isIri(a.id)) errors.push({ path: `${path}/id`, message: 'must be an absolute IRI' });
  const d = a.definition;
  if (d === undefined) return;
  if (!isObject(d)) return void errors.push({ path: `${path}/definition`, message: 'must be an object' });
  if (d.type !== undefined && !isIri(d.type)) errors.push({ path: `${path}/definition/type`, message: 'must be an absolute IRI' });
  for (const k of ['name', 'description'] as const) {
    const m = d[k];
    if (m !== undefined && (!isObject(m) || Object.values(m).some((s) => typeof s !== 'string'))) errors.push({ path: `${path}/definition/${k}`, message: 'must be a language map' });
  }
  if (d.extensions !== undefined && (!isObject(d.extensions) || Object.keys(d.extensions).some((k) => !isIri(k)))) errors.push({ path: `${path}/definition/extensions`, message: 'keys must be absolute IRIs' });
}

function checkScore(s: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(s)) return void errors.push({ path, message: 'must be an object' });
  for (const k of ['scaled', 'raw', 'min', 'max'] as const) if (s[k] !== undefined && (typeof s[k] !== 'number' || !Number.isFinite(s[k]))) errors.push({ path: `${path}/${k}`, message: 'must be a number' });
  const { scaled, raw, min, max } = s as Score;
  if (typeof scaled === 'number' && (scaled < -1 || scaled > 1)) errors.push({ path: `${path}/scaled`, message: 'must lie between -1 and 1' });
  if (typeof min === 'number' && typeof max === 'number' && min > max) errors.push({ path: `${path}/min`, message: 'must not exceed max' });
  if (typeof raw === 'number' && typeof min === 'number' && raw < min) errors.push({ path: `${path}/raw`, message: 'must not be below min' });
  if (typeof raw === 'number' && typeof max === 'number' && raw > max) errors.push({ path: `${path}/raw`, message: 'must not exceed max' });
}

/**
 * Our own checks of what the converters produce (the LRS validates again on receipt; we do not depend on it):
 * the parts a converter fills from its input, each failure naming the statement property.
 */
export function checkStatement(s: Statement): FieldError[] {
  const errors: FieldError[] = [];
  if (s.id !== undefined && !isUuid(s.id)) errors.push({ path: '/id', message: 'must be a UUID' });
  errors.push(...validateActor(s.actor, '/actor', { allowGroup: true }));
  if (!isObject(s.verb) || !isIri(s.verb.id)) errors.push({ path: '/verb/id', message: 'must be an absolute IRI' });
  const o = s.object as Record<string, unknown>;
  if (!isObject(o)) errors.push({ path: '/object', message: 'must be an object' });
  else if (o.objectType === undefined || o.objectType === 'Activity') checkActivity(o, '/object', errors);
  else if (o.objectType === 'Agent' || o.objectType === 'Group') errors.push(...validateActor(o, '/object', { allowGroup: true }));
  else if (o.objectType === 'StatementRef' && !isUuid(o.id)) errors.push({ path: '/object/id', message: 'must be a UUID' });
  if (s.timestamp !== undefined && !isTimestamp(s.timestamp)) errors.push({ path: '/timestamp', message: 'must be an ISO 8601 date-time with a time zone' });
  const r = s.result;
  if (r?.score !== undefined) checkScore(r.score, '/result/score', errors);
  if (r?.duration !== undefined && !isDuration(r.duration)) errors.push({ path: '/result/duration', message: 'must be an ISO 8601 duration' });
  const c = s.context;
  if (c?.registration !== undefined && !isUuid(c.registration)) errors.push({ path: '/context/registration', message: 'must be a UUID' });
  for (const kind of ['parent', 'grouping', 'category', 'other'] as const) c?.contextActivities?.[kind]?.forEach((a, i) => checkActivity(a, `/context/contextActivities/${kind}/${i}`, errors));
  if (c?.extensions !== undefined && Object.keys(c.extensions).some((k) => !isIri(k))) errors.push({ path: '/context/extensions', message: 'keys must be absolute IRIs' });
  return errors;
}
