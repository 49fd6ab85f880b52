import { isObject, problem } from './input-problem.js';
import { nameUuid } from './names.js';
import type { MapOptions } from './scorm.mapper.js';
import { isDuration, isIri, isTimestamp, isUuid, type Activity, type Context, type Result, type Statement } from './statement.js';
import { verb } from './vocabulary.js';

/**
 * IMS Caliper 1.1 / 1.2 events → xAPI. Actions map to ADL / community verbs, entity types to activity types; an
 * action or type we have no mapping for is an error naming the event field (callers may extend both tables).
 */
export const CALIPER_VERBS: Record<string, string> = {
  NavigatedTo: 'https://w3id.org/xapi/netc/verbs/accessed',
  Viewed: 'http://id.tincanapi.com/verb/viewed',
  Started: 'http://activitystrea.ms/start',
  Submitted: 'http://activitystrea.ms/submit',
  Completed: 'http://adlnet.gov/expapi/verbs/completed',
  Skipped: 'http://id.tincanapi.com/verb/skipped',
  Paused: 'https://w3id.org/xapi/video/verbs/paused',
  Resumed: 'http://adlnet.gov/expapi/verbs/resumed',
  Ended: 'http://adlnet.gov/expapi/verbs/terminated',
  Graded: 'http://adlnet.gov/expapi/verbs/scored',
  LoggedIn: 'https://w3id.org/xapi/adl/verbs/logged-in',
  LoggedOut: 'https://w3id.org/xapi/adl/verbs/logged-out',
  Launched: 'http://adlnet.gov/expapi/verbs/launched',
  Searched: 'https://w3id.org/xapi/acrossx/verbs/searched',
  Bookmarked: 'http://id.tincanapi.com/verb/bookmarked',
  Commented: 'http://adlnet.gov/expapi/verbs/commented',
  Shared: 'http://adlnet.gov/expapi/verbs/shared',
  Posted: 'https://w3id.org/xapi/acrossx/verbs/posted',
  Downloaded: 'http://id.tincanapi.com/verb/downloaded',
  Uploaded: 'https://w3id.org/xapi/netc/verbs/uploaded',
  Played: 'https://w3id.org/xapi/video/verbs/played',
};

export const CALIPER_TYPES: Record<string, string> = {
  WebPage: 'https://w3id.org/xapi/acrossx/activities/webpage',
  Page: 'https://w3id.org/xapi/acrossx/activities/webpage',
  Document: 'http://id.tincanapi.com/activitytype/document',
  DigitalResource: 'http://activitystrea.ms/file',
  Assessment: 'http://adlnet.gov/expapi/activities/assessment',
  AssessmentItem: 'http://adlnet.gov/expapi/activities/question',
  Attempt: 'http://adlnet.gov/expapi/activities/attempt',
  CourseOffering: 'http://adlnet.gov/expapi/activities/course',
  CourseSection: 'http://adlnet.gov/expapi/activities/course',
  VideoObject: 'https://w3id.org/xapi/video/activity-type/video',
  AudioObject: 'https://w3id.org/xapi/audio/activity-type/audio',
  MediaObject: 'http://adlnet.gov/expapi/activities/media',
  SoftwareApplication: 'http://activitystrea.ms/application',
  Forum: 'http://id.tincanapi.com/activitytype/discussion',
  Thread: 'http://id.tincanapi.com/activitytype/discussion',
  Message: 'http://id.tincanapi.com/activitytype/forum-reply',
  Chapter: 'http://id.tincanapi.com/activitytype/chapter',
};

/** The DASES common profile's role context extension; Caliper membership roles land there (lower case). */
export const ROLE_EXTENSION = 'http://schema.dases.eu/xapi/profile/common/extension/role';

/** Caliper 1.0 wrote actions and types as IRIs; 1.1+ as terms. Both read as the term. */
const term = (v: unknown): string | undefined => (typeof v === 'string' ? v.split(/[#/]/).pop() : undefined);
const idOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : isObject(v) && typeof v.id === 'string' ? v.id : undefined);

export interface CaliperTables { verbs?: Record<string, string>; types?: Record<string, string> }

function entity(v: unknown, path: string, lang: string, types: Record<string, string>): Activity {
  const id = idOf(v);
  if (!isIri(id)) throw problem(isObject(v) ? `${path}/id` : path, 'must be an entity with an IRI id');
  if (!isObject(v)) return { objectType: 'Activity', id };
  const t = term(v.type);
  const type = t ? types[t] : undefined;
  const name = typeof v.name === 'string' ? v.name : undefined;
  const description = typeof v.description === 'string' ? v.description : undefined;
  return { objectType: 'Activity', id, definition: { ...(type ? { type } : {}), ...(name ? { name: { [lang]: name } } : {}), ...(description ? { description: { [lang]: description } } : {}) } };
}

function resultOf(ev: Record<string, unknown>): Result | undefined {
  const g = isObject(ev.generated) ? ev.generated : undefined;
  if (!g) return undefined;
  const type = term(g.type);
  const r: Result = {};
  if (type === 'Score') {
    const given = g.scoreGiven ?? g.scoreGivenValue;
    const max = g.maxScore;
    if (given !== undefined && typeof given !== 'number') throw problem('/generated/scoreGiven', 'must be a number');
    if (max !== undefined && typeof max !== 'number') throw problem('/generated/maxScore', 'must be a number');
    if (typeof given === 'number') r.score = { raw: given, ...(typeof max === 'number' ? { min: 0, max, ...(max > 0 && given >= 0 && given <= max ? { scaled: given / max } : {}) } : {}) };
  }
  // Caliper 1.1 typed its responses (FillinBlankResponse, MultipleChoiceResponse, …); 1.2 has one Response type.
  if (type?.endsWith('Response')) {
    const values = g.values ?? g.value ?? g.selection ?? g.selections;
    if (values !== undefined) r.response = Array.isArray(values) ? values.map(String).join('[,]') : String(values);
  }
  if (typeof g.duration === 'string') {
    if (!isDuration(g.duration)) throw problem('/generated/duration', 'must be an ISO 8601 duration');
    r.duration = g.duration;
  }
  return Object.keys(r).length ? r : undefined;
}

/** One Caliper event → one statement. */
export function mapCaliperEvent(ev: unknown, o: MapOptions & { caliper?: CaliperTables; index: number }): Statement {
  if (!isObject(ev)) throw problem('', 'an event must be an object');
  const verbs = { ...CALIPER_VERBS, ...o.caliper?.verbs };
  const types = { ...CALIPER_TYPES, ...o.caliper?.types };
  const action = term(ev.action);
  if (!action) throw problem('/action', 'is required');
  const verbId = verbs[action];
  if (!verbId) throw problem('/action', `no xAPI verb is mapped for the Caliper action "${action}"`);
  if (!isTimestamp(ev.eventTime)) throw problem('/eventTime', 'must be an ISO 8601 date-time with a time zone');
  const actorId = idOf(ev.actor);
  if (!isIri(actorId)) throw problem(isObject(ev.actor) ? '/actor/id' : '/actor', 'must be a Person with an IRI id');
  // The Person id is already the learner's identifier at the platform: it becomes the account name there.
  let homePage = o.homePage;
  if (!homePage) {
    try {
      homePage = new URL(actorId).origin;
    } catch {
      homePage = undefined;
    }
    if (!homePage || homePage === 'null') throw problem('/actor/id', 'is not an http(s) IRI: give the homePage option for its accounts');
  }
  const name = isObject(ev.actor) && typeof ev.actor.name === 'string' ? ev.actor.name : undefined;
  const L = o.language;
  const object = entity(ev.object, '/object', L, types);
  const parent = isObject(ev.object) && ev.object.isPartOf !== undefined ? [entity(ev.object.isPartOf, '/object/isPartOf', L, types)] : undefined;
  const grouping = ev.group !== undefined ? [entity(ev.group, '/group', L, types)] : undefined;
  const roles = isObject(ev.membership) && Array.isArray(ev.membership.roles) ? ev.membership.roles.map((r) => term(r)?.toLowerCase()).filter(Boolean) : [];
  const edApp = isObject(ev.edApp) ? (typeof ev.edApp.name === 'string' ? ev.edApp.name : idOf(ev.edApp)) : idOf(ev.edApp);
  const platform = o.platform ?? edApp;
  const context: Context = {
    ...(parent || grouping ? { contextActivities: { ...(parent ? { parent } : {}), ...(grouping ? { grouping } : {}) } } : {}),
    ...(platform ? { platform } : {}),
    ...(roles.length ? { extensions: { [ROLE_EXTENSION]: roles[0] } } : {}),
  };
  const uuid = typeof ev.id === 'string' ? ev.id.replace(/^urn:uuid:/i, '') : '';
  const result = resultOf(ev);
  return {
    id: isUuid(uuid) ? uuid.toLowerCase() : nameUuid('caliper', JSON.stringify(ev)),
    actor: { objectType: 'Agent', ...(name ? { name } : {}), account: { homePage, name: actorId } },
    verb: verb(verbId),
    object,
    ...(result ? { result } : {}),
    ...(Object.keys(context).length ? { context } : {}),
    timestamp: ev.eventTime as string,
  };
}

/** The events of a Caliper envelope ({ sensor, sendTime, dataVersion, data: [...] }) or a bare event. */
export function caliperEvents(v: unknown): unknown[] {
  return isObject(v) && Array.isArray(v.data) && v.sensor !== undefined ? v.data : [v];
}
