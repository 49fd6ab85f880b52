import { leasedJob } from '../../db/index.js';
import type { ConsentContext } from './consent.context.js';
import type { Lifecycle } from './lifecycle.js';
import type { Party } from './party.js';

export const CONSENT_EXPIRY_LEASE = 'consent.expiry';

/**
 * Every `intervalSeconds`, in the one process holding the lease: the intermediary expires granted consents whose
 * time ran out (receipt, log entry and notices, as any change), and a party marks what it holds as expired (its
 * enforcement point already refuses an expired consent by its date; this stops running transfers too).
 */
export function expiryJob(ctx: ConsentContext, lifecycle: Lifecycle, party: Party, opts: { holder: string; intervalSeconds: number }) {
  async function run(): Promise<{ expired: string[]; partyExpired: string[] }> {
    const expired: string[] = [];
    if (ctx.intermediary) {
      for (const id of await ctx.store.dueForExpiry(ctx.clock.now(), 100)) {
        try {
          await lifecycle.change(id, 'expire');
          expired.push(id);
        } catch (e) {
          ctx.logger.warn({ err: e, consent: id }, 'consent not expired yet (retried on the next round)');
        }
      }
    }
    return { expired, partyExpired: await party.expireDue() };
  }
  const job = leasedJob({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, name: CONSENT_EXPIRY_LEASE, holder: opts.holder, intervalSeconds: opts.intervalSeconds, firstDelayMs: 1000, run });
  return { run, start: job.start, stop: job.stop };
}
