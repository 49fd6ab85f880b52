import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The node-to-node HTTP client under `nodeCall` when no fetch is injected: node:http(s) with keep-alive
 * connections. It does what nodeCall asks of fetch (no redirects, a deadline for the whole exchange, an answer
 * read up to a bound) at about a third of fetch's CPU per request, which matters on the outbox's hot path.
 */
export interface TransportAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'too-large',
  ) {
    super(message);
  }
}

/** Idle sockets are closed after this, before a Node server's default 5 s keep-alive would close them under a new request. */
export const IDLE_SOCKET_MS = 4000;
/** The keep-alive agents of node-to-node calls (the data plane's streams share them). */
export const agents = { 'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }), 'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) };
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A redirect, refused as fetch with redirect: 'error' refuses it: a bearer token must not travel to another address. */
export const isRedirect = (res: IncomingMessage): boolean => REDIRECTS.has(res.statusCode ?? 0) && res.headers.location !== undefined;

/** An answer's headers as fetch's Headers. */
export function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  return headers;
}

export function httpExchange(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | undefined },
  limits: { timeoutMs: number; maxBytes: number },
): Promise<TransportAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new TransportError('invalid URL', 'unreachable'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new TransportError(`unsupported protocol ${target.protocol}`, 'unreachable'));
  const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<TransportAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (error: TransportError | undefined, answer?: TransportAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(answer!);
    };
    const req = send(
      target,
      { method: init.method, agent: agents[target.protocol as 'http:' | 'https:'], headers: { ...init.headers, ...(body ? { 'content-length': String(body.byteLength) } : {}) } },
      (res) => read(res, limits.maxBytes, finish),
    );
    const timer = setTimeout(() => finish(new TransportError(`no answer within ${limits.timeoutMs} ms`, 'unreachable')), limits.timeoutMs);
    req.on('error', (e) => finish(new TransportError(e.message, 'unreachable')));
    req.end(body);
  });
}

function read(res: IncomingMessage, maxBytes: number, finish: (error: TransportError | undefined, answer?: TransportAnswer) => void): void {
  const status = res.statusCode ?? 0;
  if (isRedirect(res)) return finish(new TransportError(`redirect (${status}) refused`, 'unreachable'));
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) return finish(new TransportError(`answer larger than ${maxBytes} bytes`, 'too-large'));
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > maxBytes) finish(new TransportError(`answer larger than ${maxBytes} bytes`, 'too-large'));
    else chunks.push(chunk);
  });
  res.on('error', (e) => finish(new TransportError(e.message, 'unreachable')));
  res.on('close', () => {
    if (!res.complete) finish(new TransportError('answer cut short', 'unreachable'));
  });
  res.on('end', () => finish(undefined, { status, headers: headersOf(res), text: Buffer.concat(chunks).toString('utf8') }));
}
