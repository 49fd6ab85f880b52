import { Type, type Static } from '@sinclair/typebox';

/**
 * The three signed messages of the person's rights, each a compact JWS (EdDSA, by the sender node's key) over the
 * RFC 8785 form of its payload. Every payload names its sender and its receiver, so a message cannot be replayed
 * to another node or passed off as another node's.
 */
export const EXCHANGE_REPORT_TYP = 'dases-exchange-report+jwt';
export const ERASURE_REQUEST_TYP = 'dases-erasure-request+jwt';
export const ERASURE_CONFIRMATION_TYP = 'dases-erasure-confirmation+jwt';

const Did = Type.String({ minLength: 1, maxLength: 500, pattern: '^did:' });
const Id = Type.String({ minLength: 1, maxLength: 500 });
// ISO 8601 instant as Date#toISOString writes it (the validator knows no formats).
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' });

export const ExchangeState = Type.Union([Type.Literal('STARTED'), Type.Literal('COMPLETED'), Type.Literal('TERMINATED')]);
export type ExchangeState = Static<typeof ExchangeState>;
export const ExchangeRole = Type.Union([Type.Literal('provider'), Type.Literal('consumer')]);
export type ExchangeRole = Static<typeof ExchangeRole>;

/** A party tells the person's intermediary that a transfer under a consent started or ended. */
export const ExchangeReportPayload = Type.Object(
  {
    type: Type.Literal('dases:ExchangeReport'),
    reporter: Did,
    intermediary: Did,
    consentId: Id,
    transferId: Id,
    role: ExchangeRole,
    providerDid: Did,
    consumerDid: Did,
    datasetId: Id,
    state: ExchangeState,
    at: Instant,
    bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type ExchangeReportPayload = Static<typeof ExchangeReportPayload>;

/** The intermediary asks a participant, on the person's behalf, to erase what it holds under the subject id. */
export const ErasureRequestPayload = Type.Object(
  {
    type: Type.Literal('dases:ErasureRequest'),
    id: Id,
    intermediary: Did,
    participant: Did,
    subjectId: Type.String({ minLength: 1, maxLength: 200 }),
    requestedAt: Instant,
  },
  { additionalProperties: false },
);
export type ErasureRequestPayload = Static<typeof ErasureRequestPayload>;

export const ErasureOutcome = Type.Union([Type.Literal('erased'), Type.Literal('refused')]);
export type ErasureOutcome = Static<typeof ErasureOutcome>;

/** The participant's answer, once its operator erased the data (or refused, with the reason). */
export const ErasureConfirmationPayload = Type.Object(
  {
    type: Type.Literal('dases:ErasureConfirmation'),
    requestId: Id,
    intermediary: Did,
    participant: Did,
    subjectId: Type.String({ minLength: 1, maxLength: 200 }),
    outcome: ErasureOutcome,
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    at: Instant,
  },
  { additionalProperties: false },
);
export type ErasureConfirmationPayload = Static<typeof ErasureConfirmationPayload>;
