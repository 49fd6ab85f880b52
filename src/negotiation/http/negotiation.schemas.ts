import { Type } from '@sinclair/typebox';
import { STATES } from '../domain/negotiation.machine.js';

/** Management API schemas of the negotiation context (operator, X-Api-Key). */

const Did = Type.String({ pattern: '^did:web:[a-zA-Z0-9.%_-]+(:[a-zA-Z0-9.%_~-]+)*$', maxLength: 500, description: 'the counterparty\'s did:web' });
const Address = Type.String({ minLength: 1, maxLength: 2000, description: 'the counterparty\'s DSP base URL, e.g. https://provider.example/dsp' });
const State = Type.Union(STATES.map((s) => Type.Literal(s)));
const Policy = Type.Object({}, { additionalProperties: true, description: 'ODRL policy in the compacted form of the DSP 2025-1 context' });
const Iso = Type.String({ format: 'date-time' });

export const StartBody = Type.Object(
  {
    counterPartyAddress: Address,
    counterPartyId: Did,
    offerId: Type.String({ minLength: 1, maxLength: 500, description: 'the @id of an offer in the provider\'s DSP catalog' }),
    datasetId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'the dataset holding the offer (saves walking the catalog)' })),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'the purpose declared to the provider and written into the contract' })),
  },
  { additionalProperties: false },
);

export const WaitQuery = Type.Object({
  wait: Type.Optional(Type.Boolean({ description: 'answer once the negotiation is FINALIZED or TERMINATED (or the timeout passed)' })),
  timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 300, description: 'seconds to wait at most (default 30)' })),
});

export const ProviderOfferBody = Type.Object(
  { counterPartyAddress: Address, counterPartyId: Did, offer: Type.Object({ target: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: true, description: 'an ODRL offer with its target dataset; @id is generated when absent' }) },
  { additionalProperties: false },
);

export const OfferBody = Type.Object({ offer: Policy }, { additionalProperties: false });
export const EmptyBody = Type.Object({}, { additionalProperties: false });
export const TerminateBody = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'reason code sent in the termination message (default dases:terminated-by-operator)' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }) });

export const ListQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('provider'), Type.Literal('consumer')])),
  state: Type.Optional(State),
  counterPartyId: Type.Optional(Did),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export const PageQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }) });

export const NegotiationView = Type.Object({
  id: Type.String({ description: 'our process id' }),
  state: State,
  agreementId: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String({ description: 'why it was terminated' })),
  code: Type.Optional(Type.String({ description: 'termination reason code' })),
  role: Type.Union([Type.Literal('provider'), Type.Literal('consumer')]),
  awaiting: Type.Union([Type.Literal('operator'), Type.Literal('counterparty'), Type.Null()], { description: 'whose move it is: ours (an operator decision) or the counterparty\'s' }),
  counterPartyId: Type.String(),
  counterPartyAddress: Type.String(),
  providerPid: Type.String(),
  consumerPid: Type.String(),
  offerId: Type.String(),
  target: Type.String(),
  offer: Policy,
  purpose: Type.Optional(Type.String()),
  agreement: Type.Optional(Policy),
  history: Type.Array(Type.Object({}, { additionalProperties: true })),
  createdAt: Iso,
  updatedAt: Iso,
});

export const NegotiationList = Type.Object({ total: Type.Integer(), items: Type.Array(NegotiationView) });

export const AgreementView = Type.Object({
  id: Type.String(),
  negotiationId: Type.String(),
  role: Type.Union([Type.Literal('provider'), Type.Literal('consumer')]),
  providerId: Type.String(),
  consumerId: Type.String(),
  target: Type.String(),
  timestamp: Type.String(),
  agreement: Policy,
  contract: Type.Object({ id: Type.Optional(Type.String({ description: 'the contract backing the agreement (revoke or terminate it under /api/v1/contracts/:id)' })), status: Type.String({ description: 'status of the backing contract: active, revoked, terminated, … or none' }) }),
  usable: Type.Boolean({ description: 'true only while the backing contract is active' }),
});
export const AgreementList = Type.Object({ total: Type.Integer(), items: Type.Array(AgreementView) });
