import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { httpExchange, TransportError } from './http-transport.js';
import { readLimited } from './read-limited.js';

export interface NodeCallOptions {
  /** Signs a fresh single-use node token addressed to `audience` (the receiver remembers each jti). */
  sign(audienceDid: string): Promise<string>;
  /** The HTTP client; without one, node:http(s) with keep-alive connections (the same rules, less CPU per call). */
  fetch?: typeof fetch | undefined;
  logger: Logger;
  timeoutMs: number;
  maxBytes: number;
  accept: string;
  /** The errors to raise when the peer cannot be reached, and when its answer exceeds `maxBytes`. */
  unreachable(detail: string): AppError;
  tooLarge(detail: string): AppError;
}

/**
 * One authenticated node-to-node HTTP call: a fresh bearer token for the receiver's DID, no redirects (the token
 * must not travel to another host), a timeout, and a bounded answer. Returns the status, headers and text; interpreting
 * them (error objects, schemas) is the caller's business.
 */
export async function nodeCall(opts: NodeCallOptions, url: string, audienceDid: string, init: RequestInit): Promise<{ status: number; headers: Headers; text: string }> {
  const token = await opts.sign(audienceDid);
  if (!opts.fetch) return exchange(opts, url, token, init);
  let res: Response;
  try {
    res = await opts.fetch(url, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}`, accept: opts.accept },
    });
  } catch (e) {
    opts.logger.debug({ err: e, url }, 'node-to-node request failed');
    throw opts.unreachable(`${url}: ${(e as Error).message}`);
  }
  try {
    return { status: res.status, headers: res.headers, text: await readLimited(res, opts.maxBytes, () => opts.tooLarge(`${url} answered more than ${opts.maxBytes} bytes`)) };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw opts.unreachable(`${url}: ${(e as Error).message}`);
  }
}

async function exchange(opts: NodeCallOptions, url: string, token: string, init: RequestInit): Promise<{ status: number; headers: Headers; text: string }> {
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('nodeCall without fetch sends string bodies only');
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}`, accept: opts.accept };
  try {
    return await httpExchange(url, { method: init.method ?? 'GET', headers, body: init.body ?? undefined }, { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
  } catch (e) {
    if (e instanceof TransportError && e.kind === 'too-large') throw opts.tooLarge(`${url} answered more than ${opts.maxBytes} bytes`);
    opts.logger.debug({ err: e, url }, 'node-to-node request failed');
    throw opts.unreachable(`${url}: ${(e as Error).message}`);
  }
}
