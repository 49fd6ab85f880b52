import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { canonicalJson, type FieldError } from '../../kernel/index.js';

/**
 * The documents parties sign. A version is immutable: it is addressed by the SHA-256 of its RFC 8785 canonical
 * JSON, and an amendment is a new document that names the hash of the one it replaces.
 */
export const VERSION_HASH = '^sha256:[0-9a-f]{64}$';
const Did = Type.String({ pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 500 });
const Hash = Type.String({ pattern: VERSION_HASH });
const Id = Type.String({ minLength: 1, maxLength: 300, pattern: '^\\S+$' });
const Json = Type.Record(Type.String(), Type.Unknown());
// A pattern rather than `format`: TypeBox's Value checks know no formats unless registered globally.
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$', maxLength: 40 });

const common = {
  id: Id,
  version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  previousVersion: Type.Optional(Hash),
  /** Who sends this version to the other parties and distributes their signatures (absent: no hub). */
  proposer: Type.Optional(Did),
  createdAt: Type.Optional(Instant),
  validUntil: Type.Optional(Instant),
};

export const BilateralContractSchema = Type.Object(
  {
    type: Type.Literal('BilateralContract'),
    ...common,
    provider: Did,
    consumer: Did,
    offerId: Id,
    /** The Dataspace Protocol agreement this contract backs, when it came out of a negotiation. */
    agreementId: Type.Optional(Id),
    /** The ODRL policy or agreement. */
    policy: Json,
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const MemberSchema = Type.Object(
  {
    did: Did,
    role: Type.String({ minLength: 1, maxLength: 100 }),
    offerings: Type.Array(Id, { maxItems: 1000 }),
    policies: Type.Array(Json, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export const EcosystemContractSchema = Type.Object(
  {
    type: Type.Literal('EcosystemContract'),
    ...common,
    ecosystemId: Id,
    title: Type.String({ minLength: 1, maxLength: 300 }),
    members: Type.Array(MemberSchema, { minItems: 2, maxItems: 500 }),
    rulebookHash: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const ContractDocumentSchema = Type.Union([BilateralContractSchema, EcosystemContractSchema]);

export type BilateralContract = Static<typeof BilateralContractSchema>;
export type EcosystemContract = Static<typeof EcosystemContractSchema>;
export type ContractMember = Static<typeof MemberSchema>;
export type ContractDocument = BilateralContract | EcosystemContract;
export type ContractKind = 'bilateral' | 'ecosystem';

export const kindOf = (doc: ContractDocument): ContractKind => (doc.type === 'BilateralContract' ? 'bilateral' : 'ecosystem');

/** 'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of the document. */
export function hashOf(doc: ContractDocument): string {
  return `sha256:${createHash('sha256').update(canonicalJson(doc), 'utf8').digest('hex')}`;
}

/** Every party whose signature the version needs, with its role. */
export function requiredParties(doc: ContractDocument): Array<{ did: string; role: string }> {
  if (doc.type === 'BilateralContract') return [{ did: doc.provider, role: 'provider' }, { did: doc.consumer, role: 'consumer' }];
  return doc.members.map((m) => ({ did: m.did, role: m.role }));
}

export const isParty = (doc: ContractDocument, did: string): boolean => requiredParties(doc).some((p) => p.did === did);

export const titleOf = (doc: ContractDocument): string => (doc.type === 'BilateralContract' ? `${doc.offerId} (${doc.provider} → ${doc.consumer})` : doc.title);

/**
 * Checks an untrusted value is a contract document (shape, then the rules a schema cannot say) and returns a
 * copy holding only JSON (so its hash is the hash of what was checked). Paths are JSON pointers under `at`.
 */
export function parseContractDocument(value: unknown, at = ''): { ok: true; value: ContractDocument } | { ok: false; errors: FieldError[] } {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  } catch {
    return { ok: false, errors: [{ path: at || '/', message: 'is not JSON' }] };
  }
  const type = (copy as { type?: unknown } | null)?.type;
  const schema = type === 'BilateralContract' ? BilateralContractSchema : type === 'EcosystemContract' ? EcosystemContractSchema : undefined;
  if (!schema) return { ok: false, errors: [{ path: `${at}/type`, message: 'must be BilateralContract or EcosystemContract' }] };
  const shapeErrors = [...Value.Errors(schema, copy)].slice(0, 20).map((e) => ({ path: `${at}${e.path}`, message: e.message }));
  if (shapeErrors.length) return { ok: false, errors: shapeErrors };
  const doc = copy as ContractDocument;
  const errors = ruleErrors(doc, at);
  return errors.length ? { ok: false, errors } : { ok: true, value: doc };
}

function ruleErrors(doc: ContractDocument, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (doc.version === 1 && doc.previousVersion !== undefined) errors.push({ path: `${at}/previousVersion`, message: 'version 1 has no previous version' });
  if (doc.version > 1 && doc.previousVersion === undefined) errors.push({ path: `${at}/previousVersion`, message: 'an amendment must name the version it replaces' });
  for (const k of ['createdAt', 'validUntil'] as const) {
    if (doc[k] !== undefined && Number.isNaN(Date.parse(doc[k]))) errors.push({ path: `${at}/${k}`, message: 'is not a valid instant' });
  }
  if (doc.createdAt && doc.validUntil && Date.parse(doc.validUntil) <= Date.parse(doc.createdAt)) errors.push({ path: `${at}/validUntil`, message: 'must be after createdAt' });
  if (doc.type === 'BilateralContract') {
    if (doc.provider === doc.consumer) errors.push({ path: `${at}/consumer`, message: 'provider and consumer must differ' });
  } else {
    const seen = new Set<string>();
    doc.members.forEach((m, i) => {
      if (seen.has(m.did)) errors.push({ path: `${at}/members/${i}/did`, message: 'member listed twice' });
      seen.add(m.did);
    });
  }
  if (doc.proposer !== undefined && !isParty(doc, doc.proposer)) errors.push({ path: `${at}/proposer`, message: 'the proposer must be a party' });
  return errors;
}

/** Deterministic bilateral contract for a DSP agreement: both nodes build the same document, hence the same hash. */
export function bilateralFromAgreement(input: { agreement: Record<string, unknown>; providerDid: string; consumerDid: string; offerId: string; purpose?: string | undefined }): BilateralContract {
  const agreementId = input.agreement['@id'] ?? input.agreement.id;
  if (typeof agreementId !== 'string' || agreementId === '') throw new TypeError('the agreement has no @id');
  return {
    type: 'BilateralContract',
    // Derived from the agreement id so that both sides name the contract alike without talking.
    id: `urn:dases:contract:${createHash('sha256').update(agreementId, 'utf8').digest('hex').slice(0, 32)}`,
    version: 1,
    provider: input.providerDid,
    consumer: input.consumerDid,
    offerId: input.offerId,
    agreementId,
    policy: JSON.parse(JSON.stringify(input.agreement)) as Record<string, unknown>,
    ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
  };
}

/** What an amendment may change, per kind (the parties of a bilateral contract stay; members may change). */
export interface AmendmentChanges {
  policy?: Record<string, unknown> | undefined;
  purpose?: string | undefined;
  title?: string | undefined;
  members?: ContractMember[] | undefined;
  rulebookHash?: string | undefined;
  validUntil?: string | undefined;
}

const BILATERAL_CHANGES = new Set(['policy', 'purpose', 'validUntil']);
const ECOSYSTEM_CHANGES = new Set(['title', 'members', 'rulebookHash', 'validUntil']);

/** The next version of `previous` with `changes`, proposed by `proposer`; errors name the fields that do not apply. */
export function amend(previous: ContractDocument, changes: AmendmentChanges, meta: { proposer: string; createdAt: string }, at = ''): { ok: true; value: ContractDocument } | { ok: false; errors: FieldError[] } {
  const allowed = previous.type === 'BilateralContract' ? BILATERAL_CHANGES : ECOSYSTEM_CHANGES;
  const given = Object.entries(changes).filter(([, v]) => v !== undefined);
  const wrong = given.filter(([k]) => !allowed.has(k)).map(([k]) => ({ path: `${at}/${k}`, message: `cannot be amended on a ${previous.type}` }));
  if (wrong.length) return { ok: false, errors: wrong };
  if (!given.length) return { ok: false, errors: [{ path: at || '/', message: 'an amendment must change something' }] };
  const { previousVersion: _p, createdAt: _c, ...rest } = previous;
  const next = { ...rest, ...Object.fromEntries(given), version: previous.version + 1, previousVersion: hashOf(previous), proposer: meta.proposer, createdAt: meta.createdAt };
  const parsed = parseContractDocument(next);
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => ({ ...e, path: `${at}${e.path}` })) };
  if (hashOf(parsed.value) === hashOf({ ...previous, version: parsed.value.version, previousVersion: hashOf(previous), proposer: meta.proposer, createdAt: meta.createdAt })) {
    return { ok: false, errors: [{ path: at || '/', message: 'an amendment must change something' }] };
  }
  return parsed;
}
