import { Type, type Static } from '@sinclair/typebox';

export const tags = ['receipts'];

const Did = Type.String({ minLength: 1, maxLength: 500 });
const Instant = Type.String({ format: 'date-time' });

/** POST /dsp/receipts: a party's signature over the receipt and its log receipt of its own entry. */
export const ReceiptMessage = Type.Object(
  {
    signature: Type.String({ minLength: 1, maxLength: 20_000, description: 'Compact JWS (typ dases-receipt+jwt) over the RFC 8785 JSON of the receipt document' }),
    ledgerReceipt: Type.Object(
      { entry: Type.Object({}, { additionalProperties: true }), treeHead: Type.String({ maxLength: 20_000 }), inclusionProof: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 64 }), signer: Type.Optional(Type.Object({}, { additionalProperties: true })) },
      { additionalProperties: false, description: "The sender's transparency-log receipt of its exchange.receipt entry (verifiable offline)" },
    ),
  },
  { additionalProperties: false },
);
export type ReceiptMessage = Static<typeof ReceiptMessage>;

export const ReceiptAnswer = Type.Object({ transferId: Type.String(), status: Type.String() });

/** POST /dsp/receipts/batch: several receipts (or countersignatures) of the sender, usually under one tree head. */
export const ReceiptBatch = Type.Object({ receipts: Type.Array(ReceiptMessage, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });
export type ReceiptBatch = Static<typeof ReceiptBatch>;

/** One answer per item, in order: taken (as ReceiptAnswer) or refused (the error's code, HTTP status and detail). */
export const ReceiptBatchAnswer = Type.Object({
  results: Type.Array(
    Type.Union([
      ReceiptAnswer,
      Type.Object({ error: Type.Object({ code: Type.String(), status: Type.Integer(), detail: Type.String() }) }),
    ]),
  ),
});

export const ReceiptDocumentSchema = Type.Object({
  type: Type.Literal('dases:ExchangeReceipt'),
  agreementId: Type.String(),
  providerPid: Type.String(),
  consumerPid: Type.String(),
  datasetId: Type.String(),
  provider: Did,
  consumer: Did,
  bytes: Type.Integer(),
  sha256: Type.String(),
  startedAt: Instant,
  endedAt: Instant,
});

export const ExchangeView = Type.Object({
  transferId: Type.String(),
  role: Type.Union([Type.Literal('provider'), Type.Literal('consumer')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('countersigned'), Type.Literal('disputed')]),
  counterparty: Type.Optional(Did),
  agreementId: Type.Optional(Type.String()),
  datasetId: Type.Optional(Type.String()),
  receipt: Type.Optional(ReceiptDocumentSchema),
  documentHash: Type.Optional(Type.String()),
  providerSignature: Type.Optional(Type.String()),
  consumerSignature: Type.Optional(Type.String()),
  providerLedgerReceipt: Type.Optional(Type.Unknown()),
  consumerLedgerReceipt: Type.Optional(Type.Unknown()),
  measured: Type.Boolean(),
  measurement: Type.Optional(Type.Object({ bytes: Type.Integer(), sha256: Type.String(), startedAt: Instant, endedAt: Instant, complete: Type.Boolean() })),
  disputeReason: Type.Optional(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});
export type ExchangeView = Static<typeof ExchangeView>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }) });
export const PageQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) },
  { additionalProperties: false },
);
export const ExchangePage = Type.Object({ items: Type.Array(ExchangeView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
