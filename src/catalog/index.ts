import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import type { CatalogAudit } from './app/catalog-audit.js';
import { CatalogService } from './app/catalog.service.js';
import type { OfferedDataset, OfferedPage, OfferedQuery } from './app/catalog.store.js';
import { SqlCatalogStore } from './adapters/sql-catalog.store.js';
import { toTurtle } from './adapters/turtle.writer.js';
import { offeringRoutes } from './http/offerings.routes.js';
import { resourceRoutes } from './http/resources.routes.js';
import { searchRoutes } from './http/search.routes.js';

export type { CatalogResource, Dataset, DatasetView, Distribution, DistributionSource, PersonalDataDescription, ResourceKind, TemporalCoverage } from './domain/catalog-resource.js';
export type { LanguageMap } from './domain/language-map.js';
export type { Offering, Pricing } from './domain/offering.js';
export type { OfferedDataset, OfferedPage, OfferedQuery } from './app/catalog.store.js';
export { DCAT_CONTEXT, DASES_NS } from './domain/dcat.mapper.js';
export type { CatalogAudit, CatalogAuditEvent, CatalogEventType } from './app/catalog-audit.js';

/**
 * What the Dataspace Protocol catalog reads: only datasets bundled by at least one offering, oldest first.
 * Pages carry no total: `nextCursor` (opaque) continues the listing; a cursor this node did not issue is refused
 * as DS_HTTP_VALIDATION at /querystring/cursor.
 */
export interface CatalogReader {
  listOfferedDatasets(q: OfferedQuery): Promise<OfferedPage>;
  getOfferedDataset(id: string): Promise<OfferedDataset | undefined>;
}

export interface CatalogDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; name: string; publicUrl: string };
  /** Records every catalog change in the change's own transaction (the node wires the transparency log). */
  audit?: CatalogAudit;
}

export function createCatalog(deps: CatalogDeps): { routes: (app: App) => Promise<void>; reader: CatalogReader } {
  const store = new SqlCatalogStore(deps.db);
  const service = new CatalogService({ store, clock: deps.clock, ids: deps.ids, node: deps.node, toTurtle, ...(deps.audit ? { audit: deps.audit } : {}) });
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const reader: CatalogReader = {
    listOfferedDatasets: (q: OfferedQuery) => store.listOfferedDatasets(q),
    // A DSP peer may ask for any string; only UUIDs can be ours, and the database would refuse the rest.
    getOfferedDataset: async (id) => (UUID.test(id) ? store.getOfferedDataset(id.toLowerCase()) : undefined),
  };
  return {
    reader,
    routes: async (app: App) => {
      await app.register(resourceRoutes(service));
      await app.register(offeringRoutes(service));
      await app.register(searchRoutes(service));
    },
  };
}
