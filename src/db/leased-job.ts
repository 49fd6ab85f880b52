import type { Kysely } from 'kysely';
import type { Clock, Logger } from '../kernel/index.js';
import { withLease } from './lease.js';
import type { DB } from './schema.js';

export interface LeasedJob {
  start(): void;
  stop(): void;
  /** One round now, if this process wins the lease and no round is running. */
  tick(): Promise<void>;
}

/**
 * Runs `run` every `intervalSeconds` (0 disables it) in the one process, of those sharing the database, that
 * holds the named lease; the lease lasts one interval, so another process takes over when this one stops
 * renewing it. A first round follows start-up after `firstDelayMs`; neither timer keeps the process alive, and
 * rounds never overlap.
 */
export function leasedJob(deps: {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  name: string;
  holder: string;
  intervalSeconds: number;
  firstDelayMs: number;
  run: () => Promise<unknown>;
}): LeasedJob {
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running = false;
  const ms = deps.intervalSeconds * 1000;

  async function tick(): Promise<void> {
    if (running) return;
    running = true;
    try {
      if (await withLease(deps.db, deps.name, deps.holder, deps.clock.now(), ms)) await deps.run();
    } catch (e) {
      deps.logger.warn({ err: e, job: deps.name }, 'background job failed');
    } finally {
      running = false;
    }
  }

  return {
    start() {
      if (ms <= 0 || timer) return;
      first = setTimeout(() => void tick(), deps.firstDelayMs);
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
