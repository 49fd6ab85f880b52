import { AppError, isAppError, type Logger } from '../../kernel/index.js';
import type { Streams } from '../app/streams.js';
import { isUnderBase } from '../domain/connection.js';
import { openFileSink } from './file.sink.js';
import { openFileSource } from './file.source.js';
import { openFolderSink } from './folder.sink.js';
import { openRestSink } from './rest.sink.js';
import { openRestSource } from './rest.source.js';
import type { SqlConnectionStore } from './sql-connection.store.js';
import { openSqlSource } from './sql.source.js';
import { openLrsSource } from './lrs.source.js';
import type { LrsStatements } from '../app/ports.js';

export interface StreamLimits {
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  statementTimeoutMs: number;
  batchRows: number;
}

/** Sources and sinks by type, with credentials from the named connections. */
export function createStreams(deps: { fetch: typeof fetch; connections: SqlConnectionStore; limits: StreamLimits; logger: Logger; lrs?: LrsStatements | undefined }): Streams {
  const { connections, limits } = deps;
  const credentials = (code: 'DS_DATAPLANE_SOURCE_FAILED' | 'DS_DATAPLANE_SINK_FAILED') => async (name: string, url: string) => {
    const { settings, secret } = await connections.resolve(name, 'http').catch(misconfigured(code, name));
    // Never hand a connection's credentials to a URL outside its base URL.
    if (!isUnderBase(url, settings.baseUrl)) throw new AppError(code, `the URL is not under the base URL of connection "${name}"`);
    return secret?.headers ?? {};
  };
  return {
    openSource(source, req, mediaType) {
      switch (source.type) {
        case 'file':
          return openFileSource(source.path, req, mediaType);
        case 'rest':
          return openRestSource({ fetch: deps.fetch, credentials: credentials('DS_DATAPLANE_SOURCE_FAILED'), headersTimeoutMs: limits.headersTimeoutMs, idleTimeoutMs: limits.idleTimeoutMs }, source, req, mediaType);
        case 'sql':
          return openSqlSource(
            {
              connectionUrl: async (name) => {
                const { secret } = await connections.resolve(name, 'postgres').catch(misconfigured('DS_DATAPLANE_SOURCE_FAILED', name));
                if (!secret) throw new AppError('DS_DATAPLANE_SOURCE_FAILED', `connection "${name}" has no URL`);
                return secret.url;
              },
              statementTimeoutMs: limits.statementTimeoutMs,
              batchRows: limits.batchRows,
              logFailure: (err, connection) => deps.logger.warn({ err, connection }, 'SQL source failed'),
            },
            source,
            req,
          );
        case 'lrs':
          return openLrsSource(deps.lrs, source, req);
      }
    },
    async openSink(destination, opts) {
      switch (destination.type) {
        case 'file':
          return openFileSink(destination.path, { append: opts.append ?? false, exclusive: opts.exclusive === true, ...(opts.resumable ? { resumable: opts.resumable } : {}) });
        case 'folder':
          return openFolderSink(destination.path, opts.transferId, opts.contentType);
        case 'rest':
          return openRestSink({ fetch: deps.fetch, credentials: credentials('DS_DATAPLANE_SINK_FAILED') }, destination, opts.contentType, opts.signal);
      }
    },
  };
}

/** A missing connection is the operator's configuration fault: the counterparty sees a failed source or sink. */
const misconfigured = (code: 'DS_DATAPLANE_SOURCE_FAILED' | 'DS_DATAPLANE_SINK_FAILED', name: string) => (e: unknown): never => {
  if (isAppError(e) && e.code === 'DS_DATAPLANE_CONNECTION_NOT_FOUND') throw new AppError(code, `connection "${name}" is not configured on this node`);
  throw e;
};
