import type { FieldError } from '../../kernel/index.js';
import { validateActor } from './agent.js';
import { checkActivity } from './activity.validator.js';
import { checkAttachments } from './attachment.validator.js';
import {
  checkDuration, checkExtensions, checkIri, checkKeys, checkLanguageMap, checkTimestamp, isLanguageTag, isObject, isUuid,
  type Json, type XapiVersion,
} from './xapi-primitives.js';

/**
 * Statement validation for xAPI 1.0.3 and 2.0.0 (the conformance requirements XAPI-00021..00120 cover these
 * rules). Every error names the JSON pointer under `path` (e.g. `/body/0/actor/mbox`).
 */
export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';
const STATEMENT_KEYS = ['id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'stored', 'authority', 'version', 'attachments'];
const SUB_STATEMENT_KEYS = ['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];

export function validateStatement(v: unknown, path: string, version: XapiVersion): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(v)) return [{ path, message: 'must be a Statement object' }];
  checkKeys(v, STATEMENT_KEYS, path, errors);
  if (v.id !== undefined && !isUuid(v.id)) errors.push({ path: `${path}/id`, message: 'must be a UUID in standard string form (RFC 4122)' });
  checkCore(v, path, version, errors, false);
  if (v.stored !== undefined) checkTimestamp(v.stored, `${path}/stored`, version, errors);
  if (v.authority !== undefined) checkAuthority(v.authority, `${path}/authority`, errors);
  if (v.version !== undefined) {
    const ok = typeof v.version === 'string' && (version === '1.0.3' ? /^1\.0(\.\d+)?$/ : /^(1|2)\.0(\.\d+)?$/).test(v.version);
    if (!ok) errors.push({ path: `${path}/version`, message: version === '1.0.3' ? 'must be 1.0.x' : 'must be 1.0.x or 2.0.x' });
  }
  // XAPI-00017: a voiding statement's object must be a StatementRef.
  if (isObject(v.verb) && v.verb.id === VOIDED_VERB && !(isObject(v.object) && v.object.objectType === 'StatementRef')) {
    errors.push({ path: `${path}/object/objectType`, message: 'a voiding statement must target a StatementRef' });
  }
  return errors;
}

/** What statements and sub-statements share: actor, verb, object, result, context, timestamp, attachments. */
function checkCore(v: Json, path: string, version: XapiVersion, errors: FieldError[], sub: boolean): void {
  for (const k of ['actor', 'verb', 'object'] as const) if (v[k] === undefined) errors.push({ path: `${path}/${k}`, message: 'is required' });
  if (v.actor !== undefined) errors.push(...validateActor(v.actor, `${path}/actor`, { allowGroup: true }));
  if (v.verb !== undefined) checkVerb(v.verb, `${path}/verb`, errors);
  if (v.object !== undefined) checkObject(v.object, `${path}/object`, version, errors, sub);
  if (v.result !== undefined) checkResult(v.result, `${path}/result`, errors);
  if (v.context !== undefined) checkContext(v.context, `${path}/context`, version, errors, isObject(v.object) ? v.object.objectType : undefined);
  if (v.timestamp !== undefined) checkTimestamp(v.timestamp, `${path}/timestamp`, version, errors);
  if (v.attachments !== undefined) checkAttachments(v.attachments, `${path}/attachments`, errors);
}

function checkAuthority(v: unknown, path: string, errors: FieldError[]): void {
  errors.push(...validateActor(v, path, { allowGroup: true }));
}

function checkVerb(v: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be a Verb object' });
  checkKeys(v, ['id', 'display'], path, errors);
  checkIri(v.id, `${path}/id`, errors);
  if (v.display !== undefined) checkLanguageMap(v.display, `${path}/display`, errors);
}

function checkObject(v: unknown, path: string, version: XapiVersion, errors: FieldError[], sub: boolean): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be an object' });
  const type = v.objectType ?? 'Activity';
  switch (type) {
    case 'Activity':
      return checkActivity(v, path, errors);
    case 'Agent':
    case 'Group':
      return void errors.push(...validateActor(v, path, { allowGroup: true }));
    case 'StatementRef':
      return checkStatementRef(v, path, errors);
    case 'SubStatement':
      if (sub) return void errors.push({ path: `${path}/objectType`, message: 'a SubStatement cannot contain a SubStatement' });
      checkKeys(v, SUB_STATEMENT_KEYS, path, errors);
      return checkCore(v, path, version, errors, true);
    default:
      errors.push({ path: `${path}/objectType`, message: 'must be Activity, Agent, Group, SubStatement or StatementRef' });
  }
}

function checkStatementRef(v: Json, path: string, errors: FieldError[]): void {
  checkKeys(v, ['objectType', 'id'], path, errors);
  if (v.objectType !== 'StatementRef') errors.push({ path: `${path}/objectType`, message: 'must be "StatementRef"' });
  if (!isUuid(v.id)) errors.push({ path: `${path}/id`, message: 'must be a UUID' });
}

function checkResult(v: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be a Result object' });
  checkKeys(v, ['score', 'success', 'completion', 'response', 'duration', 'extensions'], path, errors);
  if (v.success !== undefined && typeof v.success !== 'boolean') errors.push({ path: `${path}/success`, message: 'must be a boolean' });
  if (v.completion !== undefined && typeof v.completion !== 'boolean') errors.push({ path: `${path}/completion`, message: 'must be a boolean' });
  if (v.response !== undefined && typeof v.response !== 'string') errors.push({ path: `${path}/response`, message: 'must be a string' });
  if (v.duration !== undefined) checkDuration(v.duration, `${path}/duration`, errors);
  if (v.extensions !== undefined) checkExtensions(v.extensions, `${path}/extensions`, errors);
  if (v.score !== undefined) checkScore(v.score, `${path}/score`, errors);
}

function checkScore(s: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(s)) return void errors.push({ path, message: 'must be a Score object' });
  checkKeys(s, ['scaled', 'raw', 'min', 'max'], path, errors);
  for (const k of ['scaled', 'raw', 'min', 'max'] as const) {
    if (s[k] !== undefined && (typeof s[k] !== 'number' || !Number.isFinite(s[k]))) errors.push({ path: `${path}/${k}`, message: 'must be a number' });
  }
  const n = (k: string) => (typeof s[k] === 'number' ? s[k] : undefined);
  const [scaled, raw, min, max] = [n('scaled'), n('raw'), n('min'), n('max')];
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) errors.push({ path: `${path}/scaled`, message: 'must be between -1 and 1' });
  if (min !== undefined && max !== undefined && max < min) errors.push({ path: `${path}/max`, message: 'must not be less than min' });
  if (raw !== undefined && min !== undefined && raw < min) errors.push({ path: `${path}/raw`, message: 'must not be less than min' });
  if (raw !== undefined && max !== undefined && raw > max) errors.push({ path: `${path}/raw`, message: 'must not be more than max' });
}

const CONTEXT_KEYS_10 = ['registration', 'instructor', 'team', 'contextActivities', 'revision', 'platform', 'language', 'statement', 'extensions'];
const CONTEXT_KEYS_20 = [...CONTEXT_KEYS_10, 'contextAgents', 'contextAgentGroups'];

function checkContext(v: unknown, path: string, version: XapiVersion, errors: FieldError[], objectType: unknown): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be a Context object' });
  checkKeys(v, version === '2.0.0' ? CONTEXT_KEYS_20 : CONTEXT_KEYS_10, path, errors);
  if (v.registration !== undefined && !isUuid(v.registration)) errors.push({ path: `${path}/registration`, message: 'must be a UUID' });
  if (v.instructor !== undefined) errors.push(...validateActor(v.instructor, `${path}/instructor`, { allowGroup: true }));
  if (v.team !== undefined) {
    if (!isObject(v.team) || v.team.objectType !== 'Group') errors.push({ path: `${path}/team/objectType`, message: 'team must be a Group' });
    else errors.push(...validateActor(v.team, `${path}/team`, { allowGroup: true }));
  }
  const activityObject = objectType === undefined || objectType === 'Activity';
  for (const k of ['revision', 'platform'] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'string') errors.push({ path: `${path}/${k}`, message: 'must be a string' });
    // XAPI-00098/00099: revision and platform only describe an Activity object.
    if (!activityObject) errors.push({ path: `${path}/${k}`, message: 'is only allowed when the object is an Activity' });
  }
  if (v.language !== undefined && !isLanguageTag(v.language)) errors.push({ path: `${path}/language`, message: 'must be an RFC 5646 language tag' });
  if (v.statement !== undefined) {
    if (!isObject(v.statement)) errors.push({ path: `${path}/statement`, message: 'must be a StatementRef' });
    else checkStatementRef(v.statement, `${path}/statement`, errors);
  }
  if (v.extensions !== undefined) checkExtensions(v.extensions, `${path}/extensions`, errors);
  if (v.contextActivities !== undefined) checkContextActivities(v.contextActivities, `${path}/contextActivities`, errors);
  if (version === '2.0.0') checkContextAgents(v, path, errors);
}

function checkContextActivities(v: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be an object with parent, grouping, category, other' });
  checkKeys(v, ['parent', 'grouping', 'category', 'other'], path, errors);
  for (const [k, list] of Object.entries(v)) {
    if (Array.isArray(list)) list.forEach((a, i) => checkActivity(a, `${path}/${k}/${i}`, errors));
    else checkActivity(list, `${path}/${k}`, errors);
  }
}

/** xAPI 2.0 context agents and groups (IEEE 9274.1.1 §9.2.7): each with an optional non-empty relevantTypes. */
function checkContextAgents(v: Json, path: string, errors: FieldError[]): void {
  const lists = [['contextAgents', 'contextAgent', 'agent', false], ['contextAgentGroups', 'contextGroup', 'group', true]] as const;
  for (const [key, type, prop, group] of lists) {
    const list = v[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) { errors.push({ path: `${path}/${key}`, message: 'must be an array' }); continue; }
    list.forEach((item, i) => {
      const p = `${path}/${key}/${i}`;
      if (!isObject(item)) return void errors.push({ path: p, message: 'must be an object' });
      checkKeys(item, ['objectType', prop, 'relevantTypes'], p, errors);
      if (item.objectType !== type) errors.push({ path: `${p}/objectType`, message: `must be "${type}"` });
      if (group && !(isObject(item[prop]) && item[prop].objectType === 'Group')) errors.push({ path: `${p}/${prop}/objectType`, message: 'must be a Group' });
      errors.push(...validateActor(item[prop], `${p}/${prop}`, { allowGroup: group }));
      if (item.relevantTypes !== undefined) {
        if (!Array.isArray(item.relevantTypes) || item.relevantTypes.length === 0) errors.push({ path: `${p}/relevantTypes`, message: 'must be a non-empty array of IRIs' });
        else item.relevantTypes.forEach((t, j) => checkIri(t, `${p}/relevantTypes/${j}`, errors));
      }
    });
  }
}
