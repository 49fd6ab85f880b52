import { AppError, type Clock, type ErrorCode, type FieldError } from '../../kernel/index.js';
import { CsvSyntaxError, readCsv } from '../adapters/csv.reader.js';
import { JsonInputError, readJsonRecords, textChunks } from '../adapters/json-records.reader.js';
import { caliperEvents, mapCaliperEvent, type CaliperTables } from '../domain/caliper.mapper.js';
import { checkMapping, mapCsvRow } from '../domain/csv.mapping.js';
import { InputProblem, isObject } from '../domain/input-problem.js';
import { isParsedProfile, parseProfile, validateAgainstProfile, type Profile } from '../domain/profile.js';
import { pseudonymise, type PseudonymOptions } from '../domain/pseudonym.js';
import { mapScormRecord, type MapOptions } from '../domain/scorm.mapper.js';
import { checkStatement, type Statement } from '../domain/statement.js';

export type ConvertKind = 'scorm12' | 'scorm2004' | 'caliper' | 'csv';
export const CONVERT_KINDS: readonly ConvertKind[] = ['scorm12', 'scorm2004', 'caliper', 'csv'];
export type ConvertInput = string | Uint8Array | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export interface ConvertProgress {
  /** Input records read so far (SCORM attempts, Caliper events or envelopes, CSV rows). */
  records: number;
  statements: number;
  /** Records refused and reported to onInvalid (only when onInvalid is given). */
  skipped: number;
  /** Line of the last record read (NDJSON and CSV). */
  line?: number;
  done: boolean;
}

export interface ConvertOptions {
  /** Home page of learner accounts built from LMS / platform ids. */
  homePage?: string;
  /** SCORM only: 'scorm' (xAPI SCORM Profile, default) or 'cmi5' (cmi5 defined statements). */
  flavour?: 'scorm' | 'cmi5';
  /** Language tag for names given as plain strings (default en-US). */
  language?: string;
  platform?: string;
  /** CSV only: the mapping document (see domain/csv.mapping.ts). */
  mapping?: unknown;
  /** Caliper only: extra action → verb and entity type → activity type entries. */
  caliper?: CaliperTables;
  /** Activity ids added to every statement's category context activities (e.g. the profile versions followed). */
  categories?: string[];
  /** Every statement produced must follow this profile's templates (a parsed Profile or the JSON-LD document). */
  profile?: Profile | unknown;
  /** Pseudonymise every statement before it is yielded (key and home page from the tools' deps unless given). */
  pseudonymise?: boolean | Partial<PseudonymOptions>;
  onProgress?: (p: ConvertProgress) => void;
  /** Records between two progress calls (default 100); the last call has done: true. */
  progressEvery?: number;
  /** When given, a bad record is reported here and skipped; otherwise the conversion stops with that error. */
  onInvalid?: (error: XapiInputError) => void;
  signal?: AbortSignal;
  /** JSON pointer the input sits at in a larger document (the HTTP route passes /body); prefixes error paths. */
  inputPath?: string;
}

/** A conversion failure that names the record (0-based), its input line when there is one, and the fields. */
export class XapiInputError extends AppError {
  constructor(code: ErrorCode, readonly record: number | undefined, readonly line: number | undefined, detail: string, errors: FieldError[]) {
    super(code, detail, errors);
  }
}

const where = (record: number | undefined, line: number | undefined) => [line !== undefined ? `line ${line}` : undefined, record !== undefined ? `record ${record}` : undefined].filter(Boolean).join(', ');

function inputError(code: ErrorCode, record: number | undefined, line: number | undefined, base: string, errors: FieldError[]): XapiInputError {
  const placed = errors.map((e) => ({ path: `${base}${e.path}`, message: e.message }));
  const w = where(record, line);
  return new XapiInputError(code, record, line, `${w ? `${w}: ` : ''}${placed.map((e) => `${e.path}: ${e.message}`).join('; ')}`, placed);
}

export function readProfile(profile: unknown, path = '/profile'): Profile {
  if (isParsedProfile(profile)) return profile;
  const parsed = parseProfile(profile);
  if (!parsed.ok) throw new AppError('DS_XAPI_INVALID_PROFILE', `the xAPI Profile is not valid: ${parsed.errors.map((e) => `${path}${e.path}: ${e.message}`).join('; ')}`, parsed.errors.map((e) => ({ ...e, path: `${path}${e.path}` })));
  return parsed.profile;
}

interface Unit { produce: () => Statement[]; index: number; line?: number; base: string }

async function* units(kind: ConvertKind, input: ConvertInput, o: ConvertOptions, m: MapOptions): AsyncGenerator<Unit> {
  const root = o.inputPath ?? '';
  const chunks = textChunks(input);
  if (kind === 'csv') {
    const header0 = isObject(o.mapping) && typeof o.mapping.delimiter === 'string' ? o.mapping.delimiter : ',';
    let header: string[] | undefined;
    let index = 0;
    let mapping: ReturnType<typeof checkMapping> | undefined;
    try {
      for await (const row of readCsv(chunks, header0)) {
        if (!header) {
          header = row.fields.map((f) => f.trim());
          mapping = checkMapping(o.mapping, header);
          if (!mapping.ok) throw new AppError('DS_XAPI_INVALID_MAPPING', `the CSV mapping is not valid: ${mapping.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, mapping.errors.map((e) => ({ ...e, path: `/mapping${e.path}` })));
          continue;
        }
        const values = new Map(header.map((h, i) => [h, row.fields[i] ?? '']));
        const i = index++;
        const mp = mapping!.ok ? mapping!.mapping : {};
        yield { index: i, line: row.line, base: `${root}/${i}`, produce: () => (row.fields.length > header!.length ? badWidth(header!.length, row.fields.length) : [mapCsvRow(values, mp)].filter((s): s is Statement => s !== undefined)) };
      }
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw inputError('DS_XAPI_INVALID_INPUT', undefined, e.line, root, [{ path: '', message: e.message }]);
      throw e;
    }
    if (!header) throw new AppError('DS_XAPI_INVALID_INPUT', 'the CSV input is empty: it needs a header row', [{ path: root, message: 'needs a header row' }]);
    return;
  }
  try {
    for await (const r of readJsonRecords(chunks)) {
      const base = r.single ? root : `${root}/${r.index}`;
      const produce =
        kind === 'caliper'
          ? () => {
              const events = caliperEvents(r.record);
              const envelope = events[0] !== r.record;
              return events.map((ev, i) => {
                try {
                  return mapCaliperEvent(ev, { ...m, ...(o.caliper ? { caliper: o.caliper } : {}), index: i });
                } catch (e) {
                  if (e instanceof InputProblem && envelope) throw new InputProblem(e.errors.map((x) => ({ ...x, path: `/data/${i}${x.path}` })));
                  throw e;
                }
              });
            }
          : () => mapScormRecord(r.record, kind, m);
      yield { index: r.index, ...(r.line !== undefined ? { line: r.line } : {}), base, produce };
    }
  } catch (e) {
    if (e instanceof JsonInputError) throw inputError('DS_XAPI_INVALID_INPUT', undefined, e.line, root, [{ path: '', message: e.message }]);
    throw e;
  }
}

function badWidth(expected: number, got: number): never {
  throw new InputProblem([{ path: '', message: `the row has ${got} fields, the header ${expected}` }]);
}

/**
 * Converts an input into xAPI statements as a stream: records are read, mapped, checked (our own statement checks
 * and, when asked, the profile's templates), pseudonymised when asked, and yielded one by one.
 */
export async function* convertStream(kind: ConvertKind, input: ConvertInput, o: ConvertOptions, deps: { clock: Clock; pseudonym: (opts: Partial<PseudonymOptions>) => PseudonymOptions }): AsyncGenerator<Statement> {
  const m: MapOptions = { language: o.language ?? 'en-US', now: deps.clock.now(), ...(o.homePage ? { homePage: o.homePage } : {}), ...(o.flavour ? { flavour: o.flavour } : {}), ...(o.platform ? { platform: o.platform } : {}) };
  const profile = o.profile !== undefined ? readProfile(o.profile) : undefined;
  const pseudo = o.pseudonymise ? deps.pseudonym(o.pseudonymise === true ? {} : o.pseudonymise) : undefined;
  const every = Math.max(1, o.progressEvery ?? 100);
  const progress: ConvertProgress = { records: 0, statements: 0, skipped: 0, done: false };
  for await (const u of units(kind, input, o, m)) {
    o.signal?.throwIfAborted();
    progress.records++;
    if (u.line !== undefined) progress.line = u.line;
    let out: Statement[];
    try {
      out = u.produce().map((s, i) => checked(withCategories(s, o.categories), i, u, profile));
    } catch (e) {
      const err = e instanceof InputProblem ? inputError('DS_XAPI_INVALID_INPUT', u.index, u.line, u.base, e.errors) : e;
      if (o.onInvalid && err instanceof XapiInputError) {
        progress.skipped++;
        o.onInvalid(err);
        continue;
      }
      throw err;
    }
    for (const s of out) {
      progress.statements++;
      yield pseudo ? pseudonymise(s, pseudo) : s;
    }
    if (progress.records % every === 0) o.onProgress?.({ ...progress });
  }
  o.onProgress?.({ ...progress, done: true });
}

function withCategories(s: Statement, ids: string[] | undefined): Statement {
  if (!ids?.length) return s;
  const ctx = s.context ?? {};
  const have = ctx.contextActivities?.category ?? [];
  const category = [...have, ...ids.filter((id) => !have.some((a) => a.id === id)).map((id) => ({ id }))];
  return { ...s, context: { ...ctx, contextActivities: { ...ctx.contextActivities, category } } };
}

function checked(s: Statement, i: number, u: Unit, profile: Profile | undefined): Statement {
  const errors = checkStatement(s);
  if (errors.length > 0) throw new InputProblem(errors.map((e) => ({ path: '', message: `statement ${i} (${s.verb?.id ?? 'no verb'}) ${e.path}: ${e.message}` })));
  if (profile) {
    const v = validateAgainstProfile(s, profile);
    if (v.outcome !== 'success') {
      const detail = v.outcome === 'unmatched' ? [{ path: u.base, message: `statement ${i} (${s.verb.id}) matches no statement template of ${profile.id}` }] : v.violations.map((x) => ({ path: u.base, message: `statement ${i} (${s.verb.id}): template ${x.template}${x.rule !== undefined ? ` rule ${x.rule}` : ''}${x.location ? ` (${x.location})` : ''}: ${x.message}` }));
      throw inputError('DS_XAPI_PROFILE_VIOLATION', u.index, u.line, '', detail);
    }
  }
  return s;
}

