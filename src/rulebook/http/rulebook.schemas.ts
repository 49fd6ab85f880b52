import { Type, type TSchema } from '@sinclair/typebox';
import { ROLES } from '../../identity/index.js';

export const Did = Type.String({ pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 500, description: 'a participant DID (did:web:…)' });
const Iri = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$', maxLength: 2000 });
export const Uuid = Type.String({ format: 'uuid' });
const RoleId = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'role id, kebab-case (e.g. data-provider)' });
const Hash = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Jws = Type.String({ minLength: 20, maxLength: 20_000, description: 'compact JWS' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Instant = Type.String({ format: 'date-time' });
const Document = Type.Record(Type.String(), Type.Unknown(), { description: 'a JSON object' });
const closed = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });
const opt = Type.Optional;

export const PageQuery = { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }) };
export const IdParams = closed({ id: Uuid });
export const RequestParams = closed({ id: Uuid, requestId: Uuid });
export const NameParams = closed({ name: Type.String({ minLength: 1, maxLength: 100 }) });
export const page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });

// Templates
export const TemplateRef = closed({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  parameters: opt(Type.Unknown({ description: "the template's parameters (see its `parameters` schema)" })),
});
export const InstantiateBody = closed({
  templates: Type.Array(TemplateRef, { minItems: 1, maxItems: 20 }),
  type: opt(Type.Union([Type.Literal('Set'), Type.Literal('Offer'), Type.Literal('Agreement')], { default: 'Set' })),
  uid: opt(Iri),
  target: opt(Iri),
  assigner: opt(Iri),
  assignee: opt(Iri),
});
export const TemplateView = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  kind: Type.String(),
  parameters: Type.Unknown({ description: 'JSON Schema of the parameters' }),
  example: Type.Unknown(),
  vocabulary: opt(Type.Array(Type.Object({ key: Type.String(), iri: Type.String(), label: Type.String(), broadMatch: opt(Type.String()) }))),
});
export const PolicyAnswer = Type.Object({ policy: Type.Unknown({ description: 'the ODRL 2.2 policy (JSON-LD)' }) });

// Rulebooks
const RoleInput = closed({
  id: RoleId,
  title: Text(200),
  description: opt(Type.String({ maxLength: 2000 })),
  requiredRegistryRoles: opt(Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { uniqueItems: true, description: 'roles the participant must hold in the registry' })),
  maxMembers: opt(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
const ObligationInput = closed({
  role: RoleId,
  title: opt(Text(200)),
  policy: opt(Document),
  templates: opt(Type.Array(TemplateRef, { minItems: 1, maxItems: 20 })),
});
export const RulebookInput = closed({
  roles: Type.Array(RoleInput, { minItems: 1, maxItems: 50 }),
  obligations: opt(Type.Array(ObligationInput, { maxItems: 200 })),
  participation: closed({
    mode: Type.Union([Type.Literal('invitation-only'), Type.Literal('open-with-approval')]),
    maxMembers: opt(Type.Integer({ minimum: 2, maximum: 10_000, description: 'members in all roles, the orchestrator included' })),
  }),
});
export const CreateBody = closed({ title: Text(200), description: opt(Type.String({ maxLength: 2000 })), rulebook: RulebookInput });
export const PublishBody = closed({ title: opt(Text(200)), description: opt(Type.String({ maxLength: 2000 })), rulebook: RulebookInput });
export const InviteBody = closed({ participant: Did, role: RoleId });
export const ReasonBody = closed({ reason: opt(Text(1000)) });
export const ContractBody = closed({
  title: opt(Text(300)),
  offerings: opt(Type.Array(closed({ did: Did, offerings: Type.Array(Text(300), { maxItems: 1000 }) }), { maxItems: 500 })),
});
export const JoinBody = closed({ orchestrator: Did, ecosystemId: Uuid, role: RoleId, message: opt(Text(2000)) });
export const VersionQuery = closed({ version: opt(Type.Integer({ minimum: 1 })) });

// Views
export const EcosystemView = Type.Object({
  id: Type.String(),
  orchestrator: Type.String(),
  title: Type.String(),
  version: Type.Integer(),
  rulebookHash: Type.String(),
  contract: opt(Type.Object({ id: Type.String(), versionHash: Type.String() })),
  createdAt: Instant,
  updatedAt: Instant,
});
export const MemberView = Type.Object({
  did: Type.String(),
  role: Type.String(),
  status: Type.String(),
  acceptedVersion: Type.Integer(),
  acceptedHash: Type.String(),
  acceptedCurrent: Type.Boolean({ description: 'whether the member accepted the current version' }),
  signature: Type.String(),
  joinedAt: Instant,
  acceptedAt: Instant,
  leftAt: opt(Instant),
  leftReason: opt(Type.String()),
});
export const VersionView = Type.Object({ version: Type.Integer(), hash: Type.String(), publishedAt: Instant });
export const EcosystemDetail = Type.Intersect([EcosystemView, Type.Object({ rulebook: Document, members: Type.Array(MemberView), versions: Type.Array(VersionView) })]);
export const RulebookView = Type.Intersect([VersionView, Type.Object({ rulebook: Document })]);
export const InvitationView = Type.Object({
  id: Type.String(),
  ecosystemId: Type.String(),
  participant: Type.String(),
  role: Type.String(),
  status: Type.String(),
  delivered: Type.Boolean(),
  lastError: opt(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});
export const JoinRequestView = Type.Object({
  id: Type.String(),
  ecosystemId: Type.String(),
  participant: Type.String(),
  role: Type.String(),
  message: opt(Type.String()),
  version: Type.Integer(),
  hash: Type.String(),
  signature: Type.String(),
  status: Type.String(),
  reason: opt(Type.String()),
  createdAt: Instant,
  decidedAt: opt(Instant),
});
export const MembershipView = Type.Object({
  ecosystemId: Type.String(),
  orchestrator: Type.String(),
  title: Type.String(),
  role: Type.String(),
  status: Type.String(),
  invitationId: opt(Type.String()),
  requestId: opt(Type.String()),
  latestVersion: Type.Integer(),
  latestHash: Type.String(),
  signedVersion: opt(Type.Integer()),
  acceptedVersion: opt(Type.Integer()),
  lastError: opt(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});
export const MembershipDetail = Type.Intersect([MembershipView, Type.Object({ rulebook: Document })]);
export const ContractAnswer = Type.Object({ contractId: Type.String(), versionHash: Type.String(), rulebookHash: Type.String() });

// Node-to-node messages
export const JoinRequestMessage = closed({ requestId: Uuid, role: RoleId, message: opt(Text(2000)), version: Type.Integer({ minimum: 1 }), rulebookHash: Hash, signature: Jws });
export const AcceptanceMessage = closed({ invitationId: opt(Uuid), version: Type.Integer({ minimum: 1 }), rulebookHash: Hash, signature: Jws });
export const InvitationMessage = closed({ invitationId: Uuid, role: RoleId, rulebook: Document, rulebookHash: Hash });
export const VersionMessage = closed({ rulebook: Document, rulebookHash: Hash });
export const DecisionMessage = closed({
  requestId: Uuid,
  decision: Type.Union([Type.Literal('approved'), Type.Literal('refused')]),
  reason: opt(Text(1000)),
  acceptedVersion: opt(Type.Integer({ minimum: 1 })),
  rulebook: opt(Document),
  rulebookHash: opt(Hash),
});
export const RemoteEcosystem = Type.Object({ id: Type.String(), orchestrator: Type.String(), title: Type.String(), version: Type.Integer(), rulebookHash: Type.String(), rulebook: Document });
export const StatusAnswer = Type.Object({ status: Type.String(), role: opt(Type.String()), version: opt(Type.Integer()) });
