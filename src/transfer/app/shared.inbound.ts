import { advance, type Transfer } from '../domain/transfer.js';
import { reasonText } from '../domain/transfer.wire.js';
import { receiveStart } from './consumer.inbound.js';
import { adopt, receive, type Ack, type Received } from './inbound.common.js';
import { receiveResumption } from './provider.inbound.js';
import { inbound, must, receiptOf, type TransferContext } from './transfer.context.js';
import { notFound } from './transfer.problem.js';

/** Endpoints both roles share under one path: our pid says which transfer, and the machine judges the sender. */

const codeOf = (body: Record<string, unknown>) => (typeof body.code === 'string' ? body.code : undefined);

/** POST /transfers/:pid/start: a provider's start reaches a consumer, a consumer's resumption a provider. */
export async function receiveStartMessage(ctx: TransferContext, m: Received): Promise<Ack> {
  const t = m.pid === undefined ? undefined : await ctx.store.get(m.pid);
  return t?.role === 'provider' ? receiveResumption(ctx, m, t) : receiveStart(ctx, m, t);
}

/** POST /transfers/:pid/suspension, from either party: running streams stop until a start. */
export function receiveSuspension(ctx: TransferContext, m: Received): Promise<Ack> {
  return receive(ctx, m, (t) => {
    if (t.state === 'SUSPENDED') return undefined;
    const reason = reasonText(m.body.reason);
    const next = must(advance(t, 'suspension', inbound(ctx, reason), adopt(t, m.body)), t, 'message');
    return { next, after: () => ctx.dataPlane.abort(t.id, reason ?? 'suspended by the counterparty') };
  });
}

/** POST /transfers/:pid/termination, from either party; a second one (crossing ours) changes nothing. */
export function receiveTermination(ctx: TransferContext, m: Received): Promise<Ack> {
  return receive(ctx, m, (t) => {
    if (t.state === 'TERMINATED') return undefined;
    const reason = reasonText(m.body.reason);
    const next = must(advance(t, 'termination', inbound(ctx), { ...adopt(t, m.body), terminationCode: codeOf(m.body), terminationReason: reason, job: undefined }), t, 'message');
    return { next, after: () => ctx.dataPlane.abort(t.id, reason ?? 'terminated by the counterparty') };
  });
}

/**
 * POST /transfers/:pid/completion, from either party. Both completions may cross: one for a completed transfer is
 * acknowledged and changes nothing. A consumer whose node is still reading a pull stays STARTED until its own
 * delivery ends: nothing half-delivered is reported complete. A consumer whose systems pulled
 * directly tells the receipts context that the node measured nothing.
 */
export function receiveCompletion(ctx: TransferContext, m: Received): Promise<Ack> {
  return receive(ctx, m, async (t) => {
    if (t.state === 'COMPLETED') return undefined;
    // Our node reads a pull itself (into a destination, or streamed to a one-call caller) and has not finished.
    if (t.role === 'consumer' && t.state === 'STARTED' && t.delivery === 'node' && t.format === 'HttpData-PULL' && t.sha256 === undefined) return undefined;
    const next = must(advance(t, 'completion', inbound(ctx), adopt(t, m.body)), t, 'message');
    if (next.role === 'provider') return { next, record: receiptOf(ctx, next) };
    const direct = next.delivery === 'direct';
    return { next, ...(direct ? { after: (c: Transfer) => void ctx.receipts.consumerMeasured(c.id, null).catch((e: unknown) => ctx.logger.warn({ err: e, transfer: c.id }, 'receipt not told')) } : {}) };
  });
}

/** GET /transfers/:pid: only the counterparty of the transfer sees it. */
export async function transferFor(ctx: TransferContext, caller: string, pid: string): Promise<Transfer> {
  const t = await ctx.store.get(pid);
  if (!t || t.counterpartyDid !== caller) throw notFound(pid);
  return t;
}
