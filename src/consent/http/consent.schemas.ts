import { Type, type Static } from '@sinclair/typebox';
import { ConsentRecord, ConsentStateSchema, NoticeReference } from '../domain/consent-record.js';

export const tags = ['consent'];

const Did = Type.String({ minLength: 1, maxLength: 500, pattern: '^did:' });
const Instant = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 500 });

/** POST /dsp/consents/requests: the consumer asks the intermediary for one person's consent. */
export const ConsentRequestBody = Type.Object(
  {
    provider: Type.String({ minLength: 1, maxLength: 500, pattern: '^did:', description: "The provider's DID (the controller holding the data)" }),
    datasetId: Id,
    offerId: Type.Optional(Id),
    purpose: Type.String({ minLength: 1, maxLength: 500 }),
    subjectId: Type.String({ minLength: 1, maxLength: 200, description: "The person's pseudonymous id at the consumer (confirmed link)" }),
  },
  { additionalProperties: false },
);
export type ConsentRequestBody = Static<typeof ConsentRequestBody>;

export const ConsentRequestAnswer = Type.Object({ id: Type.String(), status: ConsentStateSchema, reconfirmationRequired: Type.Boolean() });

export const TokenAnswer = Type.Object({ token: Type.String(), expiresAt: Instant });

/** POST /dsp/consents/notices: the intermediary's signed receipt of a change of a consent. */
export const ConsentNoticeBody = Type.Object(
  { receipt: Type.String({ minLength: 1, maxLength: 200_000, description: 'Compact JWS (typ dases-consent-receipt+jwt) by the intermediary' }) },
  { additionalProperties: false },
);
export const ConsentNoticeAnswer = Type.Object({ consentId: Type.String(), status: Type.String() });

export const IdParams = Type.Object({ id: Id });
export const PersonAction = Type.Union([Type.Literal('grant'), Type.Literal('refuse'), Type.Literal('withdraw'), Type.Literal('reconfirm')]);
export const ActionParams = Type.Object({ id: Id, action: PersonAction });
export const ActionBody = Type.Union([
  Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Grant/reconfirm: days the consent lasts (capped by DASES_CONSENT_DAYS)' })) }, { additionalProperties: false }),
  Type.Null(),
]);

/** A consent as its person sees it in the list. */
export const PersonConsentView = Type.Object({
  id: Type.String(),
  status: ConsentStateSchema,
  reconfirmationRequired: Type.Boolean(),
  consumer: Did,
  provider: Did,
  datasetId: Type.String(),
  offerId: Type.Optional(Type.String()),
  purpose: Type.String(),
  notice: NoticeReference,
  pendingNotice: Type.Optional(NoticeReference),
  expiresAt: Type.Optional(Instant),
  createdAt: Instant,
  updatedAt: Instant,
  /** What the person reads: the parties' legal names and the dataset's title, as the provider's notice gives them. */
  names: Type.Object({ provider: Type.Optional(Type.String()), consumer: Type.Optional(Type.String()), dataset: Type.Optional(Type.Record(Type.String(), Type.String())) }),
});
export type PersonConsentView = Static<typeof PersonConsentView>;

export const ReceiptView = Type.Object({ seq: Type.Integer(), state: Type.String(), receipt: Type.String(), hash: Type.String(), createdAt: Instant });

/** One consent with the notice to read (and the newer one awaiting reconfirmation), the record and its receipts. */
export const PersonConsentDetail = Type.Composite([
  PersonConsentView,
  Type.Object({
    noticeDocument: Type.Unknown({ description: "The provider's privacy notice as shown to the person (NOTICES' PrivacyNotice)" }),
    pendingNoticeDocument: Type.Optional(Type.Unknown()),
    record: ConsentRecord,
    receipts: Type.Array(ReceiptView),
  }),
]);
export type PersonConsentDetail = Static<typeof PersonConsentDetail>;

export const PersonConsentList = Type.Object({ items: Type.Array(PersonConsentView) });

/** A privacy notice in plain language (src/notices renderNotice), for the dashboard. */
export const RenderedNoticeAnswer = Type.Object({
  language: Type.String(),
  title: Type.String(),
  versionLine: Type.String(),
  version: Type.Integer(),
  hash: Type.String(),
  sections: Type.Array(Type.Object({ id: Type.String(), article: Type.String(), heading: Type.String(), sentences: Type.Array(Type.String()) })),
  missing: Type.Array(Type.String()),
});
export const NoticeQuery = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])), pending: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

/** The consumer's operator asks a person's intermediary for their consent (sent as POST /dsp/consents/requests). */
export const OutgoingRequestBody = Type.Object(
  {
    intermediary: Did,
    provider: Did,
    datasetId: Type.String({ minLength: 1, maxLength: 500 }),
    offerId: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    purpose: Type.String({ minLength: 1, maxLength: 500 }),
    subjectId: Type.String({ minLength: 1, maxLength: 200, description: "the person's pseudonymous id at this node (linked at the intermediary)" }),
  },
  { additionalProperties: false },
);

/** A consent as an operator or a party sees it: no person, only ids, parties and status. */
export const PartyConsentView = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('intermediary'), Type.Literal('provider'), Type.Literal('consumer')]),
  intermediary: Did,
  provider: Did,
  consumer: Did,
  datasetId: Type.String(),
  purpose: Type.String(),
  status: ConsentStateSchema,
  reconfirmationRequired: Type.Boolean(),
  expiresAt: Type.Optional(Instant),
  updatedAt: Instant,
});
export type PartyConsentView = Static<typeof PartyConsentView>;

export const PageQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }) },
  { additionalProperties: false },
);
export const PartyConsentPage = Type.Object({ items: Type.Array(PartyConsentView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
