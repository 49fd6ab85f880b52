import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Clock, Logger } from '../../kernel/index.js';
import type { SqlExchangeReceiptStore } from '../adapters/sql-exchange-receipt.store.js';
import type { CounterpartyCheck } from './counterparty-check.js';
import type { OutboxPort, ReceiptsDirectory, ReceiptsLedger, ReceiptsResolver, ReceiptsSigner } from './receipts.ports.js';

/** Outbox topic of both directions (provider → consumer: receipt; consumer → provider: countersignature). */
export const RECEIPT_TOPIC = 'receipts.exchange';

export interface ReceiptsContext {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  did: string;
  signer: ReceiptsSigner;
  resolver: ReceiptsResolver;
  ledger: ReceiptsLedger;
  outbox: OutboxPort;
  participants: ReceiptsDirectory;
  store: SqlExchangeReceiptStore;
  check: CounterpartyCheck;
}
