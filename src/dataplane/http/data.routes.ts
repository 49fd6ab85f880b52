import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, isAppError, type Clock, type Logger } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { pumpFile } from '../adapters/file.pump.js';
import { Meter } from '../adapters/metering.js';
import type { AbortRegistry } from '../app/abort-registry.js';
import type { PendingWork } from '../app/pending-work.js';
import type { Measurement, TransferGate } from '../app/ports.js';
import type { Sink } from '../app/sink.js';
import type { FileContent } from '../app/source.js';
import type { Streams } from '../app/streams.js';
import type { TransferTokens } from '../app/transfer-token.js';
import { DataHeaders, ProxyParams, PullParams, PushAnswer, dataTags as tags } from './dataplane.schemas.js';

export interface DataRouteDeps {
  clock: Clock;
  logger: Logger;
  tokens: TransferTokens;
  gate(): TransferGate;
  streams: Streams;
  registry: AbortRegistry;
  /** The bookkeeping of served streams, which runs after their responses closed (awaited at shutdown). */
  pending: PendingWork;
}

type PullRequest = FastifyRequest<{ Params: { transferId: string; '*'?: string }; Headers: { authorization?: string; range?: string; 'if-range'?: string; accept?: string } }>;

/**
 * The data routes (`auth: 'transfer'`: the caller is no operator and may be no node): each request carries a transfer
 * token checked here, then the transfer gate decides, on every request.
 */
export function dataRoutes(deps: DataRouteDeps) {
  const { clock, logger, tokens, registry, streams } = deps;
  const now = () => clock.now();
  const ended = (transferId: string, side: 'provider' | 'consumer', m: Measurement) =>
    deps.gate().streamEnded(transferId, side, m).catch((e: Error) => logger.warn({ err: e, transferId }, 'streamEnded failed'));

  async function serve(req: PullRequest, reply: FastifyReply) {
    const transferId = req.params.transferId;
    const { subject, agreementId } = await tokens.verify(req.headers.authorization, transferId, 'pull');
    const grant = await deps.gate().authorizePull(transferId, subject, agreementId);
    const subpath = req.params['*'];
    const proxy = grant.source.type === 'rest' && grant.source.api === true;
    if (subpath !== undefined && subpath !== '' && !proxy) throw new AppError('DS_HTTP_NOT_FOUND', 'this transfer serves one content, not an API', [{ path: '/params/*', message: 'no subpaths' }]);
    const q = req.url.indexOf('?');
    const track = registry.track(transferId);
    let opened;
    try {
      opened = await streams.openSource(
        grant.source,
        { head: req.method === 'HEAD', range: req.headers.range, ifRange: req.headers['if-range'], subpath, query: proxy && q >= 0 ? req.url.slice(q + 1) : undefined, accept: req.headers.accept, signal: track.signal },
        grant.mediaType,
      );
    } catch (e) {
      track.done();
      const contentRange = (e as { contentRange?: string }).contentRange;
      if (contentRange) reply.header('content-range', contentRange);
      throw e;
    }
    reply.code(opened.status).headers(opened.headers);
    // A file is written from a few reused buffers (resident memory; see pumpFile): its `body` is then never opened.
    const content: { file: FileContent } | { body: Readable } | undefined = opened.file ? { file: opened.file } : opened.body ? { body: opened.body } : undefined;
    if (!content) {
      track.done();
      return reply.send();
    }
    const meter = new Meter(now());
    reply.raw.once('close', () => {
      track.done();
      // Complete only if every byte left the source and reached the socket without an error on the way (pumpFile
      // ends the response only after the last byte, and destroys it on any failure).
      const delivered = reply.raw.writableFinished && ('file' in content || (meter.readableEnded && !meter.errored));
      deps.pending.add(
        opened
          .measure(meter, delivered, now)
          .then((m) => ended(transferId, 'provider', m))
          .catch((e: Error) => logger.warn({ err: e, transferId }, 'measuring a served stream failed')),
      );
    });
    if ('body' in content) {
      pipeline(content.body, meter, { signal: track.signal }).catch(() => undefined);
      return reply.send(meter);
    }
    reply.hijack();
    reply.raw.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
    pumpFile(content.file, reply.raw, meter, track.signal).catch(() => reply.raw.destroy());
    return reply;
  }

  return async (app: App) => {
    // Pushed content is streamed to its destination as it arrives, whatever its type: never parsed, never buffered.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    const pull = { tags, summary: 'Read the data of a pull transfer (Range on files; api sources proxy their subpaths)', headers: DataHeaders };
    app.route({ method: ['GET', 'HEAD'], url: '/dataplane/pull/:transferId', config: { auth: 'transfer' }, schema: { ...pull, params: PullParams }, handler: serve });
    app.route({ method: ['GET', 'HEAD'], url: '/dataplane/pull/:transferId/*', config: { auth: 'transfer' }, schema: { ...pull, params: ProxyParams }, handler: serve });
    app.route({
      method: ['PUT', 'POST'],
      url: '/dataplane/push/:transferId',
      config: { auth: 'transfer' },
      schema: { tags, summary: 'Receive the data of a push transfer into its destination', params: PullParams, headers: DataHeaders, response: { 200: PushAnswer } },
      handler: async (req, reply) => {
        const { transferId } = req.params;
        const { subject } = await tokens.verify(req.headers.authorization, transferId, 'push');
        const { destination } = await deps.gate().authorizePush(transferId, subject);
        const track = registry.track(transferId);
        const meter = new Meter(now());
        let sink: Sink | undefined;
        try {
          sink = await streams.openSink(destination, { transferId, contentType: req.headers['content-type'], signal: track.signal, exclusive: true });
          await pipeline(req.raw, meter, sink.writable, { signal: track.signal });
          await sink.commit();
        } catch (e) {
          await sink?.abort().catch(() => undefined);
          await ended(transferId, 'consumer', meter.measurement(now(), false));
          throw track.signal.aborted ? new AppError('DS_DATAPLANE_ABORTED', 'the transfer was stopped') : isAppError(e) ? e : new AppError('DS_DATAPLANE_SINK_FAILED', `the destination failed: ${(e as Error).message}`);
        } finally {
          track.done();
        }
        const m = meter.measurement(now(), true);
        await ended(transferId, 'consumer', m);
        return reply.code(200).send({ bytes: m.bytes, sha256: m.sha256 });
      },
    });
  };
}
