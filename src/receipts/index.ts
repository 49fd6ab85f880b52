import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import { registerEntryType } from '../ledger/index.js';
import type { App } from '../node/http-app.js';
import { SqlExchangeReceiptStore } from './adapters/sql-exchange-receipt.store.js';
import { createCounterpartyCheck } from './app/counterparty-check.js';
import { createExchanges } from './app/exchanges.js';
import { RECEIPT_TOPIC } from './app/receipts.context.js';
import type { Measurement, OutboxPort, ReceiptsDirectory, ReceiptsLedger, ReceiptsResolver, ReceiptsSigner } from './app/receipts.ports.js';
import { createSender } from './app/sender.js';
import type { ExchangeFacts } from './domain/receipt-document.js';
import { exchangeView, receiptsRoutes } from './http/receipts.routes.js';
import type { ExchangeView } from './http/receipts.schemas.js';

export { RECEIPT_TYP, receiptDocument, documentHash, decodeReceiptJws, verifyReceiptJws, isReceiptDocument, type ExchangeFacts, type ReceiptDocument } from './domain/receipt-document.js';
export type { Measurement, OutboxPort, ReceiptsDirectory, ReceiptsLedger, ReceiptsResolver, ReceiptsSigner } from './app/receipts.ports.js';
export type { ExchangeView } from './http/receipts.schemas.js';
export { RECEIPT_TOPIC } from './app/receipts.context.js';

registerEntryType('exchange.receipt', 'A party recorded the signed receipt of a completed data exchange (transfer)');
registerEntryType('exchange.dispute', "The consumer's measurement of an exchange differs from the provider's receipt: not countersigned");

export interface ReceiptsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** This node's DID. */
  did: string;
  signer: ReceiptsSigner;
  resolver: ReceiptsResolver;
  ledger: ReceiptsLedger;
  outbox: OutboxPort;
  participants: ReceiptsDirectory;
  /** Milliseconds between sweeps for receipts a crash left unsent (default 5000; 0: none). */
  sweepMs?: number;
  /** Milliseconds a receipt waits for others to leave in the same batch (default 100). */
  batchMs?: number;
  /** Receipts per batch at most (default 32; a full batch leaves at once). */
  batchMax?: number;
  /** Bytes of JSON per batch message at most (default 256 KiB, a quarter of the default body limit). */
  batchBytes?: number;
}

export interface Receipts {
  /** POST /dsp/receipts and /dsp/receipts/batch (auth 'dsp'), GET /api/v1/transfers/:id/receipt, GET /api/v1/agreements/:id/exchanges, GET /api/v1/datasets/:id/exchanges. */
  routes(app: App): Promise<void>;
  /**
   * Provider, in the transaction that marks the transfer COMPLETED: logs the receipt; signature and log receipt
   * leave after commit. `consumerDsp`: the consumer's callback address, used when neither its DID document nor its
   * registry entry says where receipts go.
   */
  providerCompleted(tx: Kysely<DB>, facts: ExchangeFacts, consumerDsp: string): Promise<void>;
  /** Consumer: its own measurement (null: its node did not see the bytes). Countersigns once the provider's receipt is here too. */
  consumerMeasured(transferId: string, m: Measurement | null): Promise<void>;
  /** The exchange of a transfer (our transfer id): both signatures and both log receipts once exchanged. */
  get(transferId: string): Promise<ExchangeView | undefined>;
  /** Starts the sweep that sends receipts a crash left unsent (beyond the shared interface: the lead calls it). */
  start(): void;
  stop(): void;
}

/** Signed exchange receipts between the provider and the consumer of a transfer, kept in both transparency logs. */
export function createReceipts(deps: ReceiptsDeps): Receipts {
  const store = new SqlExchangeReceiptStore(deps.db);
  const ctx = { db: deps.db, clock: deps.clock, logger: deps.logger, did: deps.did, signer: deps.signer, resolver: deps.resolver, ledger: deps.ledger, outbox: deps.outbox, participants: deps.participants, store, check: createCounterpartyCheck(deps.resolver) };
  const sender = createSender(ctx, { sweepMs: deps.sweepMs ?? 5000, batchMs: deps.batchMs ?? 100, batchMax: deps.batchMax ?? 32, batchBytes: deps.batchBytes ?? 256 * 1024 });
  const exchanges = createExchanges(ctx, sender);
  deps.outbox.on(RECEIPT_TOPIC, async (msg, outcome) => {
    if (!outcome.ok) {
      deps.logger.warn({ id: msg.id, url: msg.url, status: outcome.status, error: outcome.error }, 'exchange receipts could not be delivered');
      return;
    }
    // A batch is answered item by item: the ones refused are logged (the others were taken).
    const results = (outcome.body as { results?: unknown } | null)?.results;
    if (Array.isArray(results)) {
      for (const r of results as Array<{ transferId?: string; error?: { code: string; detail: string } }>) {
        if (r.error) deps.logger.warn({ id: msg.id, url: msg.url, code: r.error.code, detail: r.error.detail }, 'exchange receipt refused by the counterparty');
      }
    }
  });
  return {
    routes: receiptsRoutes({ store, exchanges }),
    providerCompleted: exchanges.providerCompleted,
    consumerMeasured: exchanges.consumerMeasured,
    async get(transferId) {
      const row = await store.get(transferId);
      return row ? exchangeView(row) : undefined;
    },
    start: sender.start,
    stop: sender.stop,
  };
}
