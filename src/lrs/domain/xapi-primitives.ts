import type { FieldError } from '../../kernel/index.js';
import { ABSOLUTE_IRI } from './agent.js';

/**
 * The xAPI data types every statement part is built from (xAPI 1.0.3 §4.4–4.6 of the Data part; IEEE 9274.1.1
 * §9.4): UUIDs, IRIs, language maps, extensions, ISO 8601 timestamps and durations. Each check pushes errors
 * naming the JSON pointer of the offending value; none throws.
 */
export type XapiVersion = '1.0.3' | '2.0.0';
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 4122 UUID in its standard string form (any variant bits the RFC defines, version 1–8). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
export const isIri = (v: unknown): v is string => typeof v === 'string' && ABSOLUTE_IRI.test(v);

/** RFC 5646 language tag (the well-formedness the grammar demands, not registry membership). */
const LANG = /^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z\d]{2,8})+)*(?:-x(?:-[A-Za-z\d]{1,8})+)?$|^x(?:-[A-Za-z\d]{1,8})+$|^(?:i-[a-z]+|en-GB-oed|sgn-[A-Z]{2}-[A-Z]{3})$/;
export const isLanguageTag = (v: unknown): v is string => typeof v === 'string' && LANG.test(v);

const DATE = '(\\d{4})-(\\d{2})-(\\d{2})';
const TIME = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?';
const TIMESTAMP = new RegExp(`^${DATE}T${TIME}(Z|[+-]\\d{2}(?::?\\d{2})?)?$`);

/**
 * An ISO 8601 combined date and time. 1.0.3 allows a missing offset (read as UTC); 2.0 requires one
 * (IEEE 9274.1.1 §9.4.5). Both refuse "-00:00", which RFC 3339 reserves for an unknown offset.
 */
export function checkTimestamp(v: unknown, path: string, version: XapiVersion, errors: FieldError[]): void {
  const m = typeof v === 'string' ? TIMESTAMP.exec(v) : null;
  if (!m) return void errors.push({ path, message: 'must be an ISO 8601 date and time (e.g. 2024-05-01T10:00:00Z)' });
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number];
  const zone = m[8];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) errors.push({ path, message: 'is not a real date and time' });
  else if (zone === undefined && version === '2.0.0') errors.push({ path, message: 'must carry a time zone offset (xAPI 2.0)' });
  else if (zone !== undefined && /^-00:?00$|^-00$/.test(zone)) errors.push({ path, message: 'must not use the offset -00:00' });
  else if (Number.isNaN(parseTimestamp(v as string).getTime())) errors.push({ path, message: 'is not a real date and time' });
}

/** A valid xAPI timestamp as a Date (a missing offset means UTC). */
export function parseTimestamp(v: string): Date {
  const m = TIMESTAMP.exec(v);
  if (!m) return new Date(NaN);
  const zone = m[8] ?? 'Z';
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : '00'}`;
  const frac = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${frac}${offset}`);
}

/** ISO 8601 duration (xAPI result.duration): PnYnMnDTnHnMnS with a fractional last part, or PnW. */
const DURATION = /^P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$|^P\d+W$/;
export function checkDuration(v: unknown, path: string, errors: FieldError[]): void {
  if (typeof v !== 'string' || !DURATION.test(v)) errors.push({ path, message: 'must be an ISO 8601 duration (e.g. PT1H30M)' });
}

export function checkIri(v: unknown, path: string, errors: FieldError[], what = 'an absolute IRI'): void {
  if (!isIri(v)) errors.push({ path, message: `must be ${what}` });
}

/** A language map: RFC 5646 tags to strings. */
export function checkLanguageMap(v: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be a language map (object of language tag to string)' });
  for (const [k, s] of Object.entries(v)) {
    const p = `${path}/${pointerEscape(k)}`;
    if (!isLanguageTag(k)) errors.push({ path: p, message: 'is not an RFC 5646 language tag' });
    else if (typeof s !== 'string') errors.push({ path: p, message: 'must be a string' });
  }
}

/** Extensions: an object whose keys are absolute IRIs; values are any JSON. */
export function checkExtensions(v: unknown, path: string, errors: FieldError[]): void {
  if (!isObject(v)) return void errors.push({ path, message: 'must be an object of IRI keys' });
  for (const k of Object.keys(v)) if (!isIri(k)) errors.push({ path: `${path}/${pointerEscape(k)}`, message: 'extension keys must be absolute IRIs' });
}

/** Refuses properties the specification does not define at this place. */
export function checkKeys(v: Json, allowed: readonly string[], path: string, errors: FieldError[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) errors.push({ path: `${path}/${pointerEscape(k)}`, message: 'is not allowed here' });
}

export const pointerEscape = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
