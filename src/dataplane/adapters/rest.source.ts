import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError } from '../../kernel/index.js';
import { measureWhole, type OpenedSource, type SourceRequest } from '../app/source.js';
import type { DistributionSource } from '../app/ports.js';

export interface RestSourceDeps {
  fetch: typeof fetch;
  /** Credential headers of a named http connection, refused when the URL is not under its base URL. */
  credentials(connection: string, url: string): Promise<Record<string, string>>;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

type RestSource = Extract<DistributionSource, { type: 'rest' }>;
const failed = (detail: string) => new AppError('DS_DATAPLANE_SOURCE_FAILED', detail);

/**
 * A REST API streamed through: the upstream body is never buffered, a slow upstream times out (first on its headers,
 * then on each silence longer than idleTimeoutMs), and a non-2xx answer is a failure, not data. An `api` source
 * forwards the subpath and query string of each request under its URL.
 */
export async function openRestSource(deps: RestSourceDeps, source: RestSource, req: SourceRequest, mediaType?: string): Promise<OpenedSource> {
  const url = targetUrl(source, req);
  if (req.head) return { status: 200, headers: { 'content-type': mediaType ?? 'application/octet-stream' }, measure: measureWhole };
  const credentials = source.connection ? await deps.credentials(source.connection, url) : {};
  const headersDeadline = AbortSignal.timeout(deps.headersTimeoutMs);
  let res: Response;
  try {
    res = await deps.fetch(url, {
      method: source.method ?? 'GET',
      headers: { ...(source.headers ?? {}), ...credentials, ...(req.accept ? { accept: req.accept } : {}) },
      redirect: 'error',
      signal: AbortSignal.any([req.signal, headersDeadline]),
    });
  } catch (e) {
    if (req.signal.aborted) throw req.signal.reason;
    throw failed(headersDeadline.aborted ? `the upstream API did not answer within ${deps.headersTimeoutMs} ms` : `the upstream API could not be reached: ${(e as Error).message}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw failed(`the upstream API answered ${res.status}`);
  }
  // pipeline (not pipe): a receiver that goes away also cancels the upstream request.
  const body = pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), new IdleTimeout(deps.idleTimeoutMs), () => undefined);
  return { status: 200, headers: { 'content-type': res.headers.get('content-type') ?? mediaType ?? 'application/octet-stream' }, body, measure: measureWhole };
}

/** The source URL, or for an API proxy the source URL + the requested subpath (never above it) + the query. */
function targetUrl(source: RestSource, req: SourceRequest): string {
  if (!source.api || (req.subpath === undefined && req.query === undefined)) return source.url;
  const base = new URL(source.url);
  const segments = (req.subpath ?? '').split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || decodeURIComponent(s).includes('/') || decodeURIComponent(s) === '..')) {
    throw new AppError('DS_HTTP_VALIDATION', 'the API path must stay under the data address', [{ path: '/params/*', message: 'no "." or ".." segments' }]);
  }
  if (segments.length) base.pathname = `${base.pathname.replace(/\/+$/, '')}/${segments.join('/')}`;
  if (req.query) base.search = req.query;
  return base.href;
}

/**
 * Fails the stream when the reader waits for more than `ms` without a byte arriving. The timer runs only while the
 * reader asks for data, so a slow receiver (back-pressure) is not mistaken for a stalled upstream.
 */
class IdleTimeout extends Transform {
  #timer: NodeJS.Timeout | undefined;
  constructor(private readonly ms: number) {
    super();
  }
  override _read(size: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.destroy(failed(`the upstream API sent nothing for ${this.ms} ms`)), this.ms);
    super._read(size);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    clearTimeout(this.#timer);
    cb(null, chunk);
  }
  override _flush(cb: () => void): void {
    clearTimeout(this.#timer);
    cb();
  }
  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    clearTimeout(this.#timer);
    cb(err);
  }
}
