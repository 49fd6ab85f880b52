import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, isAppError } from '../../kernel/index.js';
import type { ExchangePatch, ExchangeRow } from '../adapters/sql-exchange-receipt.store.js';
import { decodeReceiptJws, documentHash, receiptDocument, type ExchangeFacts, type ReceiptDocument } from '../domain/receipt-document.js';
import type { ReceiptsContext } from './receipts.context.js';
import type { Measurement, ReceiptsLogEntry } from './receipts.ports.js';
import type { Sender } from './sender.js';

/** One receipt as sent: the sender's signature and its log receipt. */
export interface ReceiptBody {
  signature: string;
  ledgerReceipt: unknown;
}

type Taken = { transferId: string; status: ExchangeRow['status'] };
type Outcome = Taken | { failure: AppError };

/** The answer to one item of a batch. */
export type ItemResult = Taken | { error: { code: string; status: number; detail: string } };

/** A message whose signature and log receipt verified: from the provider (its receipt) or the consumer (its countersignature). */
interface Checked {
  fromProvider: boolean;
  doc: ReceiptDocument;
  hash: string;
  body: ReceiptBody;
  /** This node's transfer id. */
  transferId: string;
}

interface StoredMeasurement {
  bytes: number;
  sha256: string;
  startedAt: string;
  endedAt: string;
  complete: boolean;
}

/** Why the consumer does not countersign: what it measured differs from what the provider signed. */
function disagreement(doc: ReceiptDocument, m: StoredMeasurement): string | undefined {
  if (!m.complete) return `the consumer's node received an incomplete stream (${m.bytes} bytes), the provider's receipt says ${doc.bytes} bytes`;
  if (m.bytes !== doc.bytes || m.sha256.toLowerCase() !== doc.sha256) {
    return `the consumer measured ${m.bytes} bytes with SHA-256 ${m.sha256}, the provider's receipt says ${doc.bytes} bytes with SHA-256 ${doc.sha256}`;
  }
  return undefined;
}

/** The provider's completion, the consumer's two events (either order), and messages from the counterparty. */
export function createExchanges(ctx: ReceiptsContext, sender: Sender) {
  const { store } = ctx;

  /**
   * Consumer, holding both the provider's receipt and its own measurement (or null: its node saw no bytes): what to
   * log (a dispute, or its own `exchange.receipt` entry) and write to the row (with a countersignature due).
   */
  function settlement(row: ExchangeRow, measurement: StoredMeasurement | null): { entry: ReceiptsLogEntry; patch: ExchangePatch; due: boolean } {
    const doc = row.document as ReceiptDocument;
    const hash = row.document_hash!;
    const why = measurement ? disagreement(doc, measurement) : undefined;
    if (why) {
      ctx.logger.warn({ transfer: row.transfer_id, reason: why }, 'exchange receipt disputed');
      return {
        entry: {
          type: 'exchange.dispute',
          actor: ctx.did,
          subject: row.transfer_id,
          payload: { documentHash: hash, receipt: doc, providerSignature: row.provider_jws, measured: { bytes: measurement!.bytes, sha256: measurement!.sha256, complete: measurement!.complete }, reason: why },
        },
        patch: { status: 'disputed', disputeReason: why },
        due: false,
      };
    }
    return { entry: { type: 'exchange.receipt', actor: ctx.did, subject: row.transfer_id, payload: { role: 'consumer', documentHash: hash, receipt: doc, providerSignature: row.provider_jws } }, patch: { outgoing: 'due' }, due: true };
  }

  /** Checks one message's signature and log receipt (`at`: its path in the request); which side it comes from. */
  async function check(senderDid: string, body: ReceiptBody, at: string): Promise<Checked> {
    const decoded = decodeReceiptJws(body.signature);
    if (!decoded.ok) throw new AppError('DS_RECEIPT_INVALID', `${at}/signature: ${decoded.reason}`, [{ path: `${at}/signature`, message: decoded.reason }]);
    const { document: claimed, kid, signer } = decoded.value;
    if (signer !== senderDid) throw new AppError('DS_RECEIPT_WRONG_SENDER', `${at}: the receipt is signed by ${signer}, the request comes from ${senderDid}`);
    const fromProvider = claimed.provider === senderDid && claimed.consumer === ctx.did;
    const fromConsumer = claimed.consumer === senderDid && claimed.provider === ctx.did;
    if (!fromProvider && !fromConsumer) throw new AppError('DS_RECEIPT_WRONG_SENDER', `${at}: the receipt is between ${claimed.provider} and ${claimed.consumer}: ${senderDid} cannot send it to ${ctx.did}`);
    const { document, didDocument } = await ctx.check.signature(body.signature, kid, signer, `${at}/signature`);
    const hash = documentHash(document);
    await ctx.check.ledgerReceipt(body.ledgerReceipt, didDocument, hash, `${at}/ledgerReceipt`);
    return { fromProvider, doc: document, hash, body, transferId: fromProvider ? document.consumerPid : document.providerPid };
  }

  /**
   * Takes messages from `senderDid`, each checked on its own and answered on its own (a refused one does not stop
   * the others): the provider's receipts in one transaction with one log append for all, the consumer's
   * countersignatures in another. A transfer named twice is taken twice, the second time as a repeated delivery.
   */
  async function take(senderDid: string, bodies: readonly ReceiptBody[], at: (i: number) => string): Promise<Outcome[]> {
    const out: Outcome[] = [];
    let todo: Array<Checked & { i: number }> = [];
    for (const [i, body] of bodies.entries()) {
      try {
        todo.push({ ...(await check(senderDid, body, at(i))), i });
      } catch (e) {
        if (!isAppError(e)) throw e;
        out[i] = { failure: e };
      }
    }
    while (todo.length) {
      const seen = new Set<string>();
      const round = todo.filter((c) => !seen.has(c.transferId) && seen.add(c.transferId));
      todo = todo.filter((c) => !round.includes(c));
      const fromProvider = round.filter((c) => c.fromProvider);
      const fromConsumer = round.filter((c) => !c.fromProvider);
      if (fromProvider.length) for (const [i, o] of await receipts(senderDid, fromProvider)) out[i] = o;
      if (fromConsumer.length) for (const [i, o] of await countersignatures(fromConsumer)) out[i] = o;
    }
    return out;
  }

  /** Consumer: the provider's receipts (distinct transfers), kept, and settled where this node already measured. */
  async function receipts(provider: string, items: ReadonlyArray<Checked & { i: number }>): Promise<Map<number, Outcome>> {
    const results = new Map<number, Outcome>();
    const due: string[] = [];
    await ctx.db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      const rows = await store.lockMany(tx, items.map((c) => c.transferId), 'consumer', now);
      const settling: Array<{ c: Checked & { i: number }; row: ExchangeRow; received: ExchangePatch }> = [];
      for (const c of items) {
        const row = rows.get(c.transferId)!;
        if (row.role !== 'consumer') results.set(c.i, { failure: new AppError('DS_RECEIPT_MISMATCH', `transfer ${c.transferId} is one this node provided`) });
        else if (row.document_hash) {
          results.set(c.i, row.document_hash === c.hash ? { transferId: c.transferId, status: row.status } : { failure: new AppError('DS_RECEIPT_MISMATCH', `this node holds another receipt for transfer ${c.transferId} (${row.document_hash})`) });
        } else {
          const received: ExchangePatch = { document: c.doc, documentHash: c.hash, providerJws: c.body.signature, providerLedgerReceipt: c.body.ledgerReceipt, counterpartyDid: provider };
          if (row.measured) settling.push({ c, row: { ...row, document: c.doc, document_hash: c.hash, provider_jws: c.body.signature, counterparty_did: provider }, received });
          else {
            await store.update(tx, c.transferId, received, now);
            results.set(c.i, { transferId: c.transferId, status: row.status });
          }
        }
      }
      if (settling.length === 0) return;
      const plans = settling.map((x) => settlement(x.row, (x.row.measurement as StoredMeasurement | null) ?? null));
      const entries = await ctx.ledger.appendMany(tx, plans.map((p) => p.entry));
      for (const [k, { c, row, received }] of settling.entries()) {
        const plan = plans[k]!;
        await store.update(tx, c.transferId, { ...received, ...plan.patch, ownEntryIndex: entries[k]!.index }, now);
        results.set(c.i, { transferId: c.transferId, status: plan.due ? row.status : 'disputed' });
        if (plan.due) due.push(c.transferId);
      }
    });
    for (const id of due) sender.schedule(id);
    return results;
  }

  /** Provider: the consumer's countersignatures (distinct transfers) of receipts this node holds. */
  async function countersignatures(items: ReadonlyArray<Checked & { i: number }>): Promise<Map<number, Outcome>> {
    const results = new Map<number, Outcome>();
    await ctx.db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      const rows = await store.lockExisting(tx, items.map((c) => c.transferId));
      for (const c of items) {
        const row = rows.get(c.transferId);
        if (!row || row.role !== 'provider' || !row.document_hash) results.set(c.i, { failure: new AppError('DS_RECEIPT_NOT_FOUND', `no receipt of transfer ${c.transferId} on this node`) });
        else if (row.document_hash !== c.hash) results.set(c.i, { failure: new AppError('DS_RECEIPT_MISMATCH', `the countersignature is about other facts than this node's receipt of transfer ${c.transferId}`) });
        else if (row.consumer_jws) results.set(c.i, { transferId: c.transferId, status: row.status });
        else {
          await store.update(tx, c.transferId, { consumerJws: c.body.signature, consumerLedgerReceipt: c.body.ledgerReceipt, status: 'countersigned' }, now);
          results.set(c.i, { transferId: c.transferId, status: 'countersigned' });
        }
      }
    });
    return results;
  }

  return {
    async providerCompleted(tx: Kysely<DB>, facts: ExchangeFacts, consumerDsp: string): Promise<void> {
      const doc = receiptDocument(facts);
      const hash = documentHash(doc);
      const now = ctx.clock.now();
      const row = await store.lock(tx, facts.transferId, 'provider', now);
      // Called again for the same transfer (a retried completion): the first receipt stands.
      if (row.document_hash) return;
      const entry = await ctx.ledger.append(tx, { type: 'exchange.receipt', actor: ctx.did, subject: facts.transferId, payload: { role: 'provider', documentHash: hash, receipt: doc } });
      await store.update(tx, facts.transferId, { document: doc, documentHash: hash, counterpartyDid: facts.consumerDid, counterpartyDsp: consumerDsp, ownEntryIndex: entry.index, outgoing: 'due' }, now);
      sender.schedule(facts.transferId);
    },

    async consumerMeasured(transferId: string, m: Measurement | null): Promise<void> {
      const measurement: StoredMeasurement | null = m && { bytes: m.bytes, sha256: m.sha256.toLowerCase(), startedAt: m.startedAt.toISOString(), endedAt: m.endedAt.toISOString(), complete: m.complete };
      // Usually the measurement comes first (receipts leave in batches): one statement records it.
      if (await store.measureIfAlone(transferId, { measured: true, ...(measurement ? { measurement } : {}) }, ctx.clock.now())) return;
      const due = await ctx.db.transaction().execute(async (tx) => {
        const now = ctx.clock.now();
        const row = await store.lock(tx, transferId, 'consumer', now);
        // The first report stands (TRANSFER may report again after a restart).
        if (row.role !== 'consumer' || row.measured) return false;
        const measured: ExchangePatch = { measured: true, ...(measurement ? { measurement } : {}) };
        if (!row.provider_jws) {
          await store.update(tx, transferId, measured, now);
          return false;
        }
        const plan = settlement(row, measurement);
        const entry = await ctx.ledger.append(tx, plan.entry);
        await store.update(tx, transferId, { ...measured, ...plan.patch, ownEntryIndex: entry.index }, now);
        return plan.due;
      });
      if (due) sender.schedule(transferId);
    },

    /** POST /dsp/receipts from `senderDid`: the provider's receipt, or the consumer's countersignature; its refusal thrown. */
    async receive(senderDid: string, body: ReceiptBody): Promise<Taken> {
      const [outcome] = await take(senderDid, [body], () => '/body');
      if (!outcome || 'failure' in outcome) throw outcome?.failure ?? new Error('no outcome');
      return outcome;
    },

    /** POST /dsp/receipts/batch: an answer per item (a refusal as its code, HTTP status and detail). */
    async receiveMany(senderDid: string, bodies: readonly ReceiptBody[]): Promise<ItemResult[]> {
      const outcomes = await take(senderDid, bodies, (i) => `/body/receipts/${i}`);
      return outcomes.map((o) => ('failure' in o ? { error: { code: o.failure.code, status: o.failure.status, detail: o.failure.message } } : o));
    },
  };
}

export type Exchanges = ReturnType<typeof createExchanges>;
