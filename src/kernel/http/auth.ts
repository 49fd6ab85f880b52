import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { SESSION_COOKIE, type LrsScope, type Principal, type RouteAuth, type Scope } from '../principal.js';

/** Implemented by the identity context: turns presented credentials into a principal, or throws an AppError. */
export interface Authenticator {
  operator(apiKey: string): Promise<Extract<Principal, { kind: 'operator' }>>;
  participant(bearerToken: string): Promise<Extract<Principal, { kind: 'participant' }>>;
  /** xAPI client credentials from `Authorization: Basic` (absent: LRS routes answer 401). */
  lrsClient?(key: string, secret: string): Promise<Extract<Principal, { kind: 'lrs-client' }>>;
  /** A person's session token (only on nodes with people accounts; absent: person routes answer 401). */
  person?(sessionToken: string): Promise<Extract<Principal, { kind: 'person' }>>;
}

const SCHEME: Record<string, string> = { dsp: 'nodeToken', transfer: 'transferToken', person: 'personSession' };

/** The value of one cookie in a Cookie header (no dependency for one name; values are our own base64url tokens). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** xAPI clients authenticate with HTTP Basic (xAPI 1.0.3 §6.4 / 2.0 §4.1.6); the route's scope must be held. */
async function lrsClient(request: FastifyRequest, needed: LrsScope | readonly LrsScope[], a: Authenticator): Promise<Principal> {
  const header = request.headers.authorization;
  const missing = () => new AppError('DS_AUTH_MISSING_CREDENTIALS', 'Authorization: Basic <key:secret of an LRS client> is required', [{ path: '/headers/authorization', message: 'missing' }]);
  if (!header) throw missing();
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new AppError('DS_AUTH_INVALID_TOKEN', 'Authorization must be "Basic base64(key:secret)"', [{ path: '/headers/authorization', message: 'not HTTP Basic credentials' }]);
  if (!a.lrsClient) throw new AppError('DS_AUTH_INVALID_TOKEN', 'this node has no LRS clients', [{ path: '/headers/authorization', message: 'no LRS here' }]);
  const client = await a.lrsClient(decoded.slice(0, colon), decoded.slice(colon + 1));
  const accepted = ([] as LrsScope[]).concat(needed);
  if (!client.scopes.includes('all') && !accepted.some((s) => client.scopes.includes(s))) {
    const names = accepted.join('" or "');
    throw new AppError('DS_AUTH_INSUFFICIENT_SCOPE', `this resource needs the "${names}" scope`, [{ path: '/headers/authorization', message: `lacks scope ${accepted.join(' or ')}` }]);
  }
  return client;
}

function bearer(request: FastifyRequest, what: string): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m?.[1]) throw new AppError('DS_AUTH_INVALID_TOKEN', `Authorization must be "Bearer <${what}>"`, [{ path: '/headers/authorization', message: 'not a bearer token' }]);
  return m[1];
}

/** The calling participant's DID on a route that admits participants (its auth guarantees one; this narrows the type). */
export function participantDidOf(p: Principal): string {
  if (p.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
  return p.did;
}

/** The signed-in person on a `person` route (its auth guarantees one; this narrows the type). */
export function personIdOf(p: Principal): string {
  if (p.kind !== 'person') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
  return p.personId;
}

/** Routes registered by plugins we do not write (the OpenAPI UI) are public by prefix, declared here only. */
export const PUBLIC_PREFIXES = ['/docs'];

const SCOPE_RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };
const allows = (held: Scope[], needed: Scope) => held.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[needed]);

/**
 * Installs authentication: every route must declare `config.auth` (startup fails otherwise), and each request
 * is checked against it before validation or handlers run.
 */
export interface RouteEntry {
  method: string;
  url: string;
  auth: RouteAuth;
}

export function installAuth(app: FastifyInstance, authenticator: Authenticator): RouteEntry[] {
  const table: RouteEntry[] = [];
  app.decorateRequest('principal', null as never);
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    let auth = route.config?.auth;
    if (!auth && PUBLIC_PREFIXES.some((p) => route.url.startsWith(p))) {
      auth = 'public';
      route.config = { ...(route.config ?? {}), auth };
    }
    if (!auth) throw new Error(`route ${methods.join(',')} ${route.url} declares no config.auth`);
    // The OpenAPI document states what each operation demands, from the same declaration.
    const security = typeof auth === 'string' ? [{ [SCHEME[auth] ?? 'apiKey']: [] }] : 'lrs' in auth ? [{ lrsBasic: [] }] : auth.participants ? [{ apiKey: [] }, { nodeToken: [] }] : [{ apiKey: [] }];
    if (auth !== 'public' && auth !== 'forward') route.schema = { ...(route.schema ?? {}), security } as typeof route.schema;
    for (const method of methods) if (method !== 'HEAD') table.push({ method, url: route.url, auth });
  });
  app.addHook('onRequest', async (request) => {
    request.principal = { kind: 'anonymous' };
    const auth = request.routeOptions.config.auth;
    if (!auth) {
      // Only the not-found handler has no declared auth; it reveals nothing.
      return;
    }
    request.principal = await authenticate(request, auth, authenticator);
  });
  return table;
}

async function authenticate(request: FastifyRequest, auth: RouteAuth, a: Authenticator): Promise<Principal> {
  // A forwarding route reads nothing itself: the request it unwraps is authenticated by the route it reaches.
  if (auth === 'public' || auth === 'forward') return { kind: 'anonymous' };
  if (auth === 'transfer') {
    // The data plane verifies the token itself (it alone knows transfers); nobody gets past here without one.
    const header = request.headers.authorization;
    if (!header) throw new AppError('DS_AUTH_MISSING_CREDENTIALS', 'Authorization: Bearer <transfer token> is required', [{ path: '/headers/authorization', message: 'missing' }]);
    if (!/^Bearer\s+\S+$/i.test(header)) throw new AppError('DS_AUTH_INVALID_TOKEN', 'Authorization must be "Bearer <token>"', [{ path: '/headers/authorization', message: 'not a bearer token' }]);
    return { kind: 'anonymous' };
  }
  if (auth === 'dsp') {
    const token = bearer(request, 'token');
    if (!token) throw new AppError('DS_AUTH_MISSING_CREDENTIALS', 'Authorization: Bearer <token> is required', [{ path: '/headers/authorization', message: 'missing' }]);
    return a.participant(token);
  }
  if (auth === 'person') {
    // A bearer token wins over the cookie: an API client states who it is explicitly.
    const token = bearer(request, 'session token') ?? cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (!token) throw new AppError('DS_AUTH_MISSING_CREDENTIALS', 'sign in first: a session cookie or Authorization: Bearer <session token> is required', [{ path: '/headers/authorization', message: 'missing' }]);
    if (!a.person) throw new AppError('DS_AUTH_INVALID_TOKEN', 'this node has no people accounts', [{ path: '/headers/authorization', message: 'no sessions here' }]);
    return a.person(token);
  }
  if ('lrs' in auth) return lrsClient(request, auth.lrs, a);
  const key = request.headers['x-api-key'];
  if (auth.participants && (typeof key !== 'string' || key === '')) {
    const token = bearer(request, 'node token');
    if (token) return a.participant(token);
  }
  if (typeof key !== 'string' || key === '') throw new AppError('DS_AUTH_MISSING_CREDENTIALS', 'X-Api-Key header is required', [{ path: '/headers/x-api-key', message: 'missing' }]);
  const operator = await a.operator(key);
  if (!allows(operator.scopes, auth.management)) {
    throw new AppError('DS_AUTH_INSUFFICIENT_SCOPE', `this route needs the "${auth.management}" scope`, [{ path: '/headers/x-api-key', message: `lacks scope ${auth.management}` }]);
  }
  return operator;
}
