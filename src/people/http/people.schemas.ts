import { Type } from '@sinclair/typebox';

export const meTags = ['me'];
export const linkTags = ['person-links'];

// Control characters never belong in a login, a name or a subject id.
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]+$';
const Did = Type.String({ minLength: 8, maxLength: 500, pattern: '^did:', description: 'a participant DID (did:web:…)' });
const Language = Type.Union([Type.Literal('fr'), Type.Literal('en')]);
const DateTime = Type.String({ format: 'date-time' });
const SubjectId = Type.String({ minLength: 1, maxLength: 200, pattern: PRINTABLE, description: "the person's pseudonymous id at the participant" });
const Code = Type.String({ minLength: 1, maxLength: 40, description: 'the one-time link code the person handed over (XXXX-XXXX-XXXX)' });

export const SignUpBody = Type.Object(
  {
    login: Type.String({ minLength: 3, maxLength: 100, description: 'unique, case-insensitively' }),
    password: Type.String({ minLength: 10, maxLength: 200 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    language: Type.Optional(Language),
  },
  { additionalProperties: false },
);
export const SignUpAnswer = Type.Object({ personId: Type.String() });

export const SignInBody = Type.Object({ login: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const SessionAnswer = Type.Object({ token: Type.String({ description: 'the session token (also set as the dases_session cookie)' }), expiresAt: DateTime });

export const Me = Type.Object({ personId: Type.String(), login: Type.String(), name: Type.Optional(Type.String()), language: Language, createdAt: DateTime });

export const LinkView = Type.Object({
  id: Type.String(),
  participantDid: Type.String(),
  subjectId: Type.Optional(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('revoked')]),
  codeExpiresAt: Type.Optional(DateTime),
  createdAt: DateTime,
  confirmedAt: Type.Optional(DateTime),
  revokedAt: Type.Optional(DateTime),
});
export const OpenLinkBody = Type.Object({ participant: Did }, { additionalProperties: false });
export const OpenedLink = Type.Object({ id: Type.String(), code: Type.String({ description: 'shown once: give it to the participant' }), expiresAt: DateTime });
export const LinkParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const ConfirmBody = Type.Object({ code: Code, subjectId: SubjectId }, { additionalProperties: false });
export const Confirmed = Type.Object({ linkId: Type.String() });

export const PersonLinkBody = Type.Object({ intermediary: Did, code: Code, subjectId: SubjectId }, { additionalProperties: false });
export const PersonLink = Type.Object({ id: Type.String(), intermediary: Type.String(), subjectId: Type.String(), linkId: Type.String(), confirmedAt: DateTime });
export const PersonLinkQuery = Type.Object(
  {
    intermediary: Type.Optional(Did),
    subjectId: Type.Optional(SubjectId),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
