import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { agents, headersOf, IDLE_SOCKET_MS, isRedirect } from '../../kernel/index.js';

/**
 * The data plane's HTTP client (a consumer node pulling, a provider pushing): node:http(s) with the kernel's
 * keep-alive connections, the bodies as Node streams. fetch's web streams cost a conversion on each side of every chunk and
 * about three times the CPU per request; this keeps fetch's rules that matter here: no redirects (the transfer
 * token must not travel to another address), a deadline for the answer's headers once the request is sent, and
 * one for a body that stops arriving while it is being read (not while our reader holds it back).
 */
export interface StreamAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The body, read with back-pressure; destroy it to stop reading. */
  body: Readable;
  /** Reads up to `maxBytes` of the body as text (an error answer), then drops the rest. */
  text(maxBytes: number): Promise<string>;
  /** Reads the rest of a short body and drops it. */
  discard(): void;
}

export interface StreamRequest {
  method: 'GET' | 'PUT' | 'POST';
  headers: Record<string, string>;
  /** Streamed with back-pressure (chunked), when given. */
  body?: Readable;
}

export interface StreamTimeouts {
  headersMs: number;
  /** Longest pause between two chunks of the answer while it is read. */
  idleMs: number;
}

export function streamRequest(url: string, init: StreamRequest, signal: AbortSignal, timeouts: StreamTimeouts): Promise<StreamAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new Error('invalid URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new Error(`unsupported protocol ${target.protocol}`));
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<StreamAnswer>((resolve, reject) => {
    let answer: IncomingMessage | undefined;
    let timer: NodeJS.Timeout | undefined;
    const fail = (e: Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // The body being read fails with the reason (an abort's: the policy lapsed, the operator stopped it).
      answer?.destroy(e);
      req.destroy(e);
      if (!answer) reject(e);
    };
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const req = send(target, { method: init.method, agent: agents[target.protocol as 'http:' | 'https:'], headers: init.headers }, (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (isRedirect(res)) return fail(new Error(`redirect (${status}) refused`));
      answer = res;
      watchIdle(res, timeouts.idleMs);
      res.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve(answerOf(res, status));
    });
    // Counted once the request is sent: a pushed body may take long, and its answer comes after it.
    req.once('finish', () => {
      if (!answer) timer = setTimeout(() => fail(new Error(`no answer within ${timeouts.headersMs} ms`)), timeouts.headersMs);
    });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => fail(e));
    if (init.body) pipeline(init.body, req).catch((e: Error) => fail(e));
    else req.end();
  });
}

/**
 * The answer's body fails when no chunk arrives for `idleMs` while there is room for one. A reader that holds the
 * body back is no stall: the body's buffer is then full and the socket is not read.
 */
function watchIdle(res: IncomingMessage, idleMs: number): void {
  const socket = res.socket;
  const onTimeout = () => {
    if (res.complete || res.destroyed) return;
    if (res.readableLength >= res.readableHighWaterMark) return socket.setTimeout(idleMs);
    res.destroy(new Error(`no data for ${idleMs} ms`));
  };
  socket.setTimeout(idleMs);
  socket.on('timeout', onTimeout);
  res.once('close', () => {
    socket.off('timeout', onTimeout);
    // Back in the agent's pool, the socket takes the agent's idle timeout again.
    if (!socket.destroyed) socket.setTimeout(IDLE_SOCKET_MS);
  });
}

function answerOf(res: IncomingMessage, status: number): StreamAnswer {
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: headersOf(res),
    body: res,
    text: (maxBytes) =>
      new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, maxBytes));
        res.on('data', (c: Buffer) => {
          if (size < maxBytes) chunks.push(c);
          size += c.byteLength;
          if (size >= maxBytes) {
            res.destroy();
            done();
          }
        });
        res.once('end', done);
        res.once('error', done);
        res.once('close', done);
      }),
    // Read to its end (a short answer: an acknowledgement, a refusal), so that the connection can serve again.
    discard: () => void res.resume(),
  };
}
