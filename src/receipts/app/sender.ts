import { RECEIPT_TYP, signedBytes, type ReceiptDocument } from '../domain/receipt-document.js';
import { RECEIPT_TOPIC, type ReceiptsContext } from './receipts.context.js';

/** Pauses between looks for a row whose transaction may not have committed yet (ms); the sweep takes over after. */
const LOOKS = [0, 5, 10, 20, 40, 80, 160, 320, 640, 1000, 2000, 4000];

/**
 * Sends this node's signature and log receipt of an exchange once the transaction that decided it committed.
 * Deciding happens inside a transaction (the provider's is TRANSFER's, marking the transfer COMPLETED) where we
 * can neither sign (the node key may be read from the database, which on PGlite waits for that very transaction)
 * nor know the log receipt (the entry's tree head is signed after commit). So the row is marked `outgoing = due`
 * in the transaction, and this step signs, takes the log receipt and enqueues the message in one statement with a
 * compare-and-set on `outgoing`, so that only one round enqueues it. A sweep picks up rows a crash left due.
 */
export function createSender(ctx: ReceiptsContext, opts: { sweepMs: number }) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  /** 'absent': no row yet (not committed, or rolled back). */
  async function send(transferId: string): Promise<'absent' | 'done'> {
    const row = await ctx.store.get(transferId);
    if (!row) return 'absent';
    if (row.outgoing !== 'due' || !row.document || row.own_entry_index === null || !row.counterparty_did) return 'done';
    const doc = row.document as ReceiptDocument;
    const provider = row.role === 'provider';
    const jws = (provider ? row.provider_jws : row.consumer_jws) ?? (await ctx.signer.sign(signedBytes(doc), RECEIPT_TYP));
    const ledgerReceipt = await ctx.ledger.receipt(Number(row.own_entry_index));
    const dsp = provider ? row.counterparty_dsp : (await ctx.participants.get(row.counterparty_did))?.endpoints.dsp;
    if (!dsp) {
      ctx.logger.warn({ transfer: transferId, counterparty: row.counterparty_did }, 'exchange receipt cannot be sent: the counterparty has no DSP endpoint');
      return 'done';
    }
    const patch = provider ? { providerJws: jws, providerLedgerReceipt: ledgerReceipt } : { consumerJws: jws, consumerLedgerReceipt: ledgerReceipt, status: 'countersigned' as const };
    const message = { topic: RECEIPT_TOPIC, url: `${dsp.replace(/\/+$/, '')}/receipts`, audience: row.counterparty_did, body: { signature: jws, ledgerReceipt }, key: `receipt:${transferId}` };
    // One statement: the row marked sent and, only if this round marked it, the message enqueued.
    await ctx.outbox.enqueueWith(ctx.db, ctx.store.markSentStatement(ctx.db, transferId, patch, ctx.clock.now()), [message]);
    return 'done';
  }

  /** Looks for the row with back-off until it appears (its transaction committed) or the sweep's turn comes. */
  function expect(transferId: string): void {
    void (async () => {
      for (const pause of LOOKS) {
        if (stopped) return;
        if (pause > 0) await new Promise((r) => setTimeout(r, pause).unref());
        try {
          if ((await send(transferId)) === 'done') return;
        } catch (e) {
          ctx.logger.warn({ err: e, transfer: transferId }, 'exchange receipt not sent yet (the sweep retries)');
          return;
        }
      }
    })();
  }

  async function sweep(): Promise<void> {
    const ids = await ctx.store.due(new Date(ctx.clock.now().getTime() - 2000), 100);
    for (const id of ids) await send(id).catch((e: unknown) => ctx.logger.warn({ err: e, transfer: id }, 'exchange receipt not sent (retried on the next sweep)'));
  }

  return {
    send,
    expect,
    sweep,
    start() {
      stopped = false;
      if (timer || opts.sweepMs <= 0) return;
      void sweep().catch(() => {});
      timer = setInterval(() => void sweep().catch((e: unknown) => ctx.logger.warn({ err: e }, 'exchange receipt sweep failed')), opts.sweepMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type Sender = ReturnType<typeof createSender>;
