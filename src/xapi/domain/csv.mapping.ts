import type { FieldError } from '../../kernel/index.js';
import { isObject, problem, token } from './input-problem.js';
import { nameUuid } from './names.js';
import type { Statement } from './statement.js';

/**
 * A mapping file turns each CSV row into a statement. Templates are statements whose strings may hold
 * `{{column}}`, `{{column|lookup}}` (a value table of the mapping) and `{{column:number|integer|boolean|timestamp}}`.
 * A string that is one placeholder takes the typed value; a property whose placeholder meets an empty cell is left
 * out (so optional columns stay optional). With `select`, the value of that column picks the template.
 */
export interface CsvMapping {
  delimiter?: string;
  lookups?: Record<string, Record<string, string>>;
  select?: string;
  statement?: Record<string, unknown>;
  statements?: Record<string, Record<string, unknown>>;
  /** Rows whose `select` value has no template are skipped instead of refused. */
  skipUnselected?: boolean;
}

const PLACEHOLDER = /\{\{\s*([^}|:]+?)\s*(?::\s*(number|integer|boolean|timestamp)\s*)?(?:\|\s*([^}]+?)\s*)?\}\}/g;
const WHOLE = /^\{\{[^}]+\}\}$/;
type Row = Map<string, string>;
const DROP = Symbol('drop');

/** Checks the mapping and that every column it names is in the header; errors point into the mapping document. */
export function checkMapping(doc: unknown, header: string[] | undefined): { ok: true; mapping: CsvMapping } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isObject(doc)) return { ok: false, errors: [{ path: '', message: 'the mapping must be a JSON object' }] };
  const m = doc as CsvMapping;
  if (m.delimiter !== undefined && (typeof m.delimiter !== 'string' || m.delimiter.length !== 1 || m.delimiter === '"' || m.delimiter === '\n')) errors.push({ path: '/delimiter', message: 'must be one character other than a quote or a line break' });
  if (m.lookups !== undefined && (!isObject(m.lookups) || Object.values(m.lookups).some((t) => !isObject(t) || Object.values(t).some((v) => typeof v !== 'string')))) errors.push({ path: '/lookups', message: 'must map lookup names to tables of strings' });
  if ((m.statement === undefined) === (m.statements === undefined)) errors.push({ path: '', message: 'give either "statement" (one template) or "select" with "statements"' });
  if (m.statements !== undefined && (!isObject(m.statements) || typeof m.select !== 'string')) errors.push({ path: '/statements', message: 'must be an object of templates, with "select" naming the column that picks one' });
  if (m.statement !== undefined && !isObject(m.statement)) errors.push({ path: '/statement', message: 'must be a statement template object' });
  const columns = new Set(header ?? []);
  if (header && typeof m.select === 'string' && !columns.has(m.select)) errors.push({ path: '/select', message: `no column "${m.select}" in the CSV header` });
  const visit = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      for (const [, col, , lookup] of v.matchAll(PLACEHOLDER)) {
        if (header && !columns.has(col!)) errors.push({ path, message: `no column "${col}" in the CSV header` });
        if (lookup !== undefined && !(isObject(m.lookups) && isObject(m.lookups[lookup]))) errors.push({ path, message: `no lookup table "${lookup}"` });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}/${i}`));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) visit(x, `${path}/${token(k)}`);
  };
  if (isObject(m.statement)) visit(m.statement, '/statement');
  if (isObject(m.statements)) for (const [k, t] of Object.entries(m.statements)) visit(t, `/statements/${token(k)}`);
  return errors.length ? { ok: false, errors } : { ok: true, mapping: m };
}

function typed(raw: string, type: string | undefined, col: string): unknown {
  const at = `/${token(col)}`;
  if (type === 'number' || type === 'integer') {
    const n = Number(raw);
    if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw problem(at, `"${raw}" is not ${type === 'integer' ? 'an integer' : 'a number'}`);
    return n;
  }
  if (type === 'boolean') {
    if (/^(true|yes|1)$/i.test(raw)) return true;
    if (/^(false|no|0)$/i.test(raw)) return false;
    throw problem(at, `"${raw}" is not a boolean`);
  }
  if (type === 'timestamp') {
    // Epoch seconds or milliseconds, ISO 8601, or "YYYY-MM-DD HH:MM:SS" read as UTC (logs rarely carry a zone).
    const n = Number(raw);
    const iso = /^\d+(\.\d+)?$/.test(raw) ? new Date(n < 1e11 ? n * 1000 : n) : new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(raw) ? raw : `${raw.replace(' ', 'T')}Z`);
    if (Number.isNaN(iso.getTime())) throw problem(at, `"${raw}" is not a date-time`);
    return iso.toISOString();
  }
  return raw;
}

function fill(v: unknown, row: Row, m: CsvMapping): unknown {
  if (typeof v === 'string') {
    let dropped = false;
    const value = (col: string, type: string | undefined, lookup: string | undefined): unknown => {
      const raw = (row.get(col) ?? '').trim();
      if (raw === '') return ((dropped = true), '');
      if (lookup !== undefined) {
        const hit = m.lookups?.[lookup]?.[raw];
        if (hit === undefined) throw problem(`/${token(col)}`, `"${raw}" has no entry in the lookup table "${lookup}"`);
        return hit;
      }
      return typed(raw, type, col);
    };
    if (WHOLE.test(v)) {
      const [, col, type, lookup] = [...v.matchAll(PLACEHOLDER)][0] ?? [];
      if (col !== undefined) {
        const out = value(col, type, lookup);
        return dropped ? DROP : out;
      }
    }
    const s = v.replace(PLACEHOLDER, (_all, col: string, type: string | undefined, lookup: string | undefined) => String(value(col, type, lookup)));
    return dropped ? DROP : s;
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => fill(x, row, m)).filter((x) => x !== DROP);
    return items.length ? items : DROP;
  }
  if (isObject(v)) {
    const entries = Object.entries(v).map(([k, x]) => [k, fill(x, row, m)] as const).filter(([, x]) => x !== DROP);
    return entries.length ? Object.fromEntries(entries) : DROP;
  }
  return v;
}

/** One row → one statement, or undefined when `skipUnselected` skips it. Paths of problems name the column. */
export function mapCsvRow(row: Row, m: CsvMapping): Statement | undefined {
  let template = m.statement;
  if (m.select !== undefined) {
    const key = row.get(m.select) ?? '';
    template = m.statements?.[key];
    if (!template) {
      if (m.skipUnselected) return undefined;
      throw problem(`/${token(m.select)}`, `"${key}" selects no template of the mapping`);
    }
  }
  const filled = fill(template, row, m);
  if (!isObject(filled)) throw problem('', 'the template left nothing for this row');
  const id = filled.id ?? nameUuid('csv', JSON.stringify([...row.entries()]));
  return { ...filled, id } as Statement;
}
