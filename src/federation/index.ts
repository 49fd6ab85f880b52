import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { DspCatalogClient, ParticipantDirectory } from '../dsp/index.js';
import type { Clock, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { SqlFederatedStore } from './adapters/sql-federated.store.js';
import { crawlJob } from './app/crawl.job.js';
import { crawlAll, type CrawlOutcome } from './app/crawler.js';
import { federatedCatalogRoutes } from './http/federated-catalog.routes.js';

export type { CrawlOutcome } from './app/crawler.js';
export { CRAWL_LEASE } from './app/crawl.job.js';

export interface FederationDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  participants: ParticipantDirectory;
  client: DspCatalogClient;
  crawlIntervalSeconds: number;
  holder: string;
}

export interface Federation {
  routes: (app: App) => Promise<void>;
  /** Crawls every active participant with a DSP endpoint now; one outcome per participant. */
  crawl(): Promise<CrawlOutcome[]>;
  /** Starts the periodic crawl (no-op when crawlIntervalSeconds is 0). */
  start(): void;
  stop(): void;
}

/** The federated catalog: datasets crawled from trusted participants' DSP catalogs, searchable locally. */
export function createFederation(deps: FederationDeps): Federation {
  const store = new SqlFederatedStore(deps.db);
  const crawl = () => crawlAll({ store, clock: deps.clock, logger: deps.logger, participants: deps.participants, client: deps.client });
  const job = crawlJob({ db: deps.db, clock: deps.clock, logger: deps.logger, holder: deps.holder, intervalSeconds: deps.crawlIntervalSeconds, crawl });
  return {
    routes: federatedCatalogRoutes({ store, participants: deps.participants, crawl }),
    crawl,
    start: job.start,
    stop: job.stop,
  };
}
