import { Type } from '@sinclair/typebox';
import { ErasureOutcome, ExchangeRole, ExchangeState } from '../domain/rights.messages.js';

export const tags = ['rights'];

const Did = Type.String({ pattern: '^did:' });
const Instant = Type.String({ format: 'date-time' });
const Jws = (description: string) => Type.String({ minLength: 1, maxLength: 100_000, description });
const Party = Type.Object({ did: Did, name: Type.Optional(Type.String()) });

/** POST /dsp/people/exchanges. */
export const ExchangeReportBody = Type.Object({ report: Jws('Compact JWS (typ dases-exchange-report+jwt) by the reporting party') }, { additionalProperties: false });
export const ExchangeReportAnswer = Type.Object({ id: Type.String(), duplicate: Type.Boolean() });

export const PersonExchange = Type.Object({
  transferId: Type.String(),
  consentId: Type.String(),
  reportedBy: Did,
  role: ExchangeRole,
  provider: Party,
  consumer: Party,
  datasetId: Type.String(),
  state: ExchangeState,
  startedAt: Type.Optional(Instant),
  endedAt: Type.Optional(Instant),
  bytes: Type.Optional(Type.Integer()),
  sha256: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  reports: Type.Array(Type.Object({ state: ExchangeState, at: Instant, report: Type.String({ description: "The party's signed report (compact JWS)" }) })),
});
export const PersonExchangeList = Type.Object({ items: Type.Array(PersonExchange) });

const ErasurePartyStatus = Type.Union(['sent', 'delivered', 'confirmed', 'refused', 'undeliverable'].map((s) => Type.Literal(s)));
export const ErasureRequestView = Type.Object({
  id: Type.String(),
  requestedAt: Instant,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  parties: Type.Array(
    Type.Object({
      did: Did,
      name: Type.Optional(Type.String()),
      subjectId: Type.String(),
      status: ErasurePartyStatus,
      request: Type.String({ description: 'The signed request sent (compact JWS)' }),
      updatedAt: Instant,
      answeredAt: Type.Optional(Instant),
      reason: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
      confirmation: Type.Optional(Type.String({ description: "The participant's signed answer (compact JWS)" })),
    }),
  ),
});
export const ErasureRequestList = Type.Object({ items: Type.Array(ErasureRequestView) });
export const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/** GET /api/v1/me/export: the sections are typed by their own routes; here they pass through as built. */
export const PersonalExport = Type.Object({
  type: Type.Literal('dases:PersonalDataExport'),
  exportedAt: Instant,
  intermediary: Did,
  account: Type.Object({ id: Type.String(), login: Type.String(), name: Type.Optional(Type.String()), language: Type.String(), createdAt: Instant }),
  links: Type.Array(Type.Unknown()),
  consents: Type.Array(Type.Unknown()),
  exchanges: Type.Array(PersonExchange),
  erasureRequests: Type.Array(ErasureRequestView),
});

/** POST /dsp/erasure-requests (the intermediary's signed request; the plain fields must equal the signed ones). */
export const ErasureRequestBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 500 }),
    subjectId: Type.String({ minLength: 1, maxLength: 200 }),
    requestedAt: Type.String({ minLength: 1, maxLength: 40 }),
    request: Jws('Compact JWS (typ dases-erasure-request+jwt) by the intermediary'),
  },
  { additionalProperties: false },
);
const ReceivedStatus = Type.Union([Type.Literal('received'), Type.Literal('erased'), Type.Literal('refused')]);
export const ReceivedErasureView = Type.Object({
  id: Type.String(),
  intermediary: Did,
  subjectId: Type.String(),
  requestedAt: Instant,
  receivedAt: Instant,
  status: ReceivedStatus,
  reason: Type.Optional(Type.String()),
  decidedAt: Type.Optional(Instant),
});
export const ReceivedErasurePage = Type.Object({ items: Type.Array(ReceivedErasureView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
export const ReceivedErasureQuery = Type.Object(
  { status: Type.Optional(ReceivedStatus), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) },
  { additionalProperties: false },
);
export const ConfirmBody = Type.Object(
  { outcome: ErasureOutcome, reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Required when refusing' })) },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }) });

/** POST /dsp/people/erasure-confirmations. */
export const ErasureConfirmationBody = Type.Object({ confirmation: Jws('Compact JWS (typ dases-erasure-confirmation+jwt) by the participant') }, { additionalProperties: false });
export const ErasureConfirmationAnswer = Type.Object({ requestId: Type.String(), status: ErasurePartyStatus });
