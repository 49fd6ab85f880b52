import { Type } from '@sinclair/typebox';
import type { Database } from '../db/index.js';
import type { App } from './http-app.js';
import type { Metrics } from './metrics.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]), kind: Type.String(), error: Type.Optional(Type.String()) }),
  did: Type.String(),
  uptimeSeconds: Type.Number(),
});

/** Liveness with a database round trip, and Prometheus metrics. Both are public: they reveal no data. */
export function systemRoutes(deps: { database: Database; metrics: Metrics; did: string }) {
  return async (app: App) => {
    app.get(
      '/health',
      { config: { auth: 'public' }, schema: { tags: ['system'], summary: 'Liveness and database check', response: { 200: Health, 503: Health } } },
      async (_req, reply) => {
        let database: { status: 'ok' | 'failed'; kind: string; error?: string } = { status: 'ok', kind: deps.database.kind };
        try {
          await deps.database.ping();
        } catch (e) {
          database = { status: 'failed', kind: deps.database.kind, error: (e as Error).message };
        }
        const body = { status: database.status === 'ok' ? ('ok' as const) : ('degraded' as const), database, did: deps.did, uptimeSeconds: Math.round(process.uptime()) };
        return reply.code(database.status === 'ok' ? 200 : 503).send(body);
      },
    );
    app.get('/metrics', { config: { auth: 'public' }, schema: { tags: ['system'], summary: 'Prometheus metrics', hide: false } }, async (_req, reply) => {
      reply.type(deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
}
