import { Type } from '@sinclair/typebox';

export const tags = ['policies'];

/** 1 MiB of Turtle or JSON-LD text is far beyond any real policy; the app's body limit applies on top. */
const MAX_TEXT = 1_048_576;

const Document = (what: string) =>
  Type.Union(
    [
      Type.Object({}, { additionalProperties: true, description: `${what} as a JSON-LD object` }),
      Type.Array(Type.Unknown(), { description: `${what} as a JSON-LD array` }),
      Type.String({ minLength: 1, maxLength: MAX_TEXT, description: `${what} as Turtle (or JSON-LD text)` }),
    ],
    { description: what },
  );

export const EvaluateBody = Type.Object(
  {
    policy: Document('The ODRL 2.2 policy'),
    request: Document('The evaluation request (ODRL formal semantics: evaluated action, party, target, parameters)'),
    state: Type.Optional(Document('The state of the world (current time, odrl:partOf memberships, performed duties)')),
    format: Type.Optional(Type.Union([Type.Literal('jsonld'), Type.Literal('turtle')], { default: 'jsonld', description: 'Syntax of the compliance report' })),
  },
  { additionalProperties: false },
);

export const ComplianceReport = Type.Object({}, { additionalProperties: true, description: 'Compliance report (https://w3id.org/force/compliance-report#) as JSON-LD with an inline @context' });

export const ValidateBody = Type.Object({ policy: Document('The ODRL 2.2 policy') }, { additionalProperties: false });

const Issue = Type.Object({
  path: Type.String({ description: 'JSON pointer into the request body' }),
  node: Type.Optional(Type.String({ description: 'The offending rule or constraint (IRI or blank-node label)' })),
  message: Type.String(),
});

export const ValidationAnswer = Type.Object({
  valid: Type.Boolean(),
  policy: Type.Optional(Type.String({ description: 'The policy uid' })),
  rules: Type.Integer({ description: 'Atomic rules the policy expands to (duties included)' }),
  errors: Type.Array(Issue),
  warnings: Type.Array(Issue),
});
