import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { SqlConnectionStore } from '../adapters/sql-connection.store.js';
import type { ConnectionAudit } from '../app/ports.js';
import { splitConnection } from '../domain/connection.js';
import { ConnectionBody, ConnectionList, ConnectionView, NameParams, connectionTags as tags } from './dataplane.schemas.js';

const notFound = (name: string) => new AppError('DS_DATAPLANE_CONNECTION_NOT_FOUND', `no connection named "${name}"`, [{ path: '/params/name', message: 'unknown connection' }]);

/** Named connections of the data plane. Secrets go in, never out: views carry `hasSecret` and header names only. */
export function connectionRoutes(deps: { db: Kysely<DB>; store: SqlConnectionStore; clock: Clock; audit?: ConnectionAudit | undefined }) {
  const { store, clock, audit } = deps;
  return async (app: App) => {
    app.post(
      '/api/v1/connections',
      { config: { auth: { management: 'write' } }, schema: { tags, summary: 'Create or replace a connection (its secret is sealed at rest)', body: ConnectionBody, response: { 200: ConnectionView, 201: ConnectionView } } },
      async (req, reply) => {
        const { settings, secret } = splitConnection(req.body);
        const existed = (await store.get(req.body.name)) !== undefined;
        const view = await deps.db.transaction().execute(async (tx) => {
          const saved = await store.put(req.body.name, settings, secret, clock.now(), tx);
          // What the log shows is the view: never the secret.
          await audit?.record(tx, { type: 'connection.saved', subject: saved.name, payload: { name: saved.name, kind: saved.kind, url: saved.url, headerNames: saved.headerNames ?? [], hasSecret: saved.hasSecret } });
          return saved;
        });
        return reply.code(existed ? 200 : 201).send(view);
      },
    );
    app.get('/api/v1/connections', { config: { auth: { management: 'read' } }, schema: { tags, summary: 'List connections (without secrets)', response: { 200: ConnectionList } } }, async () => ({ items: await store.list() }));
    app.get(
      '/api/v1/connections/:name',
      { config: { auth: { management: 'read' } }, schema: { tags, summary: 'One connection (without its secret)', params: NameParams, response: { 200: ConnectionView } } },
      async (req) => (await store.get(req.params.name)) ?? Promise.reject(notFound(req.params.name)),
    );
    app.delete(
      '/api/v1/connections/:name',
      { config: { auth: { management: 'write' } }, schema: { tags, summary: 'Delete a connection', params: NameParams, response: { 204: Type.Null() } } },
      async (req, reply) => {
        await deps.db.transaction().execute(async (tx) => {
          if (!(await store.delete(req.params.name, tx))) throw notFound(req.params.name);
          await audit?.record(tx, { type: 'connection.deleted', subject: req.params.name, payload: { name: req.params.name } });
        });
        return reply.code(204).send(null);
      },
    );
  };
}
