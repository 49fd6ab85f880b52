import pg from 'pg';
import { Readable } from 'node:stream';
import { AppError } from '../../kernel/index.js';
import { measureWhole, type OpenedSource, type SourceRequest } from '../app/source.js';
import type { DistributionSource } from '../app/ports.js';

export interface SqlSourceDeps {
  /** The connection URL of a named postgres connection (opened from its sealed secret). */
  connectionUrl(name: string): Promise<string>;
  statementTimeoutMs: number;
  batchRows: number;
  /** Database errors stay in the provider's log: their text may describe the provider's schema. */
  logFailure(err: Error, connection: string): void;
}

type SqlSource = Extract<DistributionSource, { type: 'sql' }>;
const failed = (detail: string) => new AppError('DS_DATAPLANE_SOURCE_FAILED', detail);

/** The cursor's name in the source's own session (one per connection). */
const CURSOR = 'dases_rows';

/**
 * Rows of the distribution's own query as NDJSON. The query text and its fixed parameters come from the catalog
 * only; nothing in the request reaches the database. It runs in a READ ONLY transaction behind a server-side cursor
 * (`DECLARE`, parameters bound as values), read with one `FETCH` of `batchRows` at a time as the receiver asks
 * (back-pressure). The statement timeout applies to each FETCH, so a slow query fails while a long stream to a slow
 * receiver does not (a protocol-level cursor would run as one statement until the end, under one timeout). The
 * connection is closed when the stream ends, fails or is aborted.
 */
export async function openSqlSource(deps: SqlSourceDeps, source: SqlSource, req: SourceRequest): Promise<OpenedSource> {
  const headers = { 'content-type': 'application/x-ndjson' };
  if (req.head) return { status: 200, headers, measure: measureWhole };
  const client = new pg.Client({ connectionString: await deps.connectionUrl(source.connection) });
  client.on('error', () => undefined); // surfaced through the query in progress
  const fetchRows = async () => (await client.query(`FETCH FORWARD ${Math.max(1, Math.floor(deps.batchRows))} FROM ${CURSOR}`)).rows as unknown[];
  try {
    await client.connect();
    await client.query('BEGIN READ ONLY');
    // A number we hold, never request input: SET cannot take a bind parameter.
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(deps.statementTimeoutMs))}`);
    // The extended protocol, even without parameters: one statement only, so the query text cannot end the
    // read-only transaction and go on with another.
    // (`queryMode` is pg's, missing from its type declarations.)
    const declare = { text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${source.query}`, values: source.parameters ?? [], queryMode: 'extended' };
    await client.query(declare);
    // The first batch is read before answering, so a failing query is a 502 rather than a cut stream.
    const first = await fetchRows();
    return { status: 200, headers, body: rowStream(client, fetchRows, first, (e) => deps.logFailure(e, source.connection)), measure: measureWhole };
  } catch (e) {
    await client.end().catch(() => undefined);
    if (e instanceof AppError) throw e;
    deps.logFailure(e as Error, source.connection);
    throw failed('the query of this distribution failed (the provider log has the reason)');
  }
}

function rowStream(client: pg.Client, fetchRows: () => Promise<unknown[]>, first: unknown[], logFailure: (e: Error) => void): Readable {
  let pending: unknown[] | undefined = first;
  let closed = false;
  const release = async (commit: boolean) => {
    if (closed) return;
    closed = true;
    await client.query(commit ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  return new Readable({
    highWaterMark: 256 * 1024,
    read() {
      const rows = pending ?? [];
      pending = undefined;
      const next = rows.length ? Promise.resolve(rows) : fetchRows();
      next.then(
        async (batch) => {
          if (batch.length === 0) {
            await release(true);
            this.push(null);
            return;
          }
          this.push(batch.map((r) => JSON.stringify(r)).join('\n') + '\n');
        },
        (e: Error) => {
          logFailure(e);
          this.destroy(failed('the query failed while streaming'));
        },
      );
    },
    destroy(err, cb) {
      release(false).then(() => cb(err), () => cb(err));
    },
  });
}
