import { Readable } from 'node:stream';
import { AppError } from '../../kernel/index.js';
import { measureWhole, type OpenedSource, type SourceRequest } from '../app/source.js';
import type { DistributionSource, LrsStatements } from '../app/ports.js';

type LrsSource = Extract<DistributionSource, { type: 'lrs' }>;

/**
 * Statements of this node's LRS that match the distribution's fixed filter, as NDJSON, read page by page as the
 * receiver asks (back-pressure), pseudonymised on the way out when the distribution says so. The filter comes
 * from the catalog only; nothing in the request changes it.
 */
export async function openLrsSource(lrs: LrsStatements | undefined, source: LrsSource, req: SourceRequest): Promise<OpenedSource> {
  if (!lrs) throw new AppError('DS_DATAPLANE_SOURCE_FAILED', 'this node has no LRS to read statements from');
  const headers = { 'content-type': 'application/x-ndjson' };
  if (req.head) return { status: 200, headers, measure: measureWhole };
  const statements = lrs.statements(source.query, { pseudonymise: source.pseudonymise === true });
  const iterator = statements[Symbol.asyncIterator]();
  // The first statement is read before answering, so a filter the LRS refuses is a clean error, not a cut stream.
  const first = await iterator.next();
  async function* lines(): AsyncGenerator<string> {
    let next = first;
    while (!next.done) {
      if (req.signal.aborted) return;
      yield `${JSON.stringify(next.value)}\n`;
      next = await iterator.next();
    }
  }
  const body = Readable.from(lines(), { objectMode: false });
  body.once('close', () => void iterator.return?.());
  return { status: 200, headers, body, measure: measureWhole };
}
