import { AppError } from '../../kernel/index.js';
import type { Transfer } from '../domain/transfer.js';
import type { Measurement } from '../domain/transfer.types.js';
import { consentLapse, lapseCode } from './policy.monitor.js';
import { providerDelivered, terminateStep, type TransferContext } from './transfer.context.js';
import { denialError } from './transfer.problem.js';
import type { TransferGate } from './ports.js';

/** 409 while requested or suspended, 410 once ended: what a data-plane request meets outside STARTED. */
function mustBeRunning(t: Transfer, allowRequested = false): void {
  if (t.state === 'STARTED' || (allowRequested && t.state === 'REQUESTED')) return;
  if (t.state === 'COMPLETED' || t.state === 'TERMINATED') throw new AppError('DS_TRANSFER_ENDED', `transfer ${t.id} is ${t.state}${t.terminationReason ? `: ${t.terminationReason}` : ''}`);
  throw new AppError('DS_TRANSFER_NOT_STARTED', `transfer ${t.id} is ${t.state}`);
}

/**
 * The policy enforcement point the data plane calls on every request. A pull is served only for a started
 * transfer of ours, to its consumer, while the usage policy still permits it (a denial terminates the transfer).
 */
export function createGate(ctx: TransferContext): TransferGate {
  async function own(id: string, caller: string, role: Transfer['role']): Promise<Transfer> {
    const t = await ctx.store.get(id);
    if (!t || t.role !== role || t.counterpartyDid !== caller) throw new AppError('DS_TRANSFER_FORBIDDEN', `transfer ${id} is not one of ${caller}`);
    return t;
  }

  return {
    async authorizePull(id, caller, agreementId) {
      // The token names the agreement (we signed it): its reads start beside the transfer's, judged once it is read.
      const early = agreementId === undefined ? undefined : ctx.usage.admitTransfer({ agreementId, consumerDid: caller });
      early?.catch(() => undefined);
      const t = await own(id, caller, 'provider');
      mustBeRunning(t);
      if (!t.source) throw new AppError('DS_TRANSFER_ENDED', `transfer ${id} has nothing to stream`);
      const lapse = await consentLapse(ctx, t);
      // Only what was read for this transfer's own agreement counts (an older token names none; any other is ignored).
      const admission = early && agreementId === t.agreementId ? early : ctx.usage.admitTransfer({ agreementId: t.agreementId, consumerDid: caller });
      const verdict = lapse ? { ok: false as const, ...lapse } : await (await admission).check({ consented: t.consent !== undefined });
      if (!verdict.ok) {
        await ctx.runner.change(t, (c) => (c.state === 'STARTED' || c.state === 'SUSPENDED' ? terminateStep(ctx, c, { code: lapseCode(verdict), reason: verdict.reason, by: 'auto', actor: 'message' }) : undefined));
        throw denialError(verdict);
      }
      return { source: t.source, finite: t.finite, ...(t.mediaType ? { mediaType: t.mediaType } : {}) };
    },

    async authorizePush(id, caller) {
      const t = await own(id, caller, 'consumer');
      // The provider may push before our side processed its start message.
      mustBeRunning(t, true);
      if (!t.destination) throw new AppError('DS_TRANSFER_FORBIDDEN', `transfer ${id} receives no push`);
      // A REST sink cannot resume: a second push after one began would deliver twice.
      if (t.destination.type === 'rest' && (await ctx.store.countJobRun(t.id)) > 1) throw new AppError('DS_TRANSFER_ENDED', `transfer ${id} already received a push into a destination that cannot resume`);
      return { destination: t.destination };
    },

    async streamEnded(id, side, m: Measurement) {
      const t = await ctx.store.get(id);
      if (!t || t.role !== side) return;
      if (side === 'provider') {
        // A finite pull served completely completes the transfer; partial streams may resume (Range), APIs run on.
        if (!t.finite || !m.complete || t.format === 'HttpData-PUSH') return;
        await ctx.runner.change(t, (c) => providerDelivered(ctx, c, m));
        return;
      }
      // Consumer: a push arrived completely (recorded once); the provider's completion message completes the transfer.
      if (!m.complete) return;
      await ctx.runner.change(t, (c) => (c.sha256 !== undefined ? undefined : recordPush(c, m)));
    },
  };

  function recordPush(t: Transfer, m: Measurement) {
    const told = () => void ctx.receipts.consumerMeasured(t.id, m).catch((e: unknown) => ctx.logger.warn({ err: e, transfer: t.id }, 'receipt measurement not recorded'));
    return { next: { ...t, bytes: m.bytes, sha256: m.sha256, dataStartedAt: m.startedAt, dataEndedAt: m.endedAt, updatedAt: ctx.clock.now() }, after: told };
  }
}
