import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { ApiKeys } from '../app/api-keys.js';

const ScopeSchema = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);
const KeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
  scopes: Type.Array(ScopeSchema),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
});
const Created = Type.Object({ id: Type.String(), name: Type.String(), scopes: Type.Array(ScopeSchema), key: Type.String({ description: 'Shown only in this answer' }), createdAt: Type.String({ format: 'date-time' }) });

/** Operator API keys: admin only. A key's secret is returned once, at creation. */
export function apiKeyRoutes(keys: ApiKeys) {
  return async (app: App) => {
    app.post(
      '/api/v1/keys',
      {
        config: { auth: { management: 'admin' } },
        schema: {
          tags: ['identity'],
          summary: 'Create an operator API key',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3 }) }, { additionalProperties: false }),
          response: { 201: Created },
        },
      },
      async (req, reply) => {
        const k = await keys.create(req.body.name, req.body.scopes);
        return reply.code(201).send({ id: k.id, name: k.name, scopes: k.scopes, key: k.key, createdAt: k.createdAt.toISOString() });
      },
    );
    app.get('/api/v1/keys', { config: { auth: { management: 'admin' } }, schema: { tags: ['identity'], summary: 'List operator API keys (no secrets)', response: { 200: Type.Object({ items: Type.Array(KeyView) }) } } }, async () => ({
      items: (await keys.list()).map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, createdAt: k.createdAt.toISOString(), ...(k.revokedAt ? { revokedAt: k.revokedAt.toISOString() } : {}) })),
    }));
    app.delete(
      '/api/v1/keys/:id',
      { config: { auth: { management: 'admin' } }, schema: { tags: ['identity'], summary: 'Revoke an operator API key, effective immediately', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null() } } },
      async (req, reply) => {
        await keys.revoke(req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
