import { XSD, type Term } from './rdf-graph.js';

/**
 * Operand values, typed once so that evaluation compares numbers, instants and durations without re-parsing.
 * A time is an interval: an instant has `start === end`; an `xsd:date` covers its whole (UTC) day, so that
 * `dateTime lteq "2023-12-31"^^xsd:date` still holds on the evening of the 31st.
 */
export type Value =
  | { k: 'num'; n: number }
  | { k: 'time'; start: number; end: number }
  | { k: 'dur'; s: number }
  | { k: 'str'; s: string }
  | { k: 'iri'; s: string }
  | { k: 'bool'; b: boolean };

/** What a left operand's values are, so right operands written as plain strings are read the right way. */
export type ValueHint = 'time' | 'num' | 'dur' | 'any';

/** What runtime callers may put in an evaluation context. */
export type ContextValue = string | number | boolean | Date;

const DAY_MS = 86_400_000;
const NUMERIC = new Set(['decimal', 'integer', 'int', 'long', 'short', 'byte', 'double', 'float', 'nonNegativeInteger', 'positiveInteger', 'nonPositiveInteger', 'negativeInteger', 'unsignedInt', 'unsignedLong', 'unsignedShort', 'unsignedByte'].map((t) => `${XSD}${t}`));
const DATE_RE = /^(-?\d{4,}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/;
const DURATION_RE = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An xsd:date or xsd:dateTime (also the forms met in practice: a space instead of `T`, minutes without seconds).
 * Without a time zone the value is read as UTC, so an evaluation never depends on the host's zone.
 */
export function parseTime(text: string): Value | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, date, time, zone] = m;
  const tz = zone === undefined ? 'Z' : zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${date}T${time ?? '00:00:00'}${tz}`);
  if (Number.isNaN(t)) return undefined;
  return time === undefined ? { k: 'time', start: t, end: t + DAY_MS } : { k: 'time', start: t, end: t };
}

/** An xsd:duration in seconds; years and months use their average lengths (a policy period, not a calendar). */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m || text.trim().endsWith('T') || m.slice(2).every((g) => g === undefined)) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  const s = n(2) * 31_556_952 + n(3) * 2_629_746 + n(4) * 604_800 + n(5) * 86_400 + n(6) * 3600 + n(7) * 60 + n(8);
  return m[1] ? -s : s;
}

const parseNumber = (text: string): number | undefined => {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
};

/** An RDF term as a value; undefined when it cannot be read as what the hint (or its datatype) says. */
export function valueOfTerm(t: Term, hint: ValueHint = 'any'): Value | undefined {
  if (t.termType !== 'Literal') return hint === 'any' ? { k: 'iri', s: t.value } : undefined;
  const dt = t.datatype;
  if (hint === 'time' || dt === `${XSD}dateTime` || dt === `${XSD}date` || dt === `${XSD}dateTimeStamp`) return parseTime(t.value);
  if (hint === 'dur' || dt === `${XSD}duration` || dt === `${XSD}dayTimeDuration` || dt === `${XSD}yearMonthDuration`) {
    const s = parseDuration(t.value);
    return s === undefined ? undefined : { k: 'dur', s };
  }
  if (hint === 'num' || NUMERIC.has(dt)) {
    const n = parseNumber(t.value);
    return n === undefined ? undefined : { k: 'num', n };
  }
  if (dt === `${XSD}boolean`) return t.value === 'true' || t.value === '1' ? { k: 'bool', b: true } : t.value === 'false' || t.value === '0' ? { k: 'bool', b: false } : undefined;
  return { k: 'str', s: t.value };
}

/** A caller-supplied value; strings are read by the hint (an ISO date for `time`, …) or kept as text. */
export function valueOfContext(v: ContextValue, hint: ValueHint = 'any'): Value | undefined {
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isNaN(t) ? undefined : { k: 'time', start: t, end: t };
  }
  if (typeof v === 'number') return hint === 'dur' ? { k: 'dur', s: v } : Number.isFinite(v) ? { k: 'num', n: v } : undefined;
  if (typeof v === 'boolean') return { k: 'bool', b: v };
  if (hint === 'time') return parseTime(v);
  if (hint === 'dur') {
    const s = parseDuration(v);
    return s === undefined ? undefined : { k: 'dur', s };
  }
  if (hint === 'num') {
    const n = parseNumber(v);
    return n === undefined ? undefined : { k: 'num', n };
  }
  return { k: 'str', s: v };
}

/** Text of a value, for sets of IRIs/terms and for messages. */
export function valueText(v: Value): string {
  switch (v.k) {
    case 'num':
      return String(v.n);
    case 'time':
      return new Date(v.start).toISOString();
    case 'dur':
      return `PT${v.s}S`;
    case 'bool':
      return String(v.b);
    default:
      return v.s;
  }
}

/** Ordering of two values: negative, 0, positive; undefined when they cannot be compared (a number and a date). */
export function compareValues(a: Value, b: Value): number | undefined {
  if (a.k === 'num' && (b.k === 'num' || b.k === 'str')) {
    const n = b.k === 'num' ? b.n : parseNumber(b.s);
    return n === undefined ? undefined : a.n - n;
  }
  if (a.k === 'str' && b.k === 'num') {
    const r = compareValues(b, a);
    return r === undefined ? undefined : -r;
  }
  if (a.k === 'time' && b.k === 'time') return a.start - b.start;
  if (a.k === 'dur' && b.k === 'dur') return a.s - b.s;
  if (a.k === 'bool' && b.k === 'bool') return Number(a.b) - Number(b.b);
  if ((a.k === 'str' || a.k === 'iri') && (b.k === 'str' || b.k === 'iri')) return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  return undefined;
}

/** `left <op> right` for the ordering operators; times compare an instant with an instant or a whole day. */
export function ordered(op: 'eq' | 'lt' | 'lteq' | 'gt' | 'gteq', left: Value, right: Value): boolean {
  if (left.k === 'time' && right.k === 'time') {
    const t = left.start;
    const day = right.end > right.start;
    switch (op) {
      case 'eq':
        return day ? t >= right.start && t < right.end : t === right.start;
      case 'lt':
        return t < right.start;
      case 'lteq':
        return day ? t < right.end : t <= right.start;
      case 'gt':
        return day ? t >= right.end : t > right.start;
      case 'gteq':
        return t >= right.start;
    }
  }
  const c = compareValues(left, right);
  if (c === undefined) return false;
  return op === 'eq' ? c === 0 : op === 'lt' ? c < 0 : op === 'lteq' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
}
