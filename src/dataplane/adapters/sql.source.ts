import pg from 'pg';
import Cursor from 'pg-cursor';
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

/**
 * Rows of the distribution's own query as NDJSON. The query text and its fixed parameters come from the catalog
 * only; nothing in the request reaches the database. It runs in a READ ONLY transaction with a statement timeout,
 * through a cursor read one batch at a time as the receiver asks (back-pressure), and the connection is closed
 * when the stream ends, fails or is aborted.
 */
export async function openSqlSource(deps: SqlSourceDeps, source: SqlSource, req: SourceRequest): Promise<OpenedSource> {
  const headers = { 'content-type': 'application/x-ndjson' };
  if (req.head) return { status: 200, headers, measure: measureWhole };
  const client = new pg.Client({ connectionString: await deps.connectionUrl(source.connection) });
  client.on('error', () => undefined); // surfaced through the query in progress
  let cursor: Cursor | undefined;
  try {
    await client.connect();
    await client.query('BEGIN READ ONLY');
    // A number we hold, never request input: SET cannot take a bind parameter.
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(deps.statementTimeoutMs))}`);
    cursor = client.query(new Cursor(source.query, source.parameters ?? []));
    // The first batch is read before answering, so a failing query is a 502 rather than a cut stream.
    const first = await cursor.read(deps.batchRows);
    return { status: 200, headers, body: rowStream(client, cursor, first, deps.batchRows, (e) => deps.logFailure(e, source.connection)), measure: measureWhole };
  } catch (e) {
    await client.end().catch(() => undefined);
    if (e instanceof AppError) throw e;
    deps.logFailure(e as Error, source.connection);
    throw failed('the query of this distribution failed (the provider log has the reason)');
  }
}

function rowStream(client: pg.Client, cursor: Cursor, first: unknown[], batchRows: number, logFailure: (e: Error) => void): Readable {
  let pending: unknown[] | undefined = first;
  let closed = false;
  const release = async (commit: boolean) => {
    if (closed) return;
    closed = true;
    await cursor.close().catch(() => undefined);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  return new Readable({
    highWaterMark: 256 * 1024,
    read() {
      const rows = pending ?? [];
      pending = undefined;
      const next = rows.length ? Promise.resolve(rows) : cursor.read(batchRows);
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
