import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, isAppError, type Clock, type Logger } from '../../kernel/index.js';
import { streamRequest, type StreamAnswer, type StreamRequest } from '../adapters/http-client.js';
import { hashFile, Meter } from '../adapters/metering.js';
import { resumablePart } from '../adapters/file.sink.js';
import { parseContentRange } from '../domain/range.js';
import type { AbortRegistry } from './abort-registry.js';
import type { DataAddress, DataDestination, DistributionSource, Measurement, TransferGate } from './ports.js';
import type { Sink } from './sink.js';
import type { OpenedSource } from './source.js';
import type { Streams } from './streams.js';
import { readAddress } from './transfer-token.js';

export interface ClientDeps {
  clock: Clock;
  logger: Logger;
  streams: Streams;
  registry: AbortRegistry;
  gate(): TransferGate;
}

const remote = (detail: string) => new AppError('DS_DATAPLANE_REMOTE_FAILED', detail);
/** As fetch's defaults, which this client replaced: the counterparty's source may take long to open or to go on. */
const TIMEOUTS = { headersMs: 300_000, idleMs: 300_000 };

/** The client side of the data plane: the provider pushing, the consumer node pulling into a destination or a stream. */
export function createTransferClient(deps: ClientDeps) {
  const { clock, registry } = deps;
  const now = () => clock.now();

  /** Requests a data address; a non-2xx answer is an error carrying the counterparty's problem detail. */
  async function request(address: DataAddress, init: Partial<StreamRequest>, signal: AbortSignal, ranged = false): Promise<StreamAnswer> {
    const { endpoint, authorization } = readAddress(address);
    let res: StreamAnswer;
    try {
      res = await streamRequest(endpoint, { method: init.method ?? 'GET', headers: { ...(init.headers ?? {}), authorization }, ...(init.body ? { body: init.body } : {}) }, signal, TIMEOUTS);
    } catch (e) {
      throw signal.aborted ? abortReason(signal) : remote(`${endpoint}: ${(e as Error).message}`);
    }
    // 416 only answers a resume attempt: the caller then starts over.
    if (res.ok || (ranged && res.status === 416)) return res;
    const text = await res.text(500);
    let detail = text;
    try {
      const p = JSON.parse(text) as { code?: string; detail?: string };
      detail = `${p.code ?? ''} ${p.detail ?? ''}`.trim();
    } catch {
      /* not a problem document: keep the text */
    }
    throw remote(`the data plane answered ${res.status}${detail ? `: ${detail}` : ''}`);
  }

  async function push(input: { transferId: string; source: DistributionSource; address: DataAddress; signal?: AbortSignal }): Promise<Measurement> {
    const track = registry.track(input.transferId, input.signal);
    const meter = new Meter(now());
    let m: Measurement | undefined;
    let opened: OpenedSource | undefined;
    try {
      opened = await deps.streams.openSource(input.source, { head: false, signal: track.signal });
      if (!opened.body) throw new AppError('DS_DATAPLANE_SOURCE_FAILED', 'the source gave no content');
      const flowing = pipeline(opened.body, meter, { signal: track.signal });
      flowing.catch(() => undefined);
      const res = await request(input.address, { method: 'PUT', headers: { 'content-type': opened.headers['content-type'] ?? 'application/octet-stream' }, body: meter }, track.signal);
      res.discard();
      await flowing;
      m = await opened.measure(meter, true, now);
      return m;
    } catch (e) {
      // The receiver failed or went away: the source (a cursor, an upstream request) must not stay open.
      opened?.body?.destroy();
      meter.destroy();
      m ??= meter.measurement(now(), false);
      throw track.signal.aborted ? abortReason(track.signal) : e;
    } finally {
      track.done();
      if (m) await deps.gate().streamEnded(input.transferId, 'provider', m).catch((e: Error) => deps.logger.warn({ err: e, transferId: input.transferId }, 'streamEnded failed'));
    }
  }

  async function pull(input: { transferId: string; address: DataAddress; destination: DataDestination; signal?: AbortSignal }): Promise<Measurement> {
    const track = registry.track(input.transferId, input.signal);
    let sink: Sink | undefined;
    try {
      const dest = input.destination;
      const part = dest.type === 'file' ? await resumablePart(dest.path, input.transferId) : undefined;
      let res = await request(input.address, { headers: part ? { range: `bytes=${part.offset}-`, 'if-range': part.etag } : {} }, track.signal, !!part);
      if (res.status === 416) {
        res.discard();
        res = await request(input.address, {}, track.signal);
      }
      const range = parseContentRange(res.headers.get('content-range'));
      const append = !!part && res.status === 206 && range?.start === part.offset;
      if (res.status === 206 && !append) throw remote('the data plane answered a range that was not asked for');
      const etag = res.headers.get('etag');
      const resumable = dest.type === 'file' && etag && res.headers.get('accept-ranges') === 'bytes' ? { transferId: input.transferId, etag } : undefined;
      const contentType = res.headers.get('content-type') ?? undefined;
      sink = await deps.streams.openSink(dest, { transferId: input.transferId, contentType, signal: track.signal, append, ...(resumable ? { resumable } : {}) });
      const meter = new Meter(now(), append && part ? await hashFile(part.part, part.offset) : undefined);
      await pipeline(res.body, meter, sink.writable, { signal: track.signal });
      await sink.commit();
      return meter.measurement(now(), true);
    } catch (e) {
      await sink?.abort().catch(() => undefined);
      throw track.signal.aborted ? abortReason(track.signal) : isAppError(e) ? e : remote(`the pull failed: ${(e as Error).message}`);
    } finally {
      track.done();
    }
  }

  async function open(input: { transferId: string; address: DataAddress; signal?: AbortSignal }): Promise<{ body: Readable; contentType?: string; measured: Promise<Measurement> }> {
    const track = registry.track(input.transferId, input.signal);
    let res: StreamAnswer;
    try {
      res = await request(input.address, {}, track.signal);
    } catch (e) {
      track.done();
      throw e;
    }
    const meter = new Meter(now());
    const source = res.body;
    const measured = new Promise<Measurement>((resolve) => {
      let ended = false;
      meter.once('end', () => (ended = true));
      meter.once('close', () => {
        track.done();
        resolve(meter.measurement(now(), ended && !meter.errored));
      });
    });
    pipeline(source, meter, { signal: track.signal }).catch(() => undefined);
    const contentType = res.headers.get('content-type');
    return { body: meter, ...(contentType ? { contentType } : {}), measured };
  }

  return { push, pull, open };
}

const abortReason = (signal: AbortSignal): AppError => (isAppError(signal.reason) ? signal.reason : new AppError('DS_DATAPLANE_ABORTED', 'the transfer stream was stopped'));
