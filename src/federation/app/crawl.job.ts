import type { Kysely } from 'kysely';
import { withLease, type DB } from '../../db/index.js';
import type { Clock, Logger } from '../../kernel/index.js';

export const CRAWL_LEASE = 'federation.crawl';

/**
 * Runs `crawl` every `intervalSeconds` in the one process (of those sharing the database) that wins the lease.
 * The lease lasts one interval, so another process takes over when this one stops renewing it.
 */
export function crawlJob(deps: { db: Kysely<DB>; clock: Clock; logger: Logger; holder: string; intervalSeconds: number; crawl: () => Promise<unknown> }) {
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running = false;
  const ms = deps.intervalSeconds * 1000;

  async function tick(): Promise<void> {
    if (running) return;
    running = true;
    try {
      if (await withLease(deps.db, CRAWL_LEASE, deps.holder, deps.clock.now(), ms)) await deps.crawl();
    } catch (e) {
      deps.logger.warn({ err: e }, 'federated catalog crawl job failed');
    } finally {
      running = false;
    }
  }

  return {
    start() {
      if (ms <= 0 || timer) return;
      // First crawl soon after start-up, then on the interval; neither timer keeps the process alive.
      first = setTimeout(() => void tick(), 1000);
      first.unref();
      timer = setInterval(() => void tick(), ms);
      timer.unref();
    },
    stop() {
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
      first = timer = undefined;
    },
    tick,
  };
}
