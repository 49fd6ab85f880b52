import { Type, type Static } from '@sinclair/typebox';

export const tags = ['notices'];

const Did = Type.String({ pattern: '^did:[a-z0-9]+:\\S+$', maxLength: 500 });
const Str = Type.String();
const Opt = Type.Optional;
const Restriction = Type.Object({ operator: Str, values: Type.Array(Str) });

/** The content of a notice: every GDPR Art. 13 field (see domain/notice.ts); absent values are listed in `missing`. */
export const NoticeContentSchema = Type.Object({
  type: Type.Literal('dases:PrivacyNotice'),
  schemaVersion: Type.Literal(1),
  processing: Type.Object({ datasetId: Str, offerId: Str, consumerDid: Str, purpose: Str }),
  dataset: Type.Object({ id: Str, title: Type.Record(Str, Str) }),
  controller: Type.Object({ did: Str, legalName: Str, legalAddress: Opt(Str), country: Opt(Str), contact: Opt(Str) }),
  dpo: Type.Object({ contact: Opt(Str) }),
  purposes: Type.Object({ purposes: Type.Array(Str), legalBasis: Type.Literal('consent'), article: Type.Literal('GDPR Art. 6(1)(a)'), specialCategoriesArticle: Opt(Type.Literal('GDPR Art. 9(2)(a)')) }),
  legitimateInterests: Type.Object({ applicable: Type.Literal(false) }),
  recipients: Type.Object({ parties: Type.Array(Type.Object({ did: Str, legalName: Opt(Str), country: Opt(Str) })), policyRestrictions: Type.Array(Restriction) }),
  internationalTransfers: Type.Object({ outsideEea: Opt(Type.Boolean()), countriesOutsideEea: Type.Array(Str), adequacyDecision: Opt(Type.Boolean()), policyAreas: Type.Array(Restriction) }),
  retention: Type.Object({ duration: Opt(Str), days: Opt(Type.Integer()), from: Opt(Type.Union([Type.Literal('contract-signature'), Type.Literal('data-receipt')])), source: Opt(Type.Union([Type.Literal('policy'), Type.Literal('dataset')])) }),
  rights: Type.Object({ rights: Type.Array(Type.Union(['access', 'rectification', 'erasure', 'restriction', 'portability'].map((r) => Type.Literal(r)))), dashboardUrl: Opt(Str), contact: Opt(Str) }),
  withdrawal: Type.Object({ intermediaryDid: Str, url: Opt(Str) }),
  complaint: Type.Object({ authority: Opt(Str), url: Opt(Str), source: Opt(Type.Union([Type.Literal('configuration'), Type.Literal('headquarters')])) }),
  requirement: Type.Object({ statutory: Type.Literal(false), contractual: Type.Literal(false), obliged: Type.Literal(false) }),
  automatedDecisions: Type.Object({ exists: Opt(Type.Boolean()), description: Opt(Str) }),
  personalData: Type.Object({ categories: Type.Array(Str), specialCategories: Opt(Type.Boolean()) }),
});

/** A notice version as `POST /dsp/notices/resolve` and the management API return it. */
export const PrivacyNoticeSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Integer({ minimum: 1 }),
  hash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: "'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of content" }),
  content: NoticeContentSchema,
  missing: Type.Array(Type.Object({ field: Str, message: Str }), { description: 'What the controller still has to provide (JSON pointers into content)' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ResolveBody = Type.Object(
  {
    datasetId: Type.String({ minLength: 1, maxLength: 200 }),
    offerId: Opt(Type.String({ minLength: 1, maxLength: 200, description: 'urn:uuid:… as in the catalog; required when the dataset has several offers' })),
    consumerDid: Did,
    purpose: Type.String({ minLength: 1, maxLength: 500 }),
    intermediary: Opt(
      Type.Object(
        { did: Did, withdrawUrl: Opt(Type.String({ minLength: 1, maxLength: 2000, description: "http(s) URL of the person's dashboard where consent is withdrawn" })) },
        { additionalProperties: false, description: 'The caller (default: the caller, its dashboard at <its origin>/me/)' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBody>;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const GetQuery = Type.Object({ version: Opt(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });
export const TextQuery = Type.Object({ lang: Type.Union([Type.Literal('fr'), Type.Literal('en')], { default: 'en' }), version: Opt(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });
export const ListQuery = Type.Object(
  {
    datasetId: Opt(Type.String({ maxLength: 200 })),
    consumerDid: Opt(Type.String({ maxLength: 500 })),
    incomplete: Opt(Type.Boolean({ description: 'true: only notices whose current version has missing fields' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);
export const NoticeView = Type.Composite([PrivacyNoticeSchema, Type.Object({ currentVersion: Type.Integer() })]);
export const NoticePage = Type.Object({ items: Type.Array(PrivacyNoticeSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
export const RenderedSchema = Type.Object({
  language: Type.Union([Type.Literal('fr'), Type.Literal('en')]),
  title: Str,
  versionLine: Str,
  sections: Type.Array(Type.Object({ id: Str, article: Str, heading: Str, sentences: Type.Array(Str) })),
});
