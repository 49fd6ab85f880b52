import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import { parseXapiVersion, XAPI_VERSION_HEADER } from './xapi-version.js';

/**
 * What every /xapi answer carries, whatever produced it (authentication failure, validation, handler):
 * the version header (xAPI 1.0.3 Communication §3.3: every response), negotiated from the request when it can be,
 * and on GET statements the consistency header (XAPI-00153).
 */
export function xapiHeaders(now: () => Date) {
  return async (app: App) => {
    app.addHook('onSend', async (req, reply, payload) => {
      if (!req.url.startsWith('/xapi')) return payload;
      if (!reply.hasHeader(XAPI_VERSION_HEADER)) {
        const raw = req.headers['x-experience-api-version'];
        reply.header(XAPI_VERSION_HEADER, parseXapiVersion(Array.isArray(raw) ? raw[0] : raw) ?? '2.0.0');
      }
      if (req.url.startsWith('/xapi/statements') && (req.method === 'GET' || req.method === 'HEAD') && !reply.hasHeader('X-Experience-API-Consistent-Through')) {
        reply.header('X-Experience-API-Consistent-Through', now().toISOString());
      }
      return payload;
    });
  };
}

const About = Type.Object({ version: Type.Array(Type.String()), extensions: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });

/**
 * GET /xapi/about (xAPI 1.0.3 Communication §2.8): public, needs no version header (XAPI-00315..00321). A 1.0.x
 * client is shown only 1.0.x versions: XAPI-00316 allows nothing else in the list it reads.
 */
export function aboutRoutes(node: { did: string; publicUrl: string }) {
  return async (app: App) => {
    app.get('/xapi/about', { config: { auth: 'public' }, schema: { tags: ['xAPI About'], summary: 'The xAPI versions this LRS serves', response: { 200: About } } }, async (req, reply) => {
      const raw = req.headers['x-experience-api-version'];
      const asked = parseXapiVersion(Array.isArray(raw) ? raw[0] : raw) ?? '2.0.0';
      reply.header(XAPI_VERSION_HEADER, asked);
      const versions = ['1.0.0', '1.0.1', '1.0.2', '1.0.3', ...(asked === '2.0.0' ? ['2.0.0'] : [])];
      return { version: versions, extensions: { 'https://w3id.org/dases/ns#node': node.did } };
    });
  };
}
