import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, isAppError } from '../../kernel/index.js';
import type { ExchangePatch, ExchangeRow } from '../adapters/sql-exchange-receipt.store.js';
import { decodeReceiptJws, documentHash, receiptDocument, type ExchangeFacts, type ReceiptDocument } from '../domain/receipt-document.js';
import type { ReceiptsContext } from './receipts.context.js';
import type { Measurement } from './receipts.ports.js';
import type { Sender } from './sender.js';

/** One receipt as sent: the sender's signature and its log receipt. */
export interface ReceiptBody {
  signature: string;
  ledgerReceipt: unknown;
}

/** The answer to one item of a batch. */
export type ItemResult = { transferId: string; status: ExchangeRow['status'] } | { error: { code: string; status: number; detail: string } };

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
   * Consumer, holding both the provider's receipt and its own measurement (or null: its node saw no bytes): a
   * dispute in the log, or its own `exchange.receipt` entry and a countersignature due to the provider. `patch`:
   * what the caller writes to the row too, in the same update.
   */
  async function settle(tx: Kysely<DB>, row: ExchangeRow, measurement: StoredMeasurement | null, patch: ExchangePatch): Promise<'due' | 'none'> {
    const doc = row.document as ReceiptDocument;
    const hash = row.document_hash!;
    const now = ctx.clock.now();
    const why = measurement ? disagreement(doc, measurement) : undefined;
    if (why) {
      const entry = await ctx.ledger.append(tx, {
        type: 'exchange.dispute',
        actor: ctx.did,
        subject: row.transfer_id,
        payload: { documentHash: hash, receipt: doc, providerSignature: row.provider_jws, measured: { bytes: measurement!.bytes, sha256: measurement!.sha256, complete: measurement!.complete }, reason: why },
      });
      await store.update(tx, row.transfer_id, { ...patch, status: 'disputed', disputeReason: why, ownEntryIndex: entry.index }, now);
      ctx.logger.warn({ transfer: row.transfer_id, reason: why }, 'exchange receipt disputed');
      return 'none';
    }
    const entry = await ctx.ledger.append(tx, { type: 'exchange.receipt', actor: ctx.did, subject: row.transfer_id, payload: { role: 'consumer', documentHash: hash, receipt: doc, providerSignature: row.provider_jws } });
    await store.update(tx, row.transfer_id, { ...patch, ownEntryIndex: entry.index, outgoing: 'due' }, now);
    return 'due';
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
      const next = await ctx.db.transaction().execute(async (tx) => {
        const row = await store.lock(tx, transferId, 'consumer', ctx.clock.now());
        // The first report stands (TRANSFER may report again after a restart).
        if (row.role !== 'consumer' || row.measured) return 'none';
        const measured: ExchangePatch = { measured: true, ...(measurement ? { measurement } : {}) };
        if (row.provider_jws) return settle(tx, row, measurement, measured);
        await store.update(tx, transferId, measured, ctx.clock.now());
        return 'none';
      });
      if (next === 'due') sender.schedule(transferId);
    },

    /** POST /dsp/receipts from `sender`: the provider's receipt, or the consumer's countersignature. `at`: the message's path. */
    receive,

    /**
     * POST /dsp/receipts/batch: each item taken as if sent alone, and answered on its own (a refused item does not
     * stop the others). An unexpected failure fails the batch, which the sender retries (items are idempotent).
     */
    async receiveMany(senderDid: string, items: readonly ReceiptBody[]): Promise<ItemResult[]> {
      const results: ItemResult[] = [];
      for (const [i, item] of items.entries()) {
        try {
          results.push(await receive(senderDid, item, `/body/receipts/${i}`));
        } catch (e) {
          if (!isAppError(e)) throw e;
          results.push({ error: { code: e.code, status: e.status, detail: e.message } });
        }
      }
      return results;
    },
  };

  async function receive(senderDid: string, body: ReceiptBody, at = '/body'): Promise<{ transferId: string; status: ExchangeRow['status'] }> {
    const decoded = decodeReceiptJws(body.signature);
    if (!decoded.ok) throw new AppError('DS_RECEIPT_INVALID', `${at}/signature: ${decoded.reason}`, [{ path: `${at}/signature`, message: decoded.reason }]);
    const { document: claimed, kid, signer } = decoded.value;
    if (signer !== senderDid) throw new AppError('DS_RECEIPT_WRONG_SENDER', `${at}: the receipt is signed by ${signer}, the request comes from ${senderDid}`);
    const asConsumer = claimed.provider === senderDid && claimed.consumer === ctx.did;
    const asProvider = claimed.consumer === senderDid && claimed.provider === ctx.did;
    if (!asConsumer && !asProvider) throw new AppError('DS_RECEIPT_WRONG_SENDER', `${at}: the receipt is between ${claimed.provider} and ${claimed.consumer}: ${senderDid} cannot send it to ${ctx.did}`);
    const { document, didDocument } = await ctx.check.signature(body.signature, kid, signer, `${at}/signature`);
    const hash = documentHash(document);
    await ctx.check.ledgerReceipt(body.ledgerReceipt, didDocument, hash, `${at}/ledgerReceipt`);
    return asConsumer ? fromProvider(senderDid, document, hash, body) : fromConsumer(document, hash, body);
  }

  async function fromProvider(provider: string, doc: ReceiptDocument, hash: string, body: ReceiptBody) {
    const transferId = doc.consumerPid;
    const { status, next } = await ctx.db.transaction().execute(async (tx) => {
      const row = await store.lock(tx, transferId, 'consumer', ctx.clock.now());
      if (row.role !== 'consumer') throw new AppError('DS_RECEIPT_MISMATCH', `transfer ${transferId} is one this node provided`);
      if (row.document_hash) {
        if (row.document_hash !== hash) throw new AppError('DS_RECEIPT_MISMATCH', `this node holds another receipt for transfer ${transferId} (${row.document_hash})`);
        return { status: row.status, next: 'none' as const };
      }
      const received: ExchangePatch = { document: doc, documentHash: hash, providerJws: body.signature, providerLedgerReceipt: body.ledgerReceipt, counterpartyDid: provider };
      if (!row.measured) {
        await store.update(tx, transferId, received, ctx.clock.now());
        return { status: row.status, next: 'none' as const };
      }
      const updated = { ...row, document: doc, document_hash: hash, provider_jws: body.signature, counterparty_did: provider };
      const next = await settle(tx, updated, (row.measurement as StoredMeasurement | null) ?? null, received);
      return { status: next === 'none' ? ('disputed' as const) : row.status, next };
    });
    if (next === 'due') sender.schedule(transferId);
    return { transferId, status };
  }

  async function fromConsumer(doc: ReceiptDocument, hash: string, body: ReceiptBody) {
    const transferId = doc.providerPid;
    const status = await ctx.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('exchange_receipts').selectAll().where('transfer_id', '=', transferId).forUpdate().executeTakeFirst();
      if (!row || row.role !== 'provider' || !row.document_hash) throw new AppError('DS_RECEIPT_NOT_FOUND', `no receipt of transfer ${transferId} on this node`);
      if (row.document_hash !== hash) throw new AppError('DS_RECEIPT_MISMATCH', `the countersignature is about other facts than this node's receipt of transfer ${transferId}`);
      if (row.consumer_jws) return row.status;
      await store.update(tx, transferId, { consumerJws: body.signature, consumerLedgerReceipt: body.ledgerReceipt, status: 'countersigned' }, ctx.clock.now());
      return 'countersigned' as const;
    });
    return { transferId, status };
  }
}

export type Exchanges = ReturnType<typeof createExchanges>;
