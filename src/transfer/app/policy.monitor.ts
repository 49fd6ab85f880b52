import type { Logger } from '../../kernel/index.js';
import { terminateStep, type TransferContext } from './transfer.context.js';
import type { UsageDenial } from './ports.js';

export const POLICY_LAPSED = 'dases:policy-lapsed';
export const CONTRACT_REVOKED = 'dases:contract-revoked';

/** The DSP termination code for a usage denial: the contract no longer active, or the policy no longer permitting. */
export const lapseCode = (d: Pick<UsageDenial, 'code'>): string => (/CONTRACT/.test(d.code) ? CONTRACT_REVOKED : POLICY_LAPSED);

export interface PolicyMonitor {
  start(): void;
  stop(): Promise<void>;
  /** One round now: rechecks every running non-finite provider transfer, terminates the denied ones. */
  tick(): Promise<void>;
}

/**
 * Our own loop over `usage.recheck` (the brief allowed it instead of the usage context's monitor factory, which
 * would have meant importing another context's implementation): every `intervalMs` (default 250) it rechecks the
 * provider transfers of non-finite data in STARTED and terminates a lapsed one with a reason code, tells the
 * consumer and aborts its streams. Finite transfers are checked on every data-plane request instead (the gate).
 * Every process sharing the database runs it; a transfer terminated twice at once is refused by the version check.
 */
export function createPolicyMonitor(ctx: TransferContext, opts: { intervalMs?: number; logger: Logger }): PolicyMonitor {
  const intervalMs = opts.intervalMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function round(): Promise<void> {
    const transfers = await ctx.store.runningNonFinite();
    await Promise.all(
      transfers.map(async (t) => {
        const v = await ctx.usage.recheck({ agreementId: t.agreementId, consumerDid: t.counterpartyDid });
        if (v.ok) return;
        opts.logger.info({ transfer: t.id, code: v.code, reason: v.reason }, 'usage policy lapsed: terminating the transfer');
        await ctx.runner.change(t, (c) => (c.state === 'STARTED' || c.state === 'SUSPENDED' ? terminateStep(ctx, c, { code: lapseCode(v), reason: v.reason, by: 'auto', actor: 'message' }) : undefined));
      }),
    );
  }

  async function tick(): Promise<void> {
    if (running) return running;
    running = round()
      .catch((e: unknown) => opts.logger.warn({ err: e }, 'policy monitor round failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    start() {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    tick,
  };
}
