import type { FieldError } from '../../kernel/index.js';
import { compileJsonPath, JsonPathError, type CompiledPath } from './jsonpath.js';

/**
 * xAPI Profiles 1.0 Statement Templates and their validation (Part Three §2.1 `validates` / `follows_rules`):
 * a template applies to a statement that carries all its determining properties; it is followed when every rule
 * holds. Pattern matching (§2.2) is not done here: converters emit sessions, not registrations to judge.
 */
export type Presence = 'included' | 'excluded' | 'recommended';
export interface TemplateRule {
  location: string;
  selector?: string;
  presence?: Presence;
  any?: unknown[];
  all?: unknown[];
  none?: unknown[];
}
export interface StatementTemplate {
  id: string;
  prefLabel?: Record<string, string>;
  verb?: string;
  objectActivityType?: string;
  contextGroupingActivityType?: string[];
  contextParentActivityType?: string[];
  contextOtherActivityType?: string[];
  contextCategoryActivityType?: string[];
  attachmentUsageType?: string[];
  objectStatementRefTemplate?: string[];
  contextStatementRefTemplate?: string[];
  rules?: TemplateRule[];
}
interface CompiledRule extends TemplateRule {
  at: CompiledPath;
  select?: CompiledPath;
}
export interface Profile {
  id: string;
  templates: Array<StatementTemplate & { compiled: CompiledRule[] }>;
}
export interface ProfileViolation {
  template: string;
  /** Index of the rule in the template's rules; absent for the StatementRef requirements. */
  rule?: number;
  location?: string;
  message: string;
}
export interface ProfileValidation {
  /** success: templates matched and followed; invalid: some matched template has an unfollowed rule; unmatched: none applies. */
  outcome: 'success' | 'invalid' | 'unmatched';
  /** success: the matched templates; invalid: the failing ones. */
  templates: string[];
  violations: ProfileViolation[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const IRI_ARRAYS = ['contextGroupingActivityType', 'contextParentActivityType', 'contextOtherActivityType', 'contextCategoryActivityType', 'attachmentUsageType', 'objectStatementRefTemplate', 'contextStatementRefTemplate'] as const;

function readRule(r: unknown, path: string, errors: FieldError[]): CompiledRule | undefined {
  if (!isObject(r)) return void errors.push({ path, message: 'a rule must be an object' });
  if (typeof r.location !== 'string') return void errors.push({ path: `${path}/location`, message: 'must be a JSONPath string' });
  if (r.presence !== undefined && r.presence !== 'included' && r.presence !== 'excluded' && r.presence !== 'recommended') errors.push({ path: `${path}/presence`, message: 'must be included, excluded or recommended' });
  for (const k of ['any', 'all', 'none'] as const) if (r[k] !== undefined && !Array.isArray(r[k])) errors.push({ path: `${path}/${k}`, message: 'must be an array of values' });
  if (r.presence === undefined && r.any === undefined && r.all === undefined && r.none === undefined) errors.push({ path, message: 'a rule needs one of presence, any, all, none' });
  try {
    const at = compileJsonPath(r.location);
    const select = typeof r.selector === 'string' ? compileJsonPath(r.selector) : undefined;
    return { ...(r as unknown as TemplateRule), at, ...(select ? { select } : {}) };
  } catch (e) {
    if (!(e instanceof JsonPathError)) throw e;
    errors.push({ path: `${path}/${String(e.message).includes('selector') ? 'selector' : 'location'}`, message: e.message });
    return undefined;
  }
}

/** Reads an xAPI Profile document (JSON-LD, compacted with the profiles context). Returns the errors instead when malformed. */
export function parseProfile(doc: unknown): { ok: true; profile: Profile } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isObject(doc)) return { ok: false, errors: [{ path: '', message: 'an xAPI Profile must be a JSON object' }] };
  const id = doc.id ?? doc['@id'];
  if (typeof id !== 'string') errors.push({ path: '/id', message: 'must be the profile IRI' });
  const raw = doc.templates ?? [];
  if (!Array.isArray(raw)) errors.push({ path: '/templates', message: 'must be an array of Statement Templates' });
  const templates: Profile['templates'] = [];
  (Array.isArray(raw) ? raw : []).forEach((t: unknown, i) => {
    const path = `/templates/${i}`;
    if (!isObject(t)) return void errors.push({ path, message: 'must be a Statement Template object' });
    const tid = t.id ?? t['@id'];
    if (typeof tid !== 'string') errors.push({ path: `${path}/id`, message: 'must be the template IRI' });
    for (const k of ['verb', 'objectActivityType'] as const) if (t[k] !== undefined && typeof t[k] !== 'string') errors.push({ path: `${path}/${k}`, message: 'must be an IRI' });
    for (const k of IRI_ARRAYS) if (t[k] !== undefined && (!Array.isArray(t[k]) || (t[k] as unknown[]).some((x) => typeof x !== 'string'))) errors.push({ path: `${path}/${k}`, message: 'must be an array of IRIs' });
    const rules = t.rules ?? [];
    if (!Array.isArray(rules)) errors.push({ path: `${path}/rules`, message: 'must be an array' });
    const compiled = (Array.isArray(rules) ? rules : []).map((r, j) => readRule(r, `${path}/rules/${j}`, errors)).filter((r): r is CompiledRule => r !== undefined);
    templates.push({ ...(t as unknown as StatementTemplate), id: String(tid), compiled });
  });
  if (errors.length > 0) return { ok: false, errors };
  const profile = { id: String(id), templates };
  PARSED.add(profile);
  return { ok: true, profile };
}

/** Profiles this module built: a JSON document shaped like one (e.g. posted to the API) is never trusted as parsed. */
const PARSED = new WeakSet<object>();
export const isParsedProfile = (v: unknown): v is Profile => typeof v === 'object' && v !== null && PARSED.has(v);

/** contextActivities normalisation the specification requires before rules are applied: singletons become arrays. */
function normalise(statement: Record<string, unknown>): Record<string, unknown> {
  const ctx = statement.context;
  if (!isObject(ctx) || !isObject(ctx.contextActivities)) return statement;
  const ca = Object.fromEntries(Object.entries(ctx.contextActivities).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { ...statement, context: { ...ctx, contextActivities: ca } };
}

const typesOf = (list: unknown): string[] => (Array.isArray(list) ? list.map((a) => (isObject(a) && isObject(a.definition) ? a.definition.type : undefined)).filter((t): t is string => typeof t === 'string') : []);
const superset = (have: string[], want: string[] | undefined) => want === undefined || want.every((w) => have.includes(w));

function matchesDeterminingProperties(s: Record<string, unknown>, t: StatementTemplate): boolean {
  const verb = isObject(s.verb) ? s.verb.id : undefined;
  if (t.verb !== undefined && verb !== t.verb) return false;
  const object = isObject(s.object) ? s.object : {};
  if (t.objectActivityType !== undefined && !(isObject(object.definition) && object.definition.type === t.objectActivityType)) return false;
  const ca = isObject(s.context) && isObject(s.context.contextActivities) ? s.context.contextActivities : {};
  if (!superset(typesOf(ca.grouping), t.contextGroupingActivityType)) return false;
  if (!superset(typesOf(ca.parent), t.contextParentActivityType)) return false;
  if (!superset(typesOf(ca.other), t.contextOtherActivityType)) return false;
  if (!superset(typesOf(ca.category), t.contextCategoryActivityType)) return false;
  const usage = Array.isArray(s.attachments) ? s.attachments.map((a) => (isObject(a) ? a.usageType : undefined)).filter((u): u is string => typeof u === 'string') : [];
  return superset(usage, t.attachmentUsageType);
}

const UNMATCHABLE = Symbol('unmatchable');
const same = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
const within = (list: unknown[], v: unknown) => list.some((x) => same(x, v));
const show = (v: unknown) => (v === UNMATCHABLE ? '(nothing at the selector)' : JSON.stringify(v));

/** The reason a rule is not followed, or undefined when it is (the `follows_rule` algorithm). */
function breaks(s: Record<string, unknown>, r: CompiledRule): string | undefined {
  let values: unknown[] = r.at(s);
  if (r.select) values = values.flatMap((v) => {
    const got = r.select!(v);
    return got.length === 0 ? [UNMATCHABLE] : got;
  });
  const matchable = values.filter((v) => v !== UNMATCHABLE);
  let strict = true;
  if (r.presence === 'included') {
    if (values.length === 0) return 'must be included but is absent';
    if (matchable.length !== values.length) return 'must be included but the selector finds nothing in some values';
  } else if (r.presence === 'excluded') {
    if (matchable.length > 0) return `must be excluded but holds ${show(matchable[0])}`;
  } else if (r.presence === 'recommended') strict = false;
  const applies = strict || values.length > 0;
  if (r.any && applies && !values.some((v) => within(r.any!, v))) return `must include one of ${JSON.stringify(r.any)}${values.length ? `, holds ${values.map(show).join(', ')}` : ', holds nothing'}`;
  if (r.all && applies) {
    if (values.length === 0) return `every value must be one of ${JSON.stringify(r.all)}, holds nothing`;
    const bad = values.find((v) => v === UNMATCHABLE || !within(r.all!, v));
    if (bad !== undefined) return `every value must be one of ${JSON.stringify(r.all)}, holds ${show(bad)}`;
  }
  if (r.none && applies) {
    const bad = values.find((v) => v !== UNMATCHABLE && within(r.none!, v));
    if (bad !== undefined) return `must not hold ${show(bad)}`;
  }
  return undefined;
}

export interface ValidateOptions {
  /** Looks up a referenced statement (for objectStatementRefTemplate / contextStatementRefTemplate); unknown ones are not judged. */
  lookup?: (id: string) => Record<string, unknown> | undefined;
}

/** Checks one statement against a profile's Statement Templates; every violation names its template and rule. */
export function validateAgainstProfile(statement: unknown, profile: Profile, opts: ValidateOptions = {}): ProfileValidation {
  if (!isObject(statement)) return { outcome: 'unmatched', templates: [], violations: [] };
  const s = normalise(statement);
  const matched: string[] = [];
  const failing: string[] = [];
  const violations: ProfileViolation[] = [];
  for (const t of profile.templates) {
    if (!matchesDeterminingProperties(s, t)) continue;
    const found: ProfileViolation[] = [];
    const refCheck = (ref: unknown, allowed: string[] | undefined, where: string) => {
      if (allowed === undefined) return;
      if (!isObject(ref) || ref.objectType !== 'StatementRef') return void found.push({ template: t.id, message: `${where} must be a StatementRef` });
      const other = typeof ref.id === 'string' ? opts.lookup?.(ref.id) : undefined;
      const judged = other ? validateAgainstProfile(other, profile, opts) : undefined;
      // Only a referenced statement that follows a template counts (the pseudocode would also accept failing ones).
      if (judged && (judged.outcome !== 'success' || !judged.templates.some((x) => allowed.includes(x)))) found.push({ template: t.id, message: `${where} must reference a statement matching one of ${allowed.join(', ')}` });
    };
    refCheck(s.object, t.objectStatementRefTemplate, 'object');
    refCheck(isObject(s.context) ? s.context.statement : undefined, t.contextStatementRefTemplate, 'context.statement');
    t.compiled.forEach((r, i) => {
      const why = breaks(s, r);
      if (why) found.push({ template: t.id, rule: i, location: r.selector ? `${r.location} ${r.selector}` : r.location, message: why });
    });
    if (found.length === 0) matched.push(t.id);
    else {
      failing.push(t.id);
      violations.push(...found);
    }
  }
  if (failing.length > 0) return { outcome: 'invalid', templates: failing, violations };
  return matched.length > 0 ? { outcome: 'success', templates: matched, violations: [] } : { outcome: 'unmatched', templates: [], violations: [] };
}
