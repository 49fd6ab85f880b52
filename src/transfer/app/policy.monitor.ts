import type { Logger } from '../../kernel/index.js';
import type { Transfer } from '../domain/transfer.js';
import { terminateStep, type TransferContext } from './transfer.context.js';
import type { UsageDenial } from './ports.js';

/**
 * Provider: why a transfer's consent no longer covers it (undefined: it does). The status is what the person's
 * intermediary told us in its signed notices; the expiry is the consent's own, read from its token.
 */
export async function consentLapse(ctx: TransferContext, t: Transfer): Promise<UsageDenial | undefined> {
  if (!t.consent || t.role !== 'provider') return undefined;
  if (!ctx.consent) return { code: 'DS_USAGE_CONSENT_REQUIRED', status: 403, reason: 'this node checks no consents: personal data is not served' };
  const status = await ctx.consent.statusOf(t.consent.id);
  if (status !== 'granted') return { code: 'DS_TRANSFER_CONSENT_STOPPED', status: 403, reason: `the person's consent ${t.consent.id} is ${status ?? 'unknown here'}` };
  if (t.consent.expiresAt && Date.parse(t.consent.expiresAt) <= ctx.clock.now().getTime()) return { code: 'DS_TRANSFER_CONSENT_STOPPED', status: 403, reason: `the person's consent ${t.consent.id} expired at ${t.consent.expiresAt}` };
  return undefined;
}

/** Terminates every transfer not ended that runs under a consent that stopped (withdrawal or expiry noticed). */
export async function stopConsented(ctx: TransferContext, consentId: string): Promise<void> {
  const transfers = await ctx.store.byConsent(consentId);
  await Promise.all(
    transfers.map(async (t) => {
      const lapse = await consentLapse(ctx, t);
      if (!lapse) return;
      ctx.logger.info({ transfer: t.id, consent: consentId }, 'consent stopped: terminating the transfer');
      await ctx.runner.change(t, (c) => (c.state === 'REQUESTED' || c.state === 'STARTED' || c.state === 'SUSPENDED' ? terminateStep(ctx, c, { code: CONSENT_STOPPED, reason: lapse.reason, by: 'auto', actor: 'message' }) : undefined));
    }),
  );
}

export const POLICY_LAPSED = 'dases:policy-lapsed';
export const CONTRACT_REVOKED = 'dases:contract-revoked';
export const CONSENT_STOPPED = 'dases:consent-stopped';

/** The DSP termination code for a usage denial: the contract no longer active, or the policy no longer permitting. */
export const lapseCode = (d: Pick<UsageDenial, 'code'>): string => (/CONSENT/.test(d.code) ? CONSENT_STOPPED : /CONTRACT/.test(d.code) ? CONTRACT_REVOKED : POLICY_LAPSED);

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
        const lapse = await consentLapse(ctx, t);
        const v = lapse ? { ok: false as const, ...lapse } : await ctx.usage.recheck({ agreementId: t.agreementId, consumerDid: t.counterpartyDid, consented: t.consent !== undefined });
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
