import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { DB, ExchangeReceiptsTable } from '../../db/index.js';
import { json } from '../../db/index.js';
import type { ReceiptDocument } from '../domain/receipt-document.js';

export type ExchangeRow = Selectable<ExchangeReceiptsTable>;

/** What a use case changes on a row; jsonb values are given as values and serialised here. */
export interface ExchangePatch {
  status?: ExchangeRow['status'];
  counterpartyDid?: string;
  counterpartyDsp?: string;
  document?: ReceiptDocument;
  documentHash?: string;
  providerJws?: string;
  consumerJws?: string;
  providerLedgerReceipt?: unknown;
  consumerLedgerReceipt?: unknown;
  ownEntryIndex?: number;
  measured?: boolean;
  measurement?: unknown;
  disputeReason?: string;
  outgoing?: 'none' | 'due' | 'sent';
}

function columns(p: ExchangePatch): Updateable<ExchangeReceiptsTable> {
  const c: Updateable<ExchangeReceiptsTable> = {};
  if (p.status !== undefined) c.status = p.status;
  if (p.counterpartyDid !== undefined) c.counterparty_did = p.counterpartyDid;
  if (p.counterpartyDsp !== undefined) c.counterparty_dsp = p.counterpartyDsp;
  if (p.document !== undefined) {
    c.document = json(p.document);
    c.agreement_id = p.document.agreementId;
    c.dataset_id = p.document.datasetId;
  }
  if (p.documentHash !== undefined) c.document_hash = p.documentHash;
  if (p.providerJws !== undefined) c.provider_jws = p.providerJws;
  if (p.consumerJws !== undefined) c.consumer_jws = p.consumerJws;
  if (p.providerLedgerReceipt !== undefined) c.provider_ledger_receipt = json(p.providerLedgerReceipt);
  if (p.consumerLedgerReceipt !== undefined) c.consumer_ledger_receipt = json(p.consumerLedgerReceipt);
  if (p.ownEntryIndex !== undefined) c.own_entry_index = p.ownEntryIndex;
  if (p.measured !== undefined) c.measured = p.measured;
  if (p.measurement !== undefined) c.measurement = json(p.measurement);
  if (p.disputeReason !== undefined) c.dispute_reason = p.disputeReason;
  if (p.outgoing !== undefined) c.outgoing = p.outgoing;
  return c;
}

/** exchange_receipts: one row per transfer this node took part in, keyed by its own transfer id. */
export class SqlExchangeReceiptStore {
  constructor(private readonly db: Kysely<DB>) {}

  get(transferId: string, tx: Kysely<DB> = this.db): Promise<ExchangeRow | undefined> {
    return tx.selectFrom('exchange_receipts').selectAll().where('transfer_id', '=', transferId).executeTakeFirst();
  }

  /**
   * Creates the row if missing (`role`, pending) and locks it for the rest of `tx`, in one statement: an existing
   * row is "updated" to itself, which takes its row lock as `for update` would and returns it unchanged. Both
   * events of a consumer meet here.
   */
  async lock(tx: Kysely<DB>, transferId: string, role: ExchangeRow['role'], now: Date): Promise<ExchangeRow> {
    return (await this.lockMany(tx, [transferId], role, now)).get(transferId)!;
  }

  /**
   * A consumer's measurement in one statement, when that is all there is to do: the row is created measured, or an
   * unmeasured consumer row without the provider's receipt is marked measured. False when the row is anything else
   * (measured already, a provider's, holding the provider's receipt): the caller then decides under `lock`. A
   * receipt arriving meanwhile either waits for this statement's commit (and sees the measurement) or makes it
   * change nothing (its row lock, then the condition checked again on the row as it committed it).
   */
  async measureIfAlone(transferId: string, patch: ExchangePatch, now: Date): Promise<boolean> {
    const c = columns(patch);
    const row = await this.db
      .insertInto('exchange_receipts')
      .values({ transfer_id: transferId, role: 'consumer', status: 'pending', created_at: now, updated_at: now, ...c })
      .onConflict((oc) =>
        oc
          .column('transfer_id')
          .doUpdateSet({ ...c, updated_at: now })
          .where('exchange_receipts.role', '=', 'consumer')
          .where('exchange_receipts.measured', '=', false)
          .where('exchange_receipts.provider_jws', 'is', null),
      )
      .returning('transfer_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** `lock` for several distinct transfers in one statement, by transfer id. */
  async lockMany(tx: Kysely<DB>, transferIds: readonly string[], role: ExchangeRow['role'], now: Date): Promise<Map<string, ExchangeRow>> {
    const rows = await tx
      .insertInto('exchange_receipts')
      .values(transferIds.map((id) => ({ transfer_id: id, role, status: 'pending' as const, created_at: now, updated_at: now })))
      .onConflict((oc) => oc.column('transfer_id').doUpdateSet((eb) => ({ transfer_id: eb.ref('exchange_receipts.transfer_id') })))
      .returningAll()
      .execute();
    return new Map(rows.map((r) => [r.transfer_id, r]));
  }

  /** The existing rows of these transfers, locked for the rest of `tx`, by transfer id. */
  async lockExisting(tx: Kysely<DB>, transferIds: readonly string[]): Promise<Map<string, ExchangeRow>> {
    const rows = await tx.selectFrom('exchange_receipts').selectAll().where('transfer_id', '=', sql<string>`any(${[...transferIds]}::text[])`).forUpdate().execute();
    return new Map(rows.map((r) => [r.transfer_id, r]));
  }

  async update(tx: Kysely<DB>, transferId: string, patch: ExchangePatch, now: Date): Promise<void> {
    await tx.updateTable('exchange_receipts').set({ ...columns(patch), updated_at: now }).where('transfer_id', '=', transferId).execute();
  }

  /**
   * Applies `patch` only while the row's message is still due, returning the row's id only then (another round
   * already sent it: nothing). A statement, for the outbox to enqueue the message with it (`enqueueWith`).
   */
  markSentStatement(db: Kysely<DB>, transferId: string, patch: ExchangePatch, now: Date) {
    return db
      .updateTable('exchange_receipts')
      .set({ ...columns(patch), outgoing: 'sent', updated_at: now })
      .where('transfer_id', '=', transferId)
      .where('outgoing', '=', 'due')
      .returning('transfer_id');
  }

  /** The rows of these transfers that exist. */
  getMany(transferIds: readonly string[]): Promise<ExchangeRow[]> {
    if (transferIds.length === 1) return this.db.selectFrom('exchange_receipts').selectAll().where('transfer_id', '=', transferIds[0]!).execute();
    return this.db.selectFrom('exchange_receipts').selectAll().where('transfer_id', '=', sql<string>`any(${[...transferIds]}::text[])`).execute();
  }

  /**
   * Several rows' own signature and log receipt recorded (the consumer's row countersigned), each only while its
   * message is still due, returning the ids of the rows changed. A statement, for `enqueueWith`.
   */
  markSentManyStatement(db: Kysely<DB>, sent: ReadonlyArray<{ transferId: string; jws: string; ledgerReceipt: unknown }>, now: Date) {
    const ids = sent.map((x) => x.transferId);
    const jws = sent.map((x) => x.jws);
    const receipts = sent.map((x) => JSON.stringify(x.ledgerReceipt));
    return sql<{ transfer_id: string }>`
      update exchange_receipts as r set
        provider_jws = case when r.role = 'provider' then v.jws else r.provider_jws end,
        provider_ledger_receipt = case when r.role = 'provider' then v.receipt else r.provider_ledger_receipt end,
        consumer_jws = case when r.role = 'consumer' then v.jws else r.consumer_jws end,
        consumer_ledger_receipt = case when r.role = 'consumer' then v.receipt else r.consumer_ledger_receipt end,
        status = case when r.role = 'consumer' then 'countersigned' else r.status end,
        outgoing = 'sent', updated_at = ${now}
      from (select id, jws, receipt::jsonb as receipt from unnest(${ids}::text[], ${jws}::text[], ${receipts}::text[]) as u(id, jws, receipt)) as v
      where r.transfer_id = v.id and r.outgoing = 'due'
      returning r.transfer_id`;
  }

  /** Rows whose message is due and was not touched since `before` (left behind by a crash or a failed round). */
  async due(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('exchange_receipts').select('transfer_id').where('outgoing', '=', 'due').where('updated_at', '<', before).orderBy('updated_at').limit(limit).execute();
    return rows.map((r) => r.transfer_id);
  }

  /** Exchanges of an agreement or a dataset, newest first. */
  async list(filter: { agreementId?: string; datasetId?: string }, page: { limit: number; offset: number }): Promise<{ items: ExchangeRow[]; total: number }> {
    let q = this.db.selectFrom('exchange_receipts');
    if (filter.agreementId !== undefined) q = q.where('agreement_id', '=', filter.agreementId);
    if (filter.datasetId !== undefined) q = q.where('dataset_id', '=', filter.datasetId);
    const [items, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('transfer_id').limit(page.limit).offset(page.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  }
}
