import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { SPEC_DIR } from '../../../test/support/spec.js';

/** Test helpers over ../shared/spec/xapi (read there, never copied into the repository). */
export const XAPI_SPEC = join(SPEC_DIR, 'xapi');
export const readJson = (path: string): unknown => JSON.parse(readFileSync(join(XAPI_SPEC, path), 'utf8'));
export const cmi5ProfileDoc = (): unknown => readJson('cmi5/profile/cmi5-json-ld-profile-2021-11-05.json');

/**
 * The xAPI SCORM Profile's statement schemas, compiled as the spec README says (draft-07 after dropping $schema and
 * id, strict false). Keyed by the schema's short name (`terminating.attempt`, `score`, …).
 */
export function scormSchemas(): Record<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const names = ['initializing.attempt', 'resuming.attempt', 'suspending.attempt', 'terminating.attempt', 'session.time', 'success.status', 'completion.status', 'score', 'progress.measure', 'comments.from.learner', 'reporting.learner.activity.during.attempt', 'objectives'];
  const out: Record<string, ValidateFunction> = {};
  for (const n of names) {
    const { $schema: _s, id: _i, ...schema } = readJson(`scorm-profile/document-schemas/scorm.profile.${n}.schema.json`) as Record<string, unknown>;
    out[n] = ajv.compile(schema);
  }
  return out;
}

/** Which profile schemas a statement of each verb must satisfy (the profile's verb table). */
export const SCHEMAS_OF_VERB: Record<string, string[]> = {
  'http://adlnet.gov/expapi/verbs/initialized': ['initializing.attempt'],
  'http://adlnet.gov/expapi/verbs/resumed': ['resuming.attempt'],
  'http://adlnet.gov/expapi/verbs/suspended': ['suspending.attempt', 'session.time'],
  'http://adlnet.gov/expapi/verbs/terminated': ['terminating.attempt', 'session.time'],
  'http://adlnet.gov/expapi/verbs/passed': ['success.status'],
  'http://adlnet.gov/expapi/verbs/failed': ['success.status'],
  'http://adlnet.gov/expapi/verbs/completed': ['completion.status'],
  'http://adlnet.gov/expapi/verbs/scored': ['score'],
  'http://adlnet.gov/expapi/verbs/progressed': ['progress.measure'],
  'http://adlnet.gov/expapi/verbs/commented': ['comments.from.learner'],
  'http://adlnet.gov/expapi/verbs/responded': [],
};
