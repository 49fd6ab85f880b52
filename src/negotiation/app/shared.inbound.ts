import { advance, type Negotiation } from '../domain/negotiation.js';
import { receiveFinalized } from './consumer.inbound.js';
import { adopt, receive, type Ack, type Received } from './inbound.common.js';
import { must, type NegotiationContext } from './negotiation.moves.js';
import { notFound } from './negotiation.problem.js';
import { receiveAccepted } from './provider.inbound.js';

/** Endpoints both roles share under one path: our pid says which negotiation, and the machine judges the sender. */

/** POST /negotiations/:pid/termination, from either party. */
export function receiveTermination(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const code = typeof m.body.code === 'string' ? m.body.code : undefined;
      const reason = reasonText(m.body.reason);
      return { next: must(advance(n, 'termination', { at: ctx.clock.now(), direction: 'in', digest }, { ...adopt(n, m.body), terminationCode: code, terminationReason: reason }), n, 'message') };
    },
    'TERMINATED',
  );
}

/** POST /negotiations/:pid/events: ACCEPTED goes to a provider, FINALIZED to a consumer; the other way is refused. */
export function receiveEvent(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return m.body.eventType === 'ACCEPTED' ? receiveAccepted(ctx, m) : receiveFinalized(ctx, m);
}

/** GET /negotiations/:pid: only the counterparty of the negotiation sees it. */
export async function negotiationFor(ctx: NegotiationContext, caller: string, pid: string): Promise<Negotiation> {
  const n = await ctx.store.get(pid);
  if (!n || n.counterpartyDid !== caller) throw notFound(pid);
  return n;
}

/** The DSP reason array as one readable text (its items are implementation-specific objects). */
function reasonText(reason: unknown): string | undefined {
  if (!Array.isArray(reason) || reason.length === 0) return undefined;
  return reason
    .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
    .join('; ')
    .slice(0, 2000);
}
