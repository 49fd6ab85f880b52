import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { ExchangeRow, SqlExchangeReceiptStore } from '../adapters/sql-exchange-receipt.store.js';
import type { Exchanges } from '../app/exchanges.js';
import { ExchangePage, ExchangeView, IdParams, PageQuery, ReceiptAnswer, ReceiptBatch, ReceiptBatchAnswer, ReceiptMessage, tags } from './receipts.schemas.js';

/** The API form of a row: absent values left out. */
export function exchangeView(r: ExchangeRow): ExchangeView {
  const opt = <K extends string, V>(k: K, v: V | null | undefined) => (v === null || v === undefined ? {} : ({ [k]: v } as Record<K, V>));
  return {
    transferId: r.transfer_id,
    role: r.role,
    status: r.status,
    ...opt('counterparty', r.counterparty_did),
    ...opt('agreementId', r.agreement_id),
    ...opt('datasetId', r.dataset_id),
    ...opt('receipt', r.document as ExchangeView['receipt']),
    ...opt('documentHash', r.document_hash),
    ...opt('providerSignature', r.provider_jws),
    ...opt('consumerSignature', r.consumer_jws),
    ...opt('providerLedgerReceipt', r.provider_ledger_receipt),
    ...opt('consumerLedgerReceipt', r.consumer_ledger_receipt),
    measured: r.measured,
    ...opt('measurement', r.measurement as ExchangeView['measurement']),
    ...opt('disputeReason', r.dispute_reason),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The DSP extension route the counterparty's outbox posts to, and the management API of exchanges. */
export function receiptsRoutes(deps: { store: SqlExchangeReceiptStore; exchanges: Exchanges }) {
  const { store } = deps;
  const read = { auth: { management: 'read' as const } };
  return async (app: App) => {
    app.post(
      '/dsp/receipts',
      {
        config: { auth: 'dsp', dspErrorType: 'ReceiptError' },
        schema: { tags, summary: "The counterparty's signed exchange receipt (provider) or countersignature (consumer), with its log receipt", body: ReceiptMessage, response: { 200: ReceiptAnswer } },
      },
      async (req) => {
        // auth 'dsp' guarantees a participant principal; the check narrows the type.
        if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
        return deps.exchanges.receive(req.principal.did, req.body);
      },
    );
    app.post(
      '/dsp/receipts/batch',
      {
        config: { auth: 'dsp', dspErrorType: 'ReceiptError' },
        schema: {
          tags,
          summary: "Several of the counterparty's signed exchange receipts or countersignatures at once (the endpoint its DID document announces as ExchangeReceiptService); answered item by item",
          body: ReceiptBatch,
          response: { 200: ReceiptBatchAnswer },
        },
      },
      async (req) => {
        if (req.principal.kind !== 'participant') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
        return { results: await deps.exchanges.receiveMany(req.principal.did, req.body.receipts) };
      },
    );
    app.get(
      '/api/v1/transfers/:id/receipt',
      { config: read, schema: { tags, summary: 'The exchange receipt of a transfer: both signatures and both log receipts once exchanged', params: IdParams, response: { 200: ExchangeView } } },
      async (req) => {
        const row = await store.get(req.params.id);
        if (!row) throw new AppError('DS_RECEIPT_NOT_FOUND', `no exchange receipt for transfer ${req.params.id}`, [{ path: '/params/id', message: 'no exchange receipt for this transfer' }]);
        return exchangeView(row);
      },
    );
    app.get(
      '/api/v1/agreements/:id/exchanges',
      { config: read, schema: { tags, summary: 'Exchanges (completed transfers with their receipts) under an agreement, newest first', params: IdParams, querystring: PageQuery, response: { 200: ExchangePage } } },
      async (req) => ({ ...(await page({ agreementId: req.params.id }, req.query)), ...req.query }),
    );
    app.get(
      '/api/v1/datasets/:id/exchanges',
      { config: read, schema: { tags, summary: 'Exchanges (completed transfers with their receipts) of a dataset, newest first', params: IdParams, querystring: PageQuery, response: { 200: ExchangePage } } },
      async (req) => ({ ...(await page({ datasetId: req.params.id }, req.query)), ...req.query }),
    );
  };

  async function page(filter: { agreementId?: string; datasetId?: string }, q: { limit: number; offset: number }) {
    const { items, total } = await store.list(filter, q);
    return { items: items.map(exchangeView), total };
  }
}
