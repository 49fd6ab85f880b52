import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, ManualClock, SequentialIds, silentLogger, type Authenticator, type LrsScope } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { documentRoutes } from '../http/documents.routes.js';

/**
 * An HTTP shell with only the document routes, and a small real table of LRS clients (key → secret, scopes) behind
 * HTTP Basic, for the document resources' tests.
 */
export const CLIENTS: Record<string, { secret: string; scopes: LrsScope[] }> = {
  all: { secret: 'all-secret', scopes: ['all'] },
  state: { secret: 'state-secret', scopes: ['state'] },
  profile: { secret: 'profile-secret', scopes: ['profile'] },
  reader: { secret: 'reader-secret', scopes: ['statements/read'] },
  writer: { secret: 'writer-secret', scopes: ['statements/write'] },
};

export const basic = (key: string, secret = CLIENTS[key]?.secret ?? 'x') => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

const authenticator: Authenticator = {
  operator: async () => {
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  participant: async () => {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
  lrsClient: async (key, secret) => {
    const c = CLIENTS[key];
    if (!c || c.secret !== secret) throw new AppError('DS_LRS_INVALID_CREDENTIALS');
    return { kind: 'lrs-client', clientId: key, name: key, scopes: c.scopes };
  },
};

export async function documentsApp(db: Kysely<DB>, clock = new ManualClock(new Date('2026-01-01T00:00:00.000Z'))): Promise<{ app: App; clock: ManualClock }> {
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1024 * 1024, authenticator });
  await app.register(documentRoutes({ db, clock, ids: new SequentialIds(), logger: silentLogger() }));
  await app.ready();
  return { app, clock };
}

export const XAPI_VERSIONS = ['1.0.3', '2.0.0'] as const;

/** Builds a query string the way xAPI clients do (the agent parameter as JSON text). */
export function qs(params: Record<string, unknown>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return u.toString();
}

export interface XapiCall {
  query?: Record<string, unknown>;
  /** An object or array is sent as application/json; a string or Buffer as is, with `contentType`. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  client?: string;
}

/** One xAPI request as a client library sends it: HTTP Basic, the version header, the query, the body. */
export function xapiClient(app: App, version: string) {
  return (method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE', url: string, c: XapiCall = {}) => {
    const raw = typeof c.body === 'string' || Buffer.isBuffer(c.body);
    const headers: Record<string, string> = { authorization: basic(c.client ?? 'all'), 'x-experience-api-version': version, ...c.headers };
    if (c.body !== undefined) headers['content-type'] = c.contentType ?? (raw ? 'application/octet-stream' : 'application/json');
    const payload = c.body === undefined ? undefined : raw ? (c.body as string | Buffer) : JSON.stringify(c.body);
    return app.inject({ method, url: c.query ? `${url}?${qs(c.query)}` : url, headers, ...(payload !== undefined ? { payload } : {}) });
  };
}
