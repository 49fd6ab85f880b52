import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import { AppError } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { createSqlStatementStore } from './adapters/sql-statement.store.js';
import { createLrsClients, type LrsClientPrincipal, type LrsClientView } from './app/lrs-clients.js';
import { alternateSyntaxRoutes } from './http/alternate-syntax.routes.js';
import { corsRoutes } from './http/cors.routes.js';
import { createStatementsService } from './app/statements.service.js';
import { parseStatementGet, type StatementFilter } from './domain/statement-query.js';
import type { Statement } from './domain/statement.prepare.js';
import { documentRoutes, recordActivityDefinitions } from './http/documents.routes.js';
import { lrsClientsRoutes } from './http/lrs-clients.routes.js';
import { aboutRoutes, xapiHeaders } from './http/lrs.routes.js';
import { statementsRoutes } from './http/statements.routes.js';

export type { LrsClientPrincipal, LrsClientView } from './app/lrs-clients.js';
export type { StatementFilter } from './domain/statement-query.js';
export type { Statement } from './domain/statement.prepare.js';
export type { XapiVersion } from './http/xapi-version.js';
export { xapiVersion, parseXapiVersion } from './http/xapi-version.js';
export { validateStatement } from './domain/statement.validator.js';
export { validateActor, ifiKey, actorKeys, type Actor, type Agent, type Group } from './domain/agent.js';

export interface LrsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  /** Origins allowed to call /xapi from a browser ('*': any; none: no CORS). Default: any. */
  corsOrigins?: readonly string[];
}

export interface Lrs {
  /** Every /xapi route (statements, documents, activities, agents, about) and /api/v1/lrs/clients. */
  routes(app: App): Promise<void>;
  /** HTTP Basic credentials of an xAPI client → principal; throws AppError DS_LRS_INVALID_CREDENTIALS (401). */
  authenticate(key: string, secret: string): Promise<LrsClientPrincipal>;
  /** Every statement matching the filter (not voided), by stored then id: ascending when `filter.ascending`. */
  query(filter: StatementFilter, opts?: { pageSize?: number }): AsyncIterable<Statement>;
  /** The operator's client management, for the CLI (`dases lrs clients`). */
  clients: {
    create(input: { name: string; scopes: LrsClientPrincipal['scopes'] }): Promise<LrsClientView & { secret: string }>;
    list(): Promise<LrsClientView[]>;
    remove(id: string): Promise<void>;
  };
}

/**
 * A statements filter from query parameters as GET /xapi/statements takes them (agent as JSON, verb, activity,
 * registration, related_agents, related_activities, since, until, ascending): for an LRS query offered as a
 * dataset. Throws DS_LRS_INVALID_QUERY naming `/query/<param>`; id, paging and format parameters are refused.
 */
export function statementFilterFromParams(params: Record<string, string>): StatementFilter {
  const parsed = parseStatementGet(params, '2.0.0');
  if ('errors' in parsed) throw new AppError('DS_LRS_INVALID_QUERY', parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '), parsed.errors);
  const p = parsed.ok;
  const extra = Object.keys(params).filter((k) => ['statementId', 'voidedStatementId', 'more', 'limit', 'format', 'attachments'].includes(k));
  if (p.kind !== 'query' || extra.length) throw new AppError('DS_LRS_INVALID_QUERY', 'a statements filter takes no id, paging or format parameter', extra.map((k) => ({ path: `/query/${k}`, message: 'not a filter' })));
  return p.query.filter;
}

/** The Learning Record Store of this node (xAPI 1.0.3 and 2.0.0), mounted under /xapi. */
export function createLrs(deps: LrsDeps): Lrs {
  const store = createSqlStatementStore(deps.db);
  const service = createStatementsService({ db: deps.db, clock: deps.clock, ids: deps.ids, store, recordActivityDefinitions: (tx, activities) => recordActivityDefinitions(tx, activities as Array<{ id: string }>, deps.clock.now()) });
  const clients = createLrsClients(deps);
  return {
    async routes(app: App) {
      await app.register(async (lrs: App) => {
        await corsRoutes(deps.corsOrigins ?? ['*'])(lrs);
        await xapiHeaders(() => service.consistentThrough())(lrs);
        await lrs.register(statementsRoutes({ service, home: deps.node.publicUrl }));
        await lrs.register(documentRoutes({ db: deps.db, clock: deps.clock, ids: deps.ids, logger: deps.logger }));
        await lrs.register(aboutRoutes(deps.node));
        await lrs.register(alternateSyntaxRoutes());
        await lrs.register(lrsClientsRoutes(clients));
      });
    },
    authenticate: (key, secret) => clients.authenticate(key, secret),
    query: (filter, opts) => service.query(filter, opts),
    clients,
  };
}
