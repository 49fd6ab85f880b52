import { err, ok, type FieldError, type Result } from '../../kernel/index.js';
import { EU_DATA_THEMES, type ResourceContent, type ResourceKind, type TemporalCoverage } from './catalog-resource.js';
import { isHttpUrl, parseDistributions, unknownFields } from './distribution.parser.js';
import { canonicalTag, isLanguageTag, toLanguageMap } from './language-map.js';
import { parsePersonalData } from './personal-data.parser.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const COMMON = ['title', 'description', 'keywords', 'themes', 'languages', 'license', 'publisher', 'temporal', 'spatial', 'containsPersonalData', 'version'];
export const DATASET_FIELDS = [...COMMON, 'distributions', 'personalData'];
export const SERVICE_FIELDS = [...COMMON, 'kind', 'endpointUrl', 'endpointDescription', 'serviceType'];

/**
 * Validates and normalises what an operator sent for a dataset or service (POST/PUT body, or a PATCH merged into
 * the stored resource). Paths are JSON pointers relative to the body. `version` is accepted and ignored here.
 */
export function parseResourceInput(kind: ResourceKind, input: unknown, newId: () => string): Result<ResourceContent, FieldError[]> {
  if (!isObject(input)) return err([{ path: '', message: 'must be a JSON object' }]);
  const errors: FieldError[] = [];
  unknownFields(input, kind === 'dataset' ? DATASET_FIELDS : SERVICE_FIELDS, '', errors);
  const title = toLanguageMap(input.title, '/title', errors, { required: true });
  const description = toLanguageMap(input.description, '/description', errors, { required: false });
  const { keywords, keywordsByLanguage } = parseKeywords(input.keywords, errors);
  const themes = stringList(input.themes, '/themes', errors, (t) => (/^[a-z_]+$/i.test(t) && (EU_DATA_THEMES as readonly string[]).includes(t.toUpperCase()) ? t.toUpperCase() : t));
  const languages = stringList(input.languages, '/languages', errors, (l, p) => {
    if (/^[a-z]{2}$/i.test(l)) return l.toLowerCase();
    if (IRI.test(l)) return l;
    errors.push({ path: p, message: `"${l}" is not an ISO 639-1 code or a language IRI` });
    return l;
  });
  const spatial = stringList(input.spatial, '/spatial', errors, (s, p) => {
    if (/^[A-Z]{2,3}(-[A-Z0-9]{1,3})?$/i.test(s)) return s.toUpperCase();
    if (IRI.test(s)) return s;
    errors.push({ path: p, message: `"${s}" is not an ISO 3166 code or an IRI` });
    return s;
  });
  const content: ResourceContent = { title, description, keywords, themes, languages, spatial, containsPersonalData: false, distributions: [] };
  if (keywordsByLanguage) content.keywordsByLanguage = keywordsByLanguage;
  if (input.license !== undefined && input.license !== null) {
    if (typeof input.license !== 'string' || !(IRI.test(input.license) || /^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(input.license))) errors.push({ path: '/license', message: 'must be a licence IRI or an SPDX identifier' });
    else content.license = input.license;
  }
  if (input.publisher !== undefined && input.publisher !== null) {
    if (typeof input.publisher !== 'string' || input.publisher.trim() === '') errors.push({ path: '/publisher', message: 'must be a non-empty string (a name, DID or IRI)' });
    else content.publisher = input.publisher;
  }
  const temporal = parseTemporal(input.temporal, errors);
  if (temporal) content.temporal = temporal;
  if (input.containsPersonalData !== undefined && input.containsPersonalData !== null) {
    if (typeof input.containsPersonalData !== 'boolean') errors.push({ path: '/containsPersonalData', message: 'must be a boolean' });
    else content.containsPersonalData = input.containsPersonalData;
  }
  if (input.version !== undefined && !(Number.isInteger(input.version) && (input.version as number) >= 1)) errors.push({ path: '/version', message: 'must be a positive integer' });
  if (kind === 'dataset') {
    content.distributions = parseDistributions(input.distributions, '/distributions', errors, newId);
    const personalData = parsePersonalData(input.personalData, content.containsPersonalData, '/personalData', errors);
    if (personalData) content.personalData = personalData;
  } else parseServiceFields(input, content, errors);
  return errors.length ? err(errors) : ok(content);
}

function parseServiceFields(input: Json, content: ResourceContent, errors: FieldError[]): void {
  if (!isHttpUrl(input.endpointUrl)) errors.push({ path: '/endpointUrl', message: 'is required: an http(s) URL' });
  else content.endpointUrl = input.endpointUrl;
  if (input.endpointDescription !== undefined && input.endpointDescription !== null) {
    if (!isHttpUrl(input.endpointDescription)) errors.push({ path: '/endpointDescription', message: 'must be an http(s) URL' });
    else content.endpointDescription = input.endpointDescription;
  }
  if (input.serviceType !== undefined && input.serviceType !== null) {
    if (typeof input.serviceType !== 'string' || input.serviceType.trim() === '') errors.push({ path: '/serviceType', message: 'must be a non-empty string' });
    else content.serviceType = input.serviceType;
  }
}

function stringList(value: unknown, path: string, errors: FieldError[], normalise: (s: string, path: string) => string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push({ path, message: 'must be an array of strings' });
    return [];
  }
  const out: string[] = [];
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.trim() === '') errors.push({ path: `${path}/${i}`, message: 'must be a non-empty string' });
    else out.push(normalise(v.trim(), `${path}/${i}`));
  });
  return [...new Set(out)];
}

function parseKeywords(value: unknown, errors: FieldError[]): { keywords: string[]; keywordsByLanguage?: Record<string, string[]> } {
  if (!isObject(value)) return { keywords: stringList(value, '/keywords', errors, (s) => s) };
  const byLanguage: Record<string, string[]> = {};
  for (const [tag, list] of Object.entries(value)) {
    if (!isLanguageTag(tag)) errors.push({ path: `/keywords/${tag}`, message: `"${tag}" is not a BCP 47 language tag` });
    else byLanguage[canonicalTag(tag)] = stringList(list, `/keywords/${tag}`, errors, (s) => s);
  }
  return { keywords: [...new Set(Object.values(byLanguage).flat())], keywordsByLanguage: byLanguage };
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseTemporal(value: unknown, errors: FieldError[]): TemporalCoverage | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return void errors.push({ path: '/temporal', message: 'must be {"startDate"?, "endDate"?}' }), undefined;
  unknownFields(value, ['startDate', 'endDate'], '/temporal', errors);
  const out: TemporalCoverage = {};
  for (const k of ['startDate', 'endDate'] as const) {
    const v = value[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v))) errors.push({ path: `/temporal/${k}`, message: 'must be an ISO 8601 date or date-time' });
    else out[k] = v;
  }
  if (out.startDate && out.endDate && Date.parse(out.startDate) > Date.parse(out.endDate)) errors.push({ path: '/temporal/endDate', message: 'must not be before startDate' });
  return out.startDate || out.endDate ? out : undefined;
}
