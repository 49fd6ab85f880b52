import type { Kysely } from 'kysely';
import { withLease, type DB } from '../../../db/index.js';
import type { Clock, Logger } from '../../../kernel/index.js';
import type { WitnessDirectory } from './witness.ports.js';

export const WITNESS_LEASE = 'ledger.witness';

export type WitnessRun = Array<{ participant: string; ok: boolean; size?: number; code?: string }>;

/**
 * Witnesses every active participant with a DSP endpoint every `intervalSeconds`, in the one process (of those
 * sharing the database) holding the lease. One participant's failure (or split view) does not stop the others.
 */
export function witnessJob(deps: {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  holder: string;
  intervalSeconds: number;
  participants: WitnessDirectory;
  witness: (did: string) => Promise<{ size: number }>;
}) {
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running = false;
  const ms = deps.intervalSeconds * 1000;

  async function witnessAll(): Promise<WitnessRun> {
    const out: WitnessRun = [];
    for (const p of await deps.participants.listActive()) {
      if (!p.endpoints.dsp) continue;
      try {
        out.push({ participant: p.did, ok: true, size: (await deps.witness(p.did)).size });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        out.push({ participant: p.did, ok: false, ...(typeof code === 'string' ? { code } : {}) });
        deps.logger.warn({ err: e, participant: p.did }, 'witnessing a participant log failed');
      }
    }
    return out;
  }

  async function tick(): Promise<void> {
    if (running) return;
    running = true;
    try {
      if (await withLease(deps.db, WITNESS_LEASE, deps.holder, deps.clock.now(), ms)) await witnessAll();
    } catch (e) {
      deps.logger.warn({ err: e }, 'log witnessing job failed');
    } finally {
      running = false;
    }
  }

  return {
    witnessAll,
    start() {
      if (ms <= 0 || timer) return;
      // A first round soon after start-up, then on the interval; neither timer keeps the process alive.
      first = setTimeout(() => void tick(), 2000);
      first.unref();
      timer = setInterval(() => void tick(), ms);
      timer.unref();
    },
    stop() {
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
      first = timer = undefined;
    },
  };
}
