import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';

const METHODS = 'GET, HEAD, PUT, POST, DELETE';
/** What xAPI clients send (xAPI 1.0.3 Communication §1.2) and what they must be able to read back. */
const REQUEST_HEADERS = 'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match';
const RESPONSE_HEADERS = 'ETag, Last-Modified, Content-Type, X-Experience-API-Version, X-Experience-API-Consistent-Through';

/**
 * Cross-origin access to the LRS (Fetch standard CORS), for learning content served from another origin than the
 * node (cmi5 packages on a content server, an LMS's player) that records statements from the learner's browser.
 * `origins` lists the allowed origins, '*' for any, 'none' (or nothing) for none: xAPI clients put their
 * credentials in the Authorization header, never in cookies, so a page on another origin gains nothing it was not
 * given. Only /xapi is concerned: the management and protocol APIs send no CORS headers at all.
 */
export function corsRoutes(origins: readonly string[]) {
  const any = origins.includes('*');
  const allowed = new Set(origins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const allow = (origin: string | undefined): string | undefined => {
    if (!origin) return undefined;
    if (any) return '*';
    return allowed.has(origin.toLowerCase()) ? origin : undefined;
  };
  const decorate = (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/xapi')) return;
    const origin = allow(req.headers.origin);
    // The answer depends on the Origin header whenever the list is not "any": caches must key on it.
    if (!any) reply.header('Vary', 'Origin');
    if (origin) reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Expose-Headers', RESPONSE_HEADERS);
  };

  return async (app: App) => {
    if (origins.length === 0 || origins.includes('none')) return;
    // onSend: it runs for every answer, refusals included (authentication fails in an earlier onRequest hook),
    // so the page can read why it was refused.
    app.addHook('onSend', async (req, reply, payload) => {
      decorate(req, reply);
      return payload;
    });
    app.options('/xapi/*', {
      config: { auth: 'public' },
      schema: { tags: ['xAPI CORS'], summary: 'CORS preflight for browser-hosted xAPI clients', response: { 204: Type.Null() } },
    }, async (req, reply) => {
      if (allow(req.headers.origin)) {
        reply.header('Access-Control-Allow-Methods', METHODS).header('Access-Control-Allow-Headers', REQUEST_HEADERS).header('Access-Control-Max-Age', '600');
      }
      return reply.code(204).send(null);
    });
  };
}
