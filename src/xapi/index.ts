import { AppError, type Clock } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { convertStream, readProfile, type ConvertInput, type ConvertKind, type ConvertOptions } from './app/convert.js';
import { validateAgainstProfile, type Profile, type ProfileValidation, type ValidateOptions } from './domain/profile.js';
import { pseudonymise as mask, type PseudonymOptions } from './domain/pseudonym.js';
import type { Statement } from './domain/statement.js';
import { xapiRoutes } from './http/xapi.routes.js';

export { CONVERT_KINDS, XapiInputError, type ConvertInput, type ConvertKind, type ConvertOptions, type ConvertProgress } from './app/convert.js';
export { parseProfile, type Profile, type ProfileValidation, type ProfileViolation, type StatementTemplate, type TemplateRule } from './domain/profile.js';
export { pseudonymOf, type PseudonymOptions } from './domain/pseudonym.js';
export { checkStatement, type Statement } from './domain/statement.js';
export { compileJsonPath, JsonPathError } from './domain/jsonpath.js';
export { CALIPER_TYPES, CALIPER_VERBS, type CaliperTables } from './domain/caliper.mapper.js';
export type { CsvMapping } from './domain/csv.mapping.js';

export interface XapiToolsDeps {
  clock: Clock;
  /**
   * Pseudonymisation defaults: the participant's home page (e.g. the node's public URL) and the HMAC key (≥ 32
   * bytes; the lead derives it from the node's sealed secrets or configuration). Absent: pseudonymising needs both
   * in the call's options, else DS_XAPI_PSEUDONYM_KEY_MISSING.
   */
  pseudonym?: { homePage: string; key: Uint8Array | (() => Uint8Array) };
}

export interface XapiTools {
  /** POST /api/v1/xapi/convert (management write) and POST /api/v1/xapi/validate (management read). */
  routes(app: App): Promise<void>;
  /** Streams the statements of an input; errors are XapiInputError (DS_XAPI_*) naming record, line and field. */
  convert(kind: ConvertKind, input: ConvertInput, opts?: ConvertOptions): AsyncIterable<Statement>;
  /** Statement Template validation (xAPI Profiles §2.1); the profile is parsed once when given as a document. */
  validate(statement: unknown, profile: Profile | unknown, opts?: ValidateOptions): ProfileValidation;
  /** Reads an xAPI Profile document once for many validations; throws DS_XAPI_INVALID_PROFILE with paths. */
  profile(doc: unknown): Profile;
  /** Replaces every person by an HMAC-SHA-256 account on the home page (deps defaults, overridable). */
  pseudonymise<T extends Record<string, unknown>>(statement: T, opts?: Partial<PseudonymOptions>): T;
}

export function createXapiTools(deps: XapiToolsDeps): XapiTools {
  const pseudonym = (o: Partial<PseudonymOptions> = {}): PseudonymOptions => {
    const homePage = o.homePage ?? deps.pseudonym?.homePage;
    const k = o.key ?? deps.pseudonym?.key;
    const key = typeof k === 'function' ? k() : k;
    if (!homePage || !key) throw new AppError('DS_XAPI_PSEUDONYM_KEY_MISSING', 'pseudonymisation needs a home page and a key: none is configured on this node');
    if (key.length < 32) throw new AppError('DS_XAPI_PSEUDONYM_KEY_MISSING', 'the pseudonymisation key must be at least 32 bytes');
    return { homePage, key };
  };
  const tools: XapiTools = {
    routes: (app) => xapiRoutes(tools)(app),
    convert: (kind, input, opts = {}) => convertStream(kind, input, opts, { clock: deps.clock, pseudonym }),
    validate: (statement, profile, opts) => validateAgainstProfile(statement, readProfile(profile), opts),
    profile: (doc) => readProfile(doc, ''),
    pseudonymise: (statement, opts) => mask(statement, pseudonym(opts)),
  };
  return tools;
}
