import { isDuration, isTimestamp } from './statement.js';
import { isObject, problem, token } from './input-problem.js';
import { timeOfDay, timespanToDuration } from './names.js';

export type ScormVersion = 'scorm12' | 'scorm2004';

/** CMI run-time data of one SCO attempt as `cmi.*` element → value (nested objects are flattened first). */
export type Cmi = Map<string, string>;

/** Flattens `{ "cmi": { "core": { "lesson_status": "passed" } } }` or `{ "cmi.core.lesson_status": "passed" }`. */
export function readCmi(v: unknown, path: string): Cmi {
  if (!isObject(v)) throw problem(path, 'must be an object of CMI elements');
  const out: Cmi = new Map();
  const walk = (node: unknown, prefix: string, at: string) => {
    if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${prefix}.${i}`, `${at}/${i}`));
    else if (isObject(node)) for (const [k, x] of Object.entries(node)) walk(x, prefix ? `${prefix}.${k}` : k, `${at}/${token(k)}`);
    else if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') out.set(prefix, String(node));
    else if (node !== null) throw problem(at, 'must be a string or a number');
  };
  const flat = Object.keys(v).every((k) => k.startsWith('cmi.'));
  walk(v, flat ? '' : 'cmi', path);
  return out;
}

/** Element names of the two data models where they differ. */
export const ELEMENTS = {
  scorm12: { learnerId: 'cmi.core.student_id', learnerName: 'cmi.core.student_name', entry: 'cmi.core.entry', exit: 'cmi.core.exit', sessionTime: 'cmi.core.session_time', score: 'cmi.core.score', response: 'student_response', when: 'time' },
  scorm2004: { learnerId: 'cmi.learner_id', learnerName: 'cmi.learner_name', entry: 'cmi.entry', exit: 'cmi.exit', sessionTime: 'cmi.session_time', score: 'cmi.score', response: 'learner_response', when: 'timestamp' },
} as const;

/** Indices present under `cmi.<array>.n.` in the data, in order. */
export function indices(cmi: Cmi, array: string): number[] {
  const found = new Set<number>();
  for (const k of cmi.keys()) {
    const m = new RegExp(`^${array.replace(/\./g, '\\.')}\\.(\\d+)\\.`).exec(k);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** A number element (CMIDecimal / real(10,7)); undefined when absent or empty; a problem naming it otherwise. */
export function num(cmi: Cmi, el: string, at: string): number | undefined {
  const v = cmi.get(el);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw problem(`${at}/${token(el)}`, `"${v}" is not a number`);
  return n;
}

/** A duration element: CMITimespan in 1.2, ISO 8601 timeinterval in 2004. */
export function duration(cmi: Cmi, el: string, version: ScormVersion, at: string): string | undefined {
  const v = cmi.get(el);
  if (v === undefined || v.trim() === '') return undefined;
  const d = version === 'scorm12' ? timespanToDuration(v) : isDuration(v) ? v : undefined;
  if (!d) throw problem(`${at}/${token(el)}`, `"${v}" is not a ${version === 'scorm12' ? 'CMITimespan (HHHH:MM:SS.SS)' : 'ISO 8601 duration'}`);
  return d;
}

/** An instant element: CMITime (time of day, placed on the attempt's day) in 1.2, ISO 8601 time(second,10,0) in 2004. */
export function instant(cmi: Cmi, el: string, version: ScormVersion, day: string, at: string): string | undefined {
  const v = cmi.get(el);
  if (v === undefined || v.trim() === '') return undefined;
  // SCORM 2004 timestamps may omit the zone (local time of the LMS); we read them as UTC rather than guess.
  const t = version === 'scorm12' ? timeOfDay(v, day) : /(Z|[+-]\d{2}:?\d{2})$/.test(v) ? v : `${v}Z`;
  if (!t || !isTimestamp(t)) throw problem(`${at}/${token(el)}`, `"${v}" is not a ${version === 'scorm12' ? 'CMITime (HH:MM:SS)' : 'ISO 8601 timestamp'}`);
  return t;
}

/** Learner responses and correct-response patterns: SCORM 1.2 separates with commas and dots, xAPI with [,] and [.]. */
export function responseOf(v: string, type: string | undefined, version: ScormVersion): string {
  if (type === 'true-false') return /^(t|true|1)$/i.test(v) ? 'true' : /^(f|false|0)$/i.test(v) ? 'false' : v;
  if (version === 'scorm2004') return v;
  if (type === 'choice' || type === 'sequencing') return v.split(',').map((s) => s.trim()).join('[,]');
  if (type === 'matching') return v.split(',').map((p) => p.trim().split('.').join('[.]')).join('[,]');
  return v;
}

export const INTERACTION_TYPES = new Set(['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other']);
