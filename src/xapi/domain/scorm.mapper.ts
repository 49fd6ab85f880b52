import { validateActor, type Actor } from '../../lrs/index.js';
import { InputProblem, isObject, problem, token } from './input-problem.js';
import { nameUuid } from './names.js';
import { ELEMENTS, INTERACTION_TYPES, duration, indices, instant, num, readCmi, responseOf, type Cmi, type ScormVersion } from './scorm.elements.js';
import { isIri, isTimestamp, isUuid, type Activity, type Context, type Result, type Statement } from './statement.js';
import { ACT, CMI5, SCORM_CATEGORY, VERB, verb } from './vocabulary.js';

/** Options shared by the converters (see ConvertOptions in the app layer). */
export interface MapOptions {
  /** Home page of learner accounts built from an LMS learner id (cmi.core.student_id / cmi.learner_id, CSV columns). */
  homePage?: string;
  /** 'scorm' (default): the xAPI SCORM Profile; 'cmi5': cmi5 defined statements (AU = the SCO). */
  flavour?: 'scorm' | 'cmi5';
  /** Language tag of names and descriptions the input gives as plain strings. */
  language: string;
  /** When the input gives no time at all. */
  now: Date;
  platform?: string;
}

interface Named { id: string; name?: string; description?: string }

function named(v: unknown, path: string): Named {
  const at = isObject(v) ? `${path}/id` : path;
  if (typeof v === 'string') v = { id: v };
  if (!isObject(v) || !isIri(v.id)) throw problem(at, 'must be an absolute IRI (or an object with id, name, description)');
  for (const k of ['name', 'description'] as const) if (v[k] !== undefined && typeof v[k] !== 'string') throw problem(`${path}/${k}`, 'must be a string');
  return v as unknown as Named;
}

const activity = (n: Named, type: string | undefined, lang: string): Activity => ({
  objectType: 'Activity',
  id: n.id,
  definition: { ...(type ? { type } : {}), ...(n.name ? { name: { [lang]: n.name } } : {}), ...(n.description ? { description: { [lang]: n.description } } : {}) },
});

function learnerOf(rec: Record<string, unknown>, cmi: Cmi, version: ScormVersion, o: MapOptions): Actor {
  if (rec.learner !== undefined) {
    const errors = validateActor(rec.learner, '/learner', { allowGroup: false });
    if (errors.length > 0) throw new InputProblem(errors);
    return rec.learner as Actor;
  }
  const el = ELEMENTS[version];
  const id = cmi.get(el.learnerId);
  if (!id) throw problem('/cmi', `no learner: give "learner" (an xAPI Agent) or ${el.learnerId}`);
  if (!o.homePage) throw problem(`/cmi/${token(el.learnerId)}`, 'a learner id needs the homePage option (the LMS whose account it is)');
  const name = cmi.get(el.learnerName);
  return { objectType: 'Agent', ...(name ? { name } : {}), account: { homePage: o.homePage, name: id } };
}

/** The statements of one SCO attempt (SCORM 1.2 or 2004 run-time data), in the order the learner lived them. */
export function mapScormRecord(rec: unknown, version: ScormVersion, o: MapOptions): Statement[] {
  if (!isObject(rec)) throw problem('', 'a record must be an object with course, sco and cmi');
  const cmi = readCmi(rec.cmi, '/cmi');
  const el = ELEMENTS[version];
  const course = named(rec.course, '/course');
  const sco = named(rec.sco, '/sco');
  for (const k of ['startedAt', 'endedAt'] as const) if (rec[k] !== undefined && !isTimestamp(rec[k])) throw problem(`/${k}`, 'must be an ISO 8601 date-time with a time zone');
  const ended = (rec.endedAt ?? rec.startedAt ?? o.now.toISOString()) as string;
  const started = (rec.startedAt ?? ended) as string;
  const actor = learnerOf(rec, cmi, version, o);
  const attempt = rec.attempt === undefined ? nameUuid('attempt', course.id, sco.id, JSON.stringify(actor), started) : String(rec.attempt);
  const registration = isUuid(attempt) ? attempt : nameUuid('registration', attempt);
  const cmi5 = o.flavour === 'cmi5';
  const L = o.language;
  const scoActivity = activity(sco, ACT.lesson, L);
  const grouping = cmi5 ? [activity(sco, undefined, L)] : [activity(course, ACT.course, L), { objectType: 'Activity' as const, id: `${sco.id}?attemptId=${encodeURIComponent(attempt)}`, definition: { type: ACT.attempt } }];
  const out: Statement[] = [];
  const emit = (role: string, verbId: string, at: string, extra: { object?: Activity; result?: Result; parent?: Activity[]; category?: 'profile' | 'moveon' | 'none' } = {}) => {
    const category = extra.category ?? 'profile';
    const context: Context = {
      registration,
      contextActivities: {
        ...(extra.parent ? { parent: extra.parent } : {}),
        grouping,
        ...(category === 'none' ? {} : { category: cmi5 ? [{ id: CMI5.category }, ...(category === 'moveon' ? [{ id: CMI5.moveon }] : [])] : [{ id: SCORM_CATEGORY }] }),
      },
      ...(o.platform ? { platform: o.platform } : {}),
      ...(cmi5 ? { extensions: { [CMI5.sessionid]: registration } } : {}),
    };
    out.push({ id: nameUuid(version, course.id, sco.id, attempt, role), actor, verb: verb(verbId), object: extra.object ?? scoActivity, ...(extra.result ? { result: extra.result } : {}), context, timestamp: at });
  };

  emit('start', cmi.get(el.entry) === 'resume' && !cmi5 ? VERB.resumed : VERB.initialized, started);
  const day = started;
  for (const n of indices(cmi, 'cmi.interactions')) {
    const p = `cmi.interactions.${n}`;
    const id = cmi.get(`${p}.id`);
    if (!id) throw problem(`/cmi/${token(`${p}.id`)}`, 'an interaction needs an id');
    const type = cmi.get(`${p}.type`);
    if (type !== undefined && !INTERACTION_TYPES.has(type)) throw problem(`/cmi/${token(`${p}.type`)}`, `"${type}" is not an interaction type`);
    const patterns = indices(cmi, `${p}.correct_responses`).map((m) => responseOf(cmi.get(`${p}.correct_responses.${m}.pattern`) ?? '', type, version));
    const response = cmi.get(`${p}.${el.response}`);
    const outcome = cmi.get(`${p}.result`);
    const latency = duration(cmi, `${p}.latency`, version, '/cmi');
    const description = cmi.get(`${p}.description`);
    const object: Activity = {
      objectType: 'Activity',
      id: `${sco.id}/interactions/${encodeURIComponent(id)}`,
      definition: { type: ACT.interaction, ...(description ? { description: { [L]: description } } : {}), ...(type ? { interactionType: type } : {}), ...(patterns.length ? { correctResponsesPattern: patterns } : {}) },
    };
    const success = outcome === 'correct' ? true : outcome === 'wrong' || outcome === 'incorrect' ? false : undefined;
    const result: Result = { ...(response !== undefined ? { response: responseOf(response, type, version) } : {}), ...(success !== undefined ? { success } : {}), ...(latency ? { duration: latency } : {}) };
    emit(`interaction/${n}`, VERB.responded, instant(cmi, `${p}.${el.when}`, version, day, '/cmi') ?? started, { object, result, parent: [scoActivity], ...(cmi5 ? { category: 'none' as const } : {}) });
  }
  if (!cmi5) {
    for (const n of indices(cmi, 'cmi.objectives')) {
      const p = `cmi.objectives.${n}`;
      const id = cmi.get(`${p}.id`);
      if (!id) throw problem(`/cmi/${token(`${p}.id`)}`, 'an objective needs an id');
      const status = version === 'scorm12' ? cmi.get(`${p}.status`) : cmi.get(`${p}.success_status`) === 'unknown' ? cmi.get(`${p}.completion_status`) : cmi.get(`${p}.success_status`);
      const v = status === 'passed' ? VERB.passed : status === 'failed' ? VERB.failed : status === 'completed' ? VERB.completed : undefined;
      if (!v) continue;
      const raw = num(cmi, `${p}.score.raw`, '/cmi');
      const scaled = version === 'scorm2004' ? num(cmi, `${p}.score.scaled`, '/cmi') : undefined;
      const object: Activity = { objectType: 'Activity', id: `${sco.id}/objectives/${encodeURIComponent(id)}`, definition: { type: ACT.objective, name: { [L]: id } } };
      const result: Result = { ...(v === VERB.completed ? { completion: true } : { success: v === VERB.passed }), ...(raw !== undefined || scaled !== undefined ? { score: { ...(scaled !== undefined ? { scaled } : {}), ...(raw !== undefined ? { raw } : {}) } } : {}) };
      emit(`objective/${n}`, v, ended, { object, result, parent: [scoActivity] });
    }
    const comments = version === 'scorm12' ? (cmi.get('cmi.comments') ? [{ n: 0, text: cmi.get('cmi.comments')!, at: ended }] : []) : indices(cmi, 'cmi.comments_from_learner').map((n) => ({ n, text: cmi.get(`cmi.comments_from_learner.${n}.comment`) ?? '', at: instant(cmi, `cmi.comments_from_learner.${n}.timestamp`, version, day, '/cmi') ?? ended }));
    for (const c of comments) if (c.text) emit(`comment/${c.n}`, VERB.commented, c.at, { result: { response: c.text } });
  }
  const outcome = statusOf(cmi, version);
  const score = scoreOf(cmi, version);
  const session = duration(cmi, el.sessionTime, version, '/cmi') ?? elapsed(started, ended);
  if (!cmi5) {
    const progress = version === 'scorm2004' ? num(cmi, 'cmi.progress_measure', '/cmi') : undefined;
    if (progress !== undefined) {
      if (progress < 0 || progress > 1) throw problem('/cmi/cmi.progress_measure', 'must lie between 0 and 1');
      emit('progress', VERB.progressed, ended, { result: { score: { scaled: progress } } });
    }
    if (score) emit('score', VERB.scored, ended, { result: { score } });
  }
  if (outcome.success !== undefined) emit('success', outcome.success ? VERB.passed : VERB.failed, ended, { result: { success: outcome.success, ...(score ? { score } : {}), ...(cmi5 ? { duration: session } : {}) }, category: 'moveon' });
  if (outcome.completion === true) emit('completion', VERB.completed, ended, { result: { completion: true, ...(cmi5 ? { duration: session } : {}) }, category: 'moveon' });
  const suspended = cmi.get(el.exit) === 'suspend' && !cmi5;
  const final: Result = cmi5 ? { duration: session } : { ...(outcome.success !== undefined ? { success: outcome.success } : {}), ...(outcome.completion !== undefined ? { completion: outcome.completion } : {}), ...(score ? { score } : {}), duration: session };
  emit('end', suspended ? VERB.suspended : VERB.terminated, ended, { result: final });
  return out;
}

function statusOf(cmi: Cmi, version: ScormVersion): { success?: boolean; completion?: boolean } {
  if (version === 'scorm12') {
    const s = cmi.get('cmi.core.lesson_status');
    if (s === undefined || s === '') return {};
    // The usual SCORM 1.2 → 2004 reading: passed and failed are finished attempts, so completed as well.
    const table: Record<string, { success?: boolean; completion?: boolean }> = { passed: { success: true, completion: true }, failed: { success: false, completion: true }, completed: { completion: true }, incomplete: { completion: false }, browsed: {}, 'not attempted': {} };
    const r = table[s];
    if (!r) throw problem('/cmi/cmi.core.lesson_status', `"${s}" is not a SCORM 1.2 lesson status`);
    return r;
  }
  const success = cmi.get('cmi.success_status');
  const completion = cmi.get('cmi.completion_status');
  if (success !== undefined && !['passed', 'failed', 'unknown', ''].includes(success)) throw problem('/cmi/cmi.success_status', `"${success}" is not a success status`);
  if (completion !== undefined && !['completed', 'incomplete', 'not attempted', 'unknown', ''].includes(completion)) throw problem('/cmi/cmi.completion_status', `"${completion}" is not a completion status`);
  return { ...(success === 'passed' || success === 'failed' ? { success: success === 'passed' } : {}), ...(completion === 'completed' || completion === 'incomplete' ? { completion: completion === 'completed' } : {}) };
}

function scoreOf(cmi: Cmi, version: ScormVersion): Result['score'] {
  const base = ELEMENTS[version].score;
  const [raw, min, max] = (['raw', 'min', 'max'] as const).map((k) => num(cmi, `${base}.${k}`, '/cmi'));
  // The profile's rule: SCORM 1.2 raw / 100 (1.2 scores are 0..100), SCORM 2004 cmi.score.scaled, as score.scaled.
  const scaled = version === 'scorm12' ? (raw !== undefined ? raw / 100 : undefined) : num(cmi, 'cmi.score.scaled', '/cmi');
  if (scaled !== undefined && (scaled < -1 || scaled > 1)) throw problem(`/cmi/${token(version === 'scorm12' ? 'cmi.core.score.raw' : 'cmi.score.scaled')}`, version === 'scorm12' ? 'must lie between 0 and 100' : 'must lie between -1 and 1');
  if (scaled === undefined && raw === undefined) return undefined;
  return { ...(scaled !== undefined ? { scaled } : {}), ...(raw !== undefined ? { raw } : {}), ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

function elapsed(from: string, to: string): string {
  const s = Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
  return `PT${Number(s.toFixed(2))}S`;
}
