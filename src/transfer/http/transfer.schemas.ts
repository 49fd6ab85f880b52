import { Type } from '@sinclair/typebox';
import { STATES } from '../domain/transfer.machine.js';
import { FORMATS } from '../domain/transfer.types.js';

/** Management API schemas of the transfer context (operator, X-Api-Key). */

const Did = Type.String({ pattern: '^did:web:[a-zA-Z0-9.%_-]+(:[a-zA-Z0-9.%_~-]+)*$', maxLength: 500, description: "the provider's did:web" });
const Address = Type.String({ minLength: 1, maxLength: 2000, description: "the provider's DSP base URL, e.g. https://provider.example/dsp" });
const Format = Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'HttpData-PULL (the consumer reads from the provider) or HttpData-PUSH (the provider sends to our node)' });
const Destination = Type.Unknown({ description: 'where our node stores the data: {type:"file",path} | {type:"folder",path} | {type:"rest",url,method?,connection?}' });
const State = Type.Union(STATES.map((s) => Type.Literal(s)));
const Consent = Type.Object(
  {
    intermediary: Type.String({ pattern: '^did:web:[a-zA-Z0-9.%_-]+(:[a-zA-Z0-9.%_~-]+)*$', maxLength: 500, description: "the person's intermediary (did:web)" }),
    id: Type.String({ minLength: 1, maxLength: 500, description: 'the consent id at the intermediary' }),
  },
  { additionalProperties: false, description: "personal data: the person's consent; a consent token from the intermediary goes with the request" },
);

export const StartBody = Type.Object(
  { agreementId: Type.String({ minLength: 1, maxLength: 500 }), counterPartyAddress: Address, counterPartyId: Did, format: Format, dataDestination: Type.Optional(Destination), consent: Type.Optional(Consent) },
  { additionalProperties: false },
);

export const FetchBody = Type.Object(
  {
    counterPartyAddress: Address,
    counterPartyId: Did,
    datasetId: Type.String({ minLength: 1, maxLength: 500, description: "the dataset's @id in the provider's DSP catalog" }),
    agreementId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'transfer under this agreement (else one is reused or negotiated)' })),
    offerId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'negotiate this offer (else the dataset\'s first offer)' })),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    format: Type.Optional(Format),
    dataDestination: Type.Optional(Destination),
    consent: Type.Optional(Consent),
    timeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, description: 'seconds to wait for each step (default 60)' })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }) });
export const EmptyBody = Type.Object({}, { additionalProperties: false });
export const SuspendBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });
export const TerminateBody = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'reason code sent in the termination message (default dases:terminated-by-operator)' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('provider'), Type.Literal('consumer')])),
  state: Type.Optional(State),
  agreementId: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});

export const Created = Type.Object({ id: Type.String({ description: 'our process id (the consumerPid)' }) });

export const TransferView = Type.Object({
  id: Type.String({ description: 'our process id' }),
  state: State,
  reason: Type.Optional(Type.String({ description: 'why it was terminated' })),
  code: Type.Optional(Type.String({ description: 'termination reason code' })),
  role: Type.Union([Type.Literal('provider'), Type.Literal('consumer')]),
  counterPartyId: Type.String(),
  counterPartyAddress: Type.String(),
  providerPid: Type.String(),
  consumerPid: Type.String(),
  agreementId: Type.String(),
  datasetId: Type.String(),
  format: Type.String(),
  finite: Type.Boolean(),
  bytes: Type.Optional(Type.Integer()),
  sha256: Type.Optional(Type.String()),
  history: Type.Array(Type.Object({}, { additionalProperties: true })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const TransferList = Type.Object({ total: Type.Integer(), items: Type.Array(TransferView) });

export const DataAddressView = Type.Object({}, { additionalProperties: true, description: 'the DSP DataAddress: endpoint and endpointProperties (authorization, authType)' });

export const Stored = Type.Object(
  { transferId: Type.String(), agreementId: Type.String(), state: State, bytes: Type.Integer(), sha256: Type.String() },
  { description: 'with a dataDestination: the data is stored; without: the body is the data itself (application/octet-stream or the source\'s media type)' },
);
