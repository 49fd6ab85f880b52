import type { Kysely } from 'kysely';
import { leasedJob, type DB } from '../../../db/index.js';
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

  const job = leasedJob({ ...deps, name: WITNESS_LEASE, firstDelayMs: 2000, run: witnessAll });
  return { witnessAll, start: job.start, stop: job.stop, tick: job.tick };
}
