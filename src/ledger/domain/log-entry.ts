import canonicalizeModule from 'canonicalize';
import type { FieldError } from '../../kernel/index.js';
import { isRegisteredType } from './entry-types.js';

// canonicalize is CommonJS whose typings declare an ES default export; under NodeNext the function arrives as
// the module itself.
const canonicalize = ((canonicalizeModule as unknown as { default?: unknown }).default ?? canonicalizeModule) as (v: unknown) => string | undefined;

/** What a context appends: the log adds the timestamp (from the Clock) and the index. */
export interface NewLogEntry {
  type: string;
  actor: string;
  subject: string;
  payload: Record<string, unknown>;
}

/** The hashed form: its RFC 8785 (JCS) serialisation is the leaf data. */
export interface LogEntryBody extends NewLogEntry {
  timestamp: string;
}

/** An entry as the API returns it: exactly the hashed object plus its position. */
export type LogEntry = LogEntryBody & { index: number };

const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:[/#?].*)?$/;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** RFC 8785 canonical JSON of an entry body (key order, number and string forms fixed by the RFC). */
export function canonicalEntry(body: LogEntryBody): string {
  const { type, actor, timestamp, subject, payload } = body;
  const text = canonicalize({ type, actor, timestamp, subject, payload });
  if (text === undefined) throw new TypeError('entry has no JSON form');
  if (text.length > MAX_ENTRY_CHARS) throw new TypeError(`entry is longer than ${MAX_ENTRY_CHARS} characters`);
  return text;
}

export const MAX_ENTRY_CHARS = 1_000_000;

/** The hashed object of an entry as returned by the API (drops `index`, keeps everything else as given). */
export function hashedForm(entry: Record<string, unknown>): string {
  const { index: _index, ...rest } = entry;
  const text = canonicalize(rest);
  if (text === undefined) throw new TypeError('entry has no JSON form');
  return text;
}

/** Field errors of an entry to append; paths are JSON pointers into the entry. */
export function checkNewEntry(e: NewLogEntry): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof e.type !== 'string' || !isRegisteredType(e.type)) errors.push({ path: '/type', message: `unknown entry type ${JSON.stringify(e.type)}` });
  if (typeof e.actor !== 'string' || !DID.test(e.actor) || e.actor.length > 500) errors.push({ path: '/actor', message: 'must be a DID' });
  if (typeof e.subject !== 'string' || e.subject.length === 0 || e.subject.length > 500) errors.push({ path: '/subject', message: 'must be a non-empty string of at most 500 characters' });
  // Whether the payload has a JSON form is found when the entry is serialised (see canonicalEntry), once.
  if (!isPlainObject(e.payload)) errors.push({ path: '/payload', message: 'must be a JSON object' });
  return errors;
}

/** An entry's API form from its stored canonical text. */
export function entryFromCanonical(index: number, canonical: string): LogEntry {
  return { index, ...(JSON.parse(canonical) as LogEntryBody) };
}
