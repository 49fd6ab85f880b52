import { Type } from '@sinclair/typebox';
import { MemberSchema, VERSION_HASH } from '../domain/contract-document.js';

export const tags = ['contracts'];
export const dspTags = ['contracts (Dataspace Protocol)'];

const Did = Type.String({ pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 500, description: 'A DID (did:web:…)' });
export const Hash = Type.String({ pattern: VERSION_HASH, description: "A version's address: 'sha256:' + hex SHA-256 of its RFC 8785 JSON" });
const Instant = Type.String({ format: 'date-time', maxLength: 40 });
const Jws = Type.String({ minLength: 10, maxLength: 20_000, description: 'A compact JWS' });
const Reason = Type.String({ minLength: 1, maxLength: 1000 });
const Policy = Type.Object({}, { additionalProperties: true, description: 'An ODRL policy (JSON-LD)' });
const ContractStatus = Type.Union(['pending', 'active', 'superseded', 'terminated', 'revoked', 'expired'].map((s) => Type.Literal(s)));
const VersionStatus = Type.Union(['pending', 'active', 'superseded', 'terminated', 'revoked'].map((s) => Type.Literal(s)));
const Kind = Type.Union([Type.Literal('bilateral'), Type.Literal('ecosystem')]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300, description: 'The contract id, URL-encoded' }) });
export const VersionParams = Type.Object({ id: IdParams.properties.id, hash: Hash });

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('terminated'), Type.Literal('revoked')])),
    kind: Type.Optional(Kind),
    party: Type.Optional(Did),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

export const BilateralBody = Type.Object(
  {
    counterParty: Did,
    role: Type.Union([Type.Literal('provider'), Type.Literal('consumer')], { description: "This node's side" }),
    offerId: Type.String({ minLength: 1, maxLength: 300 }),
    policy: Policy,
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    validUntil: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const EcosystemBody = Type.Object(
  {
    ecosystemId: Type.String({ minLength: 1, maxLength: 300 }),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    members: Type.Array(MemberSchema, { minItems: 2, maxItems: 500 }),
    rulebookHash: Type.String({ minLength: 1, maxLength: 200 }),
    validUntil: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const AmendBody = Type.Object(
  {
    policy: Type.Optional(Policy),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    members: Type.Optional(Type.Array(MemberSchema, { minItems: 2, maxItems: 500 })),
    rulebookHash: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    validUntil: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const SignBody = Type.Object({ versionHash: Hash }, { additionalProperties: false });
export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export const FileQuery = Type.Object({ version: Type.Optional(Hash) }, { additionalProperties: false });

export const Proposed = Type.Object({ contractId: Type.String(), versionHash: Type.String() });
export const Signed = Type.Object({ contractId: Type.String(), versionHash: Type.String(), status: VersionStatus });
export const Ended = Type.Object({ contractId: Type.String(), versionHash: Type.String(), status: ContractStatus });

export const ContractView = Type.Object({
  id: Type.String(),
  kind: Kind,
  title: Type.String(),
  agreementId: Type.Optional(Type.String()),
  status: ContractStatus,
  currentVersion: Type.Optional(Type.String()),
  latestVersion: Type.String(),
  ended: Type.Optional(Type.Object({ by: Type.String(), reason: Type.String(), at: Type.String({ format: 'date-time' }) })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const VersionView = Type.Object({
  hash: Type.String(),
  version: Type.Integer(),
  previousVersion: Type.Optional(Type.String()),
  proposer: Type.Optional(Type.String()),
  status: VersionStatus,
  createdAt: Type.String({ format: 'date-time' }),
  activatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  parties: Type.Array(Type.Object({ did: Type.String(), role: Type.String(), signed: Type.Boolean(), signedAt: Type.Optional(Type.String()) })),
  signatures: Type.Array(Type.String()),
  document: Type.Unknown({ description: 'The signed document (BilateralContract or EcosystemContract)' }),
});

const NoticeView = Type.Object({
  signer: Type.String(),
  action: Type.Union([Type.Literal('terminate'), Type.Literal('revoke')]),
  versionHash: Type.String(),
  reason: Type.String(),
  issuedAt: Type.String(),
  notice: Type.String(),
});

export const ContractDetail = Type.Composite([ContractView, Type.Object({ versions: Type.Array(VersionView), notices: Type.Array(NoticeView) })]);

export const ContractFile = Type.Object(
  {
    format: Type.Literal('dases-contract-file/1'),
    contractId: Type.String(),
    versionHash: Type.String(),
    status: ContractStatus,
    document: Type.Unknown(),
    signatures: Type.Array(Type.String()),
    notices: Type.Array(Type.String()),
    keys: Type.Array(Type.Object({ did: Type.String(), kid: Type.String(), publicKeyJwk: Type.Unknown() })),
  },
  { description: 'One version with its signatures, notices and public keys: `dases contracts verify` checks it offline' },
);

export const ProposalBody = Type.Object(
  { document: Type.Object({}, { additionalProperties: true }), signatures: Type.Array(Jws, { maxItems: 500 }) },
  { additionalProperties: false },
);
export const SignaturesBody = Type.Object({ versionHash: Hash, signatures: Type.Array(Jws, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export const NoticeBody = Type.Object({ notice: Jws }, { additionalProperties: false });
export const Received = Type.Object({ contractId: Type.String(), versionHash: Type.String(), status: Type.String({ description: 'The version status after the message (contract status for notices)' }) });
