import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError, type FieldError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { parseXapiVersion, XAPI_VERSION_HEADER } from './xapi-version.js';

/** Every xAPI resource: each accepts the alternate syntax for whichever methods it serves. */
export const XAPI_RESOURCES = ['/xapi/statements', '/xapi/activities/state', '/xapi/activities/profile', '/xapi/agents/profile', '/xapi/activities', '/xapi/agents', '/xapi/about'];

/** Form parameters that stand for request headers (xAPI 1.0.3 Communication §1.3, "Headers"); names are case-insensitive. */
const HEADER_PARAMS = new Set(['authorization', 'x-experience-api-version', 'content-type', 'content-length', 'if-match', 'if-none-match']);
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
const SENDS_CONTENT = new Set(['PUT', 'POST']);
/** Request headers of the outer POST that describe its own body, not the unwrapped request's. */
const OUTER_BODY = new Set(['content-type', 'content-length', 'transfer-encoding', 'content-encoding', 'expect']);
/** Response headers the unwrapped answer does not pass on: the outer response frames its own body. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);
const STRATEGY = 'xapiAlternateSyntax';

const fail = (detail: string, errors: FieldError[]) => new AppError('DS_LRS_ALTERNATE_SYNTAX', detail, errors);

/** True when the query string carries a `method` parameter: the request is in the alternate syntax. */
function hasMethodParameter(url: string | undefined): boolean {
  const q = url?.indexOf('?') ?? -1;
  return q >= 0 && new URLSearchParams(url?.slice(q + 1)).has('method');
}

/**
 * xAPI 1.0.3's alternate request syntax (Communication §1.3), for clients that can only POST a form (old browsers'
 * cross-domain requests) or whose GET query would be too long: `POST <resource>?method=PUT` with a form body
 * holding the header parameters, the query parameters and the content. The request is unwrapped and dispatched
 * to the resource's own route, which authenticates, validates and answers it as if it had come directly. xAPI 2.0
 * removed this syntax: a 2.0 request in it is refused.
 *
 * The routes are POSTs constrained on `?method=`, beside each resource's own routes: a request without the
 * parameter never reaches them, and a GET or PUT carrying it reaches the resource, which refuses the unknown
 * parameter.
 */
export function alternateSyntaxRoutes() {
  return async (app: App) => {
    app.addConstraintStrategy({
      name: STRATEGY,
      storage() {
        const handlers = new Map<string, unknown>();
        return { get: (k: string) => (handlers.get(k) ?? null) as never, set: (k: string, v: unknown) => void handlers.set(k, v) };
      },
      deriveConstraint: (req: { url?: string }) => (hasMethodParameter(req.url) ? 'yes' : undefined) as unknown as string,
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, new URLSearchParams(body as string)));
    for (const url of XAPI_RESOURCES) {
      app.post(url, {
        constraints: { [STRATEGY]: 'yes' },
        config: { auth: 'forward' },
        schema: {
          tags: ['xAPI alternate request syntax'],
          summary: 'xAPI 1.0.3 only: the request in a form (method in the query; headers, parameters and content in the body)',
          querystring: Type.Object({ method: Type.String({ description: 'GET, HEAD, PUT, POST or DELETE' }) }, { additionalProperties: Type.String() }),
          body: Type.Unknown({ description: 'application/x-www-form-urlencoded: Authorization, X-Experience-API-Version, Content-Type, If-Match, If-None-Match, the resource parameters, and content' }),
        },
      }, async (req, reply) => forward(app, url, req, reply));
    }
  };
}

async function forward(app: App, url: string, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = req.query as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(query).filter((k) => k !== 'method').map((k) => ({ path: `/query/${k}`, message: 'goes in the form body: the alternate syntax takes only "method" in the query string' }));
  const method = typeof query.method === 'string' ? query.method.toUpperCase() : '';
  if (!METHODS.has(method)) errors.push({ path: '/query/method', message: 'must be one of GET, HEAD, PUT, POST, DELETE' });
  const form = req.body instanceof URLSearchParams ? req.body : undefined;
  if (!form && req.body !== undefined) errors.push({ path: '/headers/content-type', message: 'must be application/x-www-form-urlencoded' });
  const fields = new Map<string, string>();
  const params = new URLSearchParams();
  let content: string | undefined;
  for (const [name, value] of form ?? []) {
    const lower = name.toLowerCase();
    if (lower === 'content') content = value;
    else if (HEADER_PARAMS.has(lower)) fields.set(lower, value);
    else params.append(name, value);
  }
  if (SENDS_CONTENT.has(method) && content === undefined) errors.push({ path: '/body/content', message: `is required: ${method} sends content` });
  const versionHeader = fields.get('x-experience-api-version') ?? (req.headers['x-experience-api-version'] as string | undefined);
  if (parseXapiVersion(versionHeader) === '2.0.0') {
    reply.header(XAPI_VERSION_HEADER, '2.0.0');
    throw fail('xAPI 2.0 removed the alternate request syntax: send the request itself', [{ path: '/query/method', message: 'not served in xAPI 2.0' }]);
  }
  if (errors.length) throw fail(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !OUTER_BODY.has(name)) headers[name] = value;
  for (const [name, value] of fields) if (name !== 'content-length') headers[name] = value;
  // The content is a UTF-8 string (§1.3: no binary, so no attachments); statements default to JSON.
  if (content !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const inner = await app.inject({ method: method as HTTPMethods, url: params.size ? `${url}?${params}` : url, headers, payload: content, remoteAddress: req.ip });
  reply.code(inner.statusCode);
  for (const [name, value] of Object.entries(inner.headers)) if (value !== undefined && !FRAMING.has(name)) reply.header(name, value);
  return reply.send(method === 'HEAD' ? undefined : inner.rawPayload);
}
