import { EXCHANGE_RECEIPT_SERVICE } from '../../identity/index.js';
import type { ExchangeRow } from '../adapters/sql-exchange-receipt.store.js';
import { RECEIPT_TYP, signedBytes, type ReceiptDocument } from '../domain/receipt-document.js';
import { RECEIPT_TOPIC, type ReceiptsContext } from './receipts.context.js';
import type { NewReceiptMessage } from './receipts.ports.js';

/** Pauses between looks for a row whose transaction may not have committed yet (ms); the sweep takes over after. */
const LOOKS = [5, 10, 20, 40, 80, 160, 320, 640, 1000, 2000, 4000];

export interface SenderOptions {
  /** Milliseconds between sweeps for rows a crash left due (0: none). */
  sweepMs: number;
  /** Milliseconds a receipt waits for others to leave with it (from the first of a batch). */
  batchMs: number;
  /** Receipts per batch at most: a full batch leaves at once. */
  batchMax: number;
  /** Bytes of JSON per message at most (a batch over it leaves in several; one receipt always leaves). */
  batchBytes: number;
}

interface Outgoing {
  row: ExchangeRow;
  jws: string;
  ledgerReceipt: unknown;
}

/**
 * Sends this node's signatures and log receipts of exchanges once the transactions that decided them committed,
 * in batches. Deciding happens inside a transaction (the provider's is TRANSFER's, marking the transfer COMPLETED)
 * where we can neither sign (the node key may be read from the database, which on PGlite waits for that very
 * transaction) nor know the log receipt (the entry's tree head is signed after commit). So the row is marked
 * `outgoing = due` in the transaction and scheduled here. Receipts scheduled within `batchMs` of each other leave
 * together: one read of their rows, one signed tree head for all their log receipts, and per counterparty one
 * `POST /dsp/receipts/batch` (to the endpoint its DID document announces; one `POST /dsp/receipts` per receipt to a
 * node that announces none), enqueued in the statement that marks the rows sent, only while they are still due,
 * so that a row is sent by one round. A sweep picks up rows a crash left due.
 */
export function createSender(ctx: ReceiptsContext, opts: SenderOptions) {
  let sweepTimer: NodeJS.Timeout | undefined;
  let batchTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Scheduled transfer ids and how many looks each already had for its row. */
  const pending = new Map<string, number>();

  /** Schedules a row's message: it leaves with the next batch (its row not there yet: looked for again later). */
  function schedule(transferId: string, looks = 0): void {
    if (stopped) return;
    if (!pending.has(transferId)) pending.set(transferId, looks);
    if (pending.size >= opts.batchMax) {
      if (batchTimer) clearTimeout(batchTimer);
      batchTimer = undefined;
      void flush();
    } else if (!batchTimer) {
      batchTimer = setTimeout(() => {
        batchTimer = undefined;
        void flush();
      }, opts.batchMs);
      batchTimer.unref();
    }
  }

  /** Sends what is scheduled now. */
  async function flush(): Promise<void> {
    const batch = [...pending];
    pending.clear();
    if (batch.length === 0) return;
    try {
      const rows = await ctx.store.getMany(batch.map(([id]) => id));
      const found = new Set(rows.map((r) => r.transfer_id));
      for (const [id, looks] of batch) {
        // No row yet: its transaction has not committed (or rolled back). Looked for again, then left to the sweep.
        if (!found.has(id) && looks < LOOKS.length) setTimeout(() => schedule(id, looks + 1), LOOKS[looks]).unref();
      }
      await send(rows);
    } catch (e) {
      ctx.logger.warn({ err: e, transfers: batch.map(([id]) => id) }, 'exchange receipts not sent yet (the sweep retries)');
    }
  }

  /** Signs, takes the log receipts (one head for all) and enqueues the messages of the rows still due. */
  async function send(rows: readonly ExchangeRow[]): Promise<void> {
    const due = rows.filter((r) => r.outgoing === 'due' && r.document && r.own_entry_index !== null && r.counterparty_did);
    if (due.length === 0) return;
    const ledgerReceipts = await ctx.ledger.receipts(due.map((r) => Number(r.own_entry_index)));
    const outgoing: Outgoing[] = await Promise.all(
      due.map(async (row, i) => ({
        row,
        jws: (row.role === 'provider' ? row.provider_jws : row.consumer_jws) ?? (await ctx.signer.sign(signedBytes(row.document as ReceiptDocument), RECEIPT_TYP)),
        ledgerReceipt: ledgerReceipts[i],
      })),
    );
    const groups = new Map<string, Outgoing[]>();
    for (const o of outgoing) {
      const key = `${o.row.counterparty_did} ${o.row.role === 'provider' ? o.row.counterparty_dsp : ''}`;
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    for (const group of groups.values()) await sendTo(group);
  }

  async function sendTo(group: Outgoing[]): Promise<void> {
    const first = group[0]!.row;
    const did = first.counterparty_did!;
    const batchUrl = await batchEndpoint(did);
    let messages: NewReceiptMessage[];
    if (batchUrl) {
      // Split by count and by size, so that no message outgrows what a node takes (DASES_BODY_LIMIT, 1 MiB by default).
      messages = [];
      let items: unknown[] = [];
      let bytes = 0;
      const push = () => void (items.length && messages.push({ topic: RECEIPT_TOPIC, url: batchUrl, audience: did, body: { receipts: items } }));
      for (const o of group) {
        const item = { signature: o.jws, ledgerReceipt: o.ledgerReceipt };
        const size = JSON.stringify(item).length + 1;
        if (items.length >= opts.batchMax || (items.length > 0 && bytes + size > opts.batchBytes)) {
          push();
          items = [];
          bytes = 0;
        }
        items.push(item);
        bytes += size;
      }
      push();
    } else {
      // Its registered DSP base, else (a provider's row) the callback address its transfer gave.
      const dsp = (await ctx.participants.get(did))?.endpoints.dsp ?? first.counterparty_dsp;
      if (!dsp) {
        ctx.logger.warn({ transfers: group.map((o) => o.row.transfer_id), counterparty: did }, 'exchange receipts cannot be sent: the counterparty has no DSP endpoint');
        return;
      }
      const url = `${dsp.replace(/\/+$/, '')}/receipts`;
      messages = group.map((o) => ({ topic: RECEIPT_TOPIC, url, audience: did, body: { signature: o.jws, ledgerReceipt: o.ledgerReceipt }, key: `receipt:${o.row.transfer_id}` }));
    }
    const sent = group.map((o) => ({ transferId: o.row.transfer_id, jws: o.jws, ledgerReceipt: o.ledgerReceipt }));
    // One statement: the rows marked sent and, if this round marked any, the messages enqueued. A row another
    // round sent meanwhile (another process sharing the database) is sent twice; the receiver answers it as before.
    await ctx.outbox.enqueueWith(ctx.db, ctx.store.markSentManyStatement(ctx.db, sent, ctx.clock.now()), messages);
  }

  /** The batch endpoint the counterparty's DID document announces, if any (resolved through the DID cache). */
  async function batchEndpoint(did: string): Promise<string | undefined> {
    try {
      const doc = await ctx.resolver.resolve(did);
      const endpoint = doc.service?.find((s) => s.type === EXCHANGE_RECEIPT_SERVICE)?.serviceEndpoint;
      return typeof endpoint === 'string' && /^https?:\/\//.test(endpoint) ? endpoint : undefined;
    } catch (e) {
      ctx.logger.warn({ err: e, counterparty: did }, "the counterparty's DID document could not be read: its receipts leave one by one");
      return undefined;
    }
  }

  async function sweep(): Promise<void> {
    const ids = await ctx.store.due(new Date(ctx.clock.now().getTime() - 2000), 100);
    if (ids.length === 0) return;
    await send(await ctx.store.getMany(ids)).catch((e: unknown) => ctx.logger.warn({ err: e, transfers: ids }, 'exchange receipts not sent (retried on the next sweep)'));
  }

  return {
    schedule,
    flush,
    sweep,
    start() {
      stopped = false;
      if (sweepTimer || opts.sweepMs <= 0) return;
      void sweep().catch(() => {});
      sweepTimer = setInterval(() => void sweep().catch((e: unknown) => ctx.logger.warn({ err: e }, 'exchange receipt sweep failed')), opts.sweepMs);
      sweepTimer.unref();
    },
    stop() {
      stopped = true;
      if (sweepTimer) clearInterval(sweepTimer);
      if (batchTimer) clearTimeout(batchTimer);
      sweepTimer = batchTimer = undefined;
      pending.clear();
    },
  };
}

export type Sender = ReturnType<typeof createSender>;
