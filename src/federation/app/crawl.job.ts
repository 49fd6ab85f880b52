import type { Kysely } from 'kysely';
import { leasedJob, type DB, type LeasedJob } from '../../db/index.js';
import type { Clock, Logger } from '../../kernel/index.js';

export const CRAWL_LEASE = 'federation.crawl';

/**
 * Runs `crawl` every `intervalSeconds` in the one process (of those sharing the database) that wins the lease.
 * The lease lasts one interval, so another process takes over when this one stops renewing it.
 */
export function crawlJob(deps: { db: Kysely<DB>; clock: Clock; logger: Logger; holder: string; intervalSeconds: number; crawl: () => Promise<unknown> }): LeasedJob {
  return leasedJob({ ...deps, name: CRAWL_LEASE, firstDelayMs: 1000, run: deps.crawl });
}
