import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { readLimited } from './read-limited.js';

export interface NodeCallOptions {
  /** Signs a fresh single-use node token addressed to `audience` (the receiver remembers each jti). */
  sign(audienceDid: string): Promise<string>;
  fetch: typeof fetch;
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
