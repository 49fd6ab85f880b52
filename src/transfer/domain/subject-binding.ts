import { err, ok, type Result } from '../../kernel/index.js';
import type { DistributionSource } from './transfer.types.js';

/**
 * A dataset of personal data is transferred one person at a time, under that person's consent: its distribution
 * says where the person's pseudonymous id (their subject id at the provider, from the consent) goes, and the
 * provider fills it in when the transfer starts. A source that selects nobody would hand over everyone's data, so
 * it is refused.
 * - REST: `{subject}` in the URL (percent-encoded);
 * - SQL: a parameter `{"ref": "subject"}` (bound as a value, never spliced into the query);
 * - file: `{subject}` in the path (only ids made of letters, digits, `.`, `_` and `-`, and never `.` or `..`);
 * - LRS query: `{subject}` in a filter value, e.g. the account name of `agent` (JSON-escaped where it lands).
 */
export const SUBJECT_PLACEHOLDER = '{subject}';

const isSubjectRef = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { ref?: unknown }).ref === 'subject' && Object.keys(v).length === 1;
const SAFE_FILE_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** Whether the source names where the subject goes. */
export function selectsSubject(source: DistributionSource): boolean {
  switch (source.type) {
    case 'rest':
      return source.url.includes(SUBJECT_PLACEHOLDER) || source.url.includes('%7Bsubject%7D');
    case 'sql':
      return (source.parameters ?? []).some(isSubjectRef);
    case 'file':
      return source.path.includes(SUBJECT_PLACEHOLDER);
    case 'lrs':
      return Object.values(source.query).some((v) => v.includes(SUBJECT_PLACEHOLDER));
  }
}

/** The source with the subject filled in, or why it cannot be. */
export function bindSubject(source: DistributionSource, subjectId: string): Result<DistributionSource, string> {
  if (!selectsSubject(source)) return err('the distribution of this personal-data dataset does not select one person: its source needs {subject} (REST URL, file path, LRS filter) or a {"ref":"subject"} SQL parameter');
  switch (source.type) {
    case 'rest': {
      const value = encodeURIComponent(subjectId);
      return ok({ ...source, url: source.url.split(SUBJECT_PLACEHOLDER).join(value).split('%7Bsubject%7D').join(value) });
    }
    case 'sql':
      return ok({ ...source, parameters: (source.parameters ?? []).map((p) => (isSubjectRef(p) ? subjectId : p)) });
    case 'file':
      if (!SAFE_FILE_NAME.test(subjectId) || subjectId === '.' || subjectId === '..') return err(`the subject id cannot name a file: ${JSON.stringify(subjectId)}`);
      return ok({ ...source, path: source.path.split(SUBJECT_PLACEHOLDER).join(subjectId) });
    case 'lrs': {
      // The filter values are JSON (agent) or plain strings; the id is escaped as inside a JSON string either way.
      const escaped = JSON.stringify(subjectId).slice(1, -1);
      return ok({ ...source, query: Object.fromEntries(Object.entries(source.query).map(([k, v]) => [k, v.split(SUBJECT_PLACEHOLDER).join(escaped)])) });
    }
  }
}
