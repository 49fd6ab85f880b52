import { PassThrough, Readable } from 'node:stream';
import { AppError } from '../../kernel/index.js';
import type { DataDestination } from '../app/ports.js';
import type { Sink } from '../app/sink.js';

type RestDestination = Extract<DataDestination, { type: 'rest' }>;
const failed = (detail: string) => new AppError('DS_DATAPLANE_SINK_FAILED', detail);

/**
 * Forwards the stream to a REST endpoint of the consumer's systems as a streamed request body (duplex 'half'):
 * nothing is buffered, and only a 2xx answer commits the delivery.
 */
export function openRestSink(deps: { fetch: typeof fetch; credentials(connection: string, url: string): Promise<Record<string, string>> }, dest: RestDestination, contentType: string | undefined, signal: AbortSignal): Sink {
  const body = new PassThrough();
  const answer = (async () => {
    const credentials = dest.connection ? await deps.credentials(dest.connection, dest.url) : {};
    const res = await deps.fetch(dest.url, {
      method: dest.method ?? 'POST',
      headers: { ...credentials, 'content-type': contentType ?? 'application/octet-stream' },
      body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
      duplex: 'half',
      redirect: 'error',
      signal,
    } as RequestInit);
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) throw failed(`the destination answered ${res.status}`);
  })();
  // A destination that fails or answers early must stop the writer instead of leaving it waiting for a drain.
  answer.catch((e: Error) => body.destroy(e instanceof AppError ? e : failed(`the destination could not be reached: ${e.message}`)));
  return {
    writable: body,
    async commit() {
      try {
        await answer;
      } catch (e) {
        throw e instanceof AppError ? e : failed(`the destination could not be reached: ${(e as Error).message}`);
      }
    },
    async abort() {
      body.destroy();
      await answer.catch(() => undefined);
    },
  };
}
