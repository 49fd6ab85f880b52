import { Type } from '@sinclair/typebox';
import { LRS_SCOPES } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { LrsClients } from '../app/lrs-clients.js';

const tags = ['LRS clients'];
const Scope = Type.Union(LRS_SCOPES.map((s) => Type.Literal(s)));
const ClientView = Type.Object({ id: Type.String(), name: Type.String(), key: Type.String({ description: 'HTTP Basic user name' }), scopes: Type.Array(Scope), createdAt: Type.String({ format: 'date-time' }) });
const Created = Type.Object({ ...ClientView.properties, secret: Type.String({ description: 'HTTP Basic password: shown only in this answer' }) });
const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true }) }, { additionalProperties: false });

/** The operator's management of xAPI clients: `dases lrs clients create` sits on these. */
export function lrsClientsRoutes(clients: LrsClients) {
  return async (app: App) => {
    app.post('/api/v1/lrs/clients', { config: { auth: { management: 'admin' } }, schema: { tags, summary: 'Creates an xAPI client: its key and secret (shown once) for HTTP Basic at /xapi', body: CreateBody, response: { 201: Created } } }, async (req, reply) => {
      reply.code(201);
      return clients.create(req.body);
    });
    app.get('/api/v1/lrs/clients', { config: { auth: { management: 'admin' } }, schema: { tags, summary: 'The xAPI clients (never their secrets)', response: { 200: Type.Array(ClientView) } } }, async () => clients.list());
    app.delete('/api/v1/lrs/clients/:id', { config: { auth: { management: 'admin' } }, schema: { tags, summary: 'Deletes an xAPI client: its credentials stop working at once', params: Type.Object({ id: Type.String() }), response: { 204: Type.Null() } } }, async (req, reply) => {
      await clients.remove(req.params.id);
      return reply.code(204).send(null);
    });
  };
}
