import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import { DSPACE_CONTEXT } from '../domain/dspace-2025-1.context.js';
import { ODRL_PROFILE_CONTEXT } from '../domain/odrl-profile-2025-1.context.js';

/** Where this node publishes its copies of the DSP 2025-1 contexts (the canonical names stay the w3id.org URLs). */
export const CONTEXT_ROUTES = {
  dspace: '/contexts/dspace/2025/1/context.jsonld',
  odrlProfile: '/contexts/dspace/2025/1/odrl-profile.jsonld',
} as const;

// A versioned context never changes, so caches may keep it for a year without revalidating.
const CACHE_CONTROL = 'public, max-age=31536000, immutable';
// The body is sent pre-serialized, so the schema only documents it.
const JsonLdContext = Type.Unknown({ description: 'A JSON-LD context document ({"@context": {…}})' });

function serve(app: App, url: string, document: object, summary: string): void {
  // Serialized once: the body and its ETag are the same for every request.
  const body = JSON.stringify(document, null, 2);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  app.get(url, { config: { auth: 'public' }, schema: { tags: ['dsp'], summary, response: { 200: JsonLdContext, 304: Type.Null({ description: 'Not modified (If-None-Match)' }) } } }, async (request, reply) => {
    reply.header('cache-control', CACHE_CONTROL).header('etag', etag).header('access-control-allow-origin', '*');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
    return reply.type('application/ld+json').send(body);
  });
}

/**
 * Public, unauthenticated copies of the JSON-LD contexts our DSP messages use, for counterparties and tools
 * that cannot reach w3id.org. Nothing here is node-specific, so any node serves the same bytes.
 */
export async function contextRoutes(app: App): Promise<void> {
  serve(app, CONTEXT_ROUTES.dspace, DSPACE_CONTEXT, 'The Dataspace Protocol 2025-1 JSON-LD context (https://w3id.org/dspace/2025/1/context.jsonld)');
  serve(app, CONTEXT_ROUTES.odrlProfile, ODRL_PROFILE_CONTEXT, 'The DSP 2025-1 ODRL profile JSON-LD context (https://w3id.org/dspace/2025/1/odrl-profile.jsonld)');
}
