import { isTerminal } from '../domain/transfer.machine.js';
import { validateTransferProcess } from '../domain/transfer.messages.js';
import { kindOfBody, reasonText } from '../domain/transfer.wire.js';
import { terminateStep, type TransferContext } from './transfer.context.js';
import type { OutboxMessage, OutboxOutcome } from './ports.js';

export const DELIVERY_FAILED = 'dases:delivery-failed';

/** The DSP error the counterparty answered with (`HTTP 403: {...}` from the outbox, maybe cut short), as code and reason. */
export function remoteError(error: string): { code?: string; reason?: string } {
  const json = error.replace(/^HTTP \d+: /, '');
  try {
    const b = JSON.parse(json) as { code?: unknown; reason?: unknown; detail?: unknown };
    return { ...(typeof b.code === 'string' ? { code: b.code } : {}), reason: reasonText(b.reason) ?? (typeof b.detail === 'string' ? b.detail : error) };
  } catch {
    // The outbox keeps only the first 500 characters of an error answer: the code comes early, read it anyway.
    const code = /"code":"([^"]{1,200})"/.exec(json)?.[1];
    const detail = /"detail":"((?:[^"\\]|\\.){1,1000})"/.exec(json)?.[1];
    return { ...(code ? { code } : {}), reason: detail ?? error };
  }
}

/**
 * What happens when the outbox settles one of our messages. Delivered: the answer to our request names the
 * provider's pid, which we keep. Refused for good or never delivered: both sides can no longer agree on the
 * state, so the transfer is terminated with the counterparty's reason (a refused request: the provider's
 * TransferError, e.g. a usage denial); failed completions and terminations are left alone (both may cross).
 */
export function outcomeHandler(ctx: TransferContext) {
  return async (msg: OutboxMessage, outcome: OutboxOutcome): Promise<void> => {
    const kind = kindOfBody(msg.body);
    const id = msg.key;
    if (!id || !kind) return;
    if (outcome.ok) {
      if (kind !== 'request' || validateTransferProcess(outcome.body).length) return;
      const answer = outcome.body as { providerPid: string; consumerPid: string };
      if (answer.consumerPid === id && answer.providerPid) await ctx.store.adoptCounterpartyPid(id, answer.providerPid);
      return;
    }
    if (kind === 'termination' || kind === 'completion') return;
    const t = await ctx.store.get(id);
    if (!t) return;
    ctx.logger.warn({ transfer: id, message: kind, status: outcome.status, error: outcome.error }, 'transfer message not delivered: terminating the transfer');
    const remote = outcome.status === undefined ? { reason: `${kind} message not delivered: ${outcome.error}` } : remoteError(outcome.error);
    await ctx.runner.change(t, (current) => {
      if (isTerminal(current.state)) return undefined;
      const code = remote.code ?? DELIVERY_FAILED;
      // A refused request leaves nothing on the provider's side; an unreachable one, nobody to tell.
      const tell = kind !== 'request' && outcome.status !== undefined;
      return terminateStep(ctx, current, { code, reason: remote.reason?.slice(0, 2000), by: 'auto', actor: 'message', tell });
    });
  };
}
