import { isTerminal } from '../domain/negotiation.machine.js';
import { validateContractNegotiation } from '../domain/negotiation.messages.js';
import { kindOfBody } from '../domain/negotiation.wire.js';
import { terminateStep, type NegotiationContext } from './negotiation.moves.js';
import type { OutboxMessage, OutboxOutcome } from './ports.js';

export const DELIVERY_FAILED = 'dases:delivery-failed';

/**
 * What happens when the outbox settles one of our messages. Delivered: the answer to an initiating message names
 * the counterparty's process id, which we keep. Refused for good or never delivered: both sides can no longer be
 * in the same state, so the protocol's rule applies and the negotiation is terminated (the counterparty is told
 * when it answered at all, i.e. when it holds the negotiation). A failed termination is ignored, as the spec allows.
 */
export function outcomeHandler(ctx: NegotiationContext) {
  return async (msg: OutboxMessage, outcome: OutboxOutcome): Promise<void> => {
    const kind = kindOfBody(msg.body);
    const id = msg.key;
    if (!id || !kind) return;
    if (outcome.ok) {
      // Only the answer to an initiating message teaches us something: the counterparty's pid (201 ContractNegotiation).
      const initiating = (msg.body as Record<string, unknown>)[kind === 'request' ? 'providerPid' : 'consumerPid'] === undefined;
      if (!initiating || (kind !== 'request' && kind !== 'offer') || validateContractNegotiation(outcome.body).length) return;
      const answer = outcome.body as { providerPid: string; consumerPid: string };
      const [ours, theirs] = kind === 'request' ? [answer.consumerPid, answer.providerPid] : [answer.providerPid, answer.consumerPid];
      if (ours === id && theirs) await ctx.store.adoptCounterpartyPid(id, theirs);
      return;
    }
    const n = await ctx.store.get(id);
    if (!n) return;
    ctx.logger.warn({ negotiation: id, message: kind, status: outcome.status, error: outcome.error }, 'negotiation message not delivered: terminating the negotiation');
    if (kind === 'termination') return;
    // A provider refusing our request may have changed or withdrawn the offer: look it up afresh next time.
    if (kind === 'request' && n.counterpartyPid === undefined) ctx.resolver.forget?.({ counterPartyId: n.counterpartyDid, offerId: n.offerId });
    await ctx.runner.change(n, async (current) => {
      if (isTerminal(current.state)) return undefined;
      const reason = `${kind} message not delivered: ${outcome.error}`.slice(0, 2000);
      const step = terminateStep(ctx, current, { code: DELIVERY_FAILED, reason, by: 'auto', actor: 'message' });
      // Without an answer the counterparty may not even hold the negotiation: nothing to tell it.
      return outcome.status === undefined ? { next: step.next } : step;
    });
  };
}
