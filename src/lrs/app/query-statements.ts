import { AppError } from '../../kernel/index.js';
import type { StatementFilter, StatementQuery } from '../domain/statement-query.js';
import type { Cursor, StatementStore, StoredStatement } from './ports.js';

/** The largest page the LRS answers (`limit=0` or above it means this many; xAPI lets the server cap it). */
export const MAX_PAGE = 500;

/** A `more` token: the query (so the continuation needs no other parameter) and where the next page starts. */
interface MoreToken { q: Omit<StatementQuery, 'filter'> & { filter: Record<string, unknown> }; s: string; i: string }

export function encodeMore(query: StatementQuery, last: StoredStatement): string {
  const token: MoreToken = { q: { ...query, filter: { ...query.filter } }, s: last.stored.toISOString(), i: last.statement.id };
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

export function decodeMore(more: string): { query: StatementQuery; after: Cursor } {
  const bad = () => new AppError('DS_LRS_INVALID_CURSOR', 'the more token is not one this LRS issued', [{ path: '/query/more', message: 'malformed' }]);
  let t: MoreToken;
  try {
    t = JSON.parse(Buffer.from(more, 'base64url').toString('utf8')) as MoreToken;
  } catch {
    throw bad();
  }
  const after = { stored: new Date(t?.s), id: t?.i };
  if (typeof t?.q !== 'object' || t.q === null || typeof after.id !== 'string' || Number.isNaN(after.stored.getTime())) throw bad();
  // The token comes back from the client: every field is re-checked, as a query parameter would be.
  const f: Record<string, unknown> = typeof t.q.filter === 'object' && t.q.filter !== null ? t.q.filter : {};
  const filter: StatementFilter = {};
  for (const k of ['agent', 'verb', 'activity', 'registration'] as const) {
    if (f[k] === undefined) continue;
    if (typeof f[k] !== 'string') throw bad();
    filter[k] = f[k];
  }
  for (const k of ['relatedAgents', 'relatedActivities', 'ascending'] as const) {
    if (f[k] === undefined) continue;
    if (typeof f[k] !== 'boolean') throw bad();
    filter[k] = f[k];
  }
  for (const k of ['since', 'until'] as const) {
    if (f[k] === undefined) continue;
    const d = typeof f[k] === 'string' ? new Date(f[k]) : new Date(NaN);
    if (Number.isNaN(d.getTime())) throw bad();
    filter[k] = d;
  }
  if (!Number.isInteger(t.q.limit) || t.q.limit < 0 || !['exact', 'ids', 'canonical'].includes(t.q.format)) throw bad();
  return { query: { filter, limit: t.q.limit, format: t.q.format, attachments: t.q.attachments === true }, after };
}

export interface Page { statements: StoredStatement[]; more?: string }

/** One page: asks for one row more than it returns, to know whether a `more` link is due. */
export async function queryPage(store: StatementStore, query: StatementQuery, after?: Cursor): Promise<Page> {
  const size = query.limit === 0 || query.limit > MAX_PAGE ? MAX_PAGE : query.limit;
  const rows = await store.query(query.filter, after, size + 1);
  if (rows.length <= size) return { statements: rows };
  const statements = rows.slice(0, size);
  return { statements, more: encodeMore(query, statements[statements.length - 1] as StoredStatement) };
}

/** Every statement matching the filter, page by page (the data plane streams these as NDJSON). */
export async function* iterateStatements(store: StatementStore, filter: StatementFilter, pageSize = MAX_PAGE): AsyncIterable<StoredStatement> {
  let after: Cursor | undefined;
  for (;;) {
    const rows = await store.query(filter, after, pageSize);
    for (const r of rows) yield r;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as StoredStatement;
    after = { stored: last.stored, id: last.statement.id };
  }
}
