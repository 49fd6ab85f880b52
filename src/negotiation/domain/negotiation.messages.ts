import { Type, type TSchema } from '@sinclair/typebox';
import { DSP_CONTEXT, messageValidator, type MessageValidator } from '../../kernel/index.js';
import { STATES } from './negotiation.machine.js';

/*
 * Our own schemas of the DSP 2025-1 contract negotiation messages and of the ODRL profile they carry, written
 * from the protocol text (the spec's schema files are test data only). Extra properties are allowed, as the
 * protocol lets receivers ignore terms they do not know. Where the text is stricter than the published schemas
 * we follow the text: rules carry no `target`, and an agreement in a ContractAgreementMessage has a timestamp.
 */
const open = { additionalProperties: true } as const;
const Str = (o: object = {}) => Type.String({ minLength: 1, maxLength: 2000, ...o });

export const DspContext = Type.Array(Type.String(), { contains: Type.Literal(DSP_CONTEXT), description: `must contain "${DSP_CONTEXT}"` });
const Pid = Str({ description: 'process id (an IRI such as urn:uuid:…)' });
/** Our extension: the sender's compact JWS over the bilateral contract the agreement is (see the contracts context). */
export const SIGNATURE_TERM = 'https://w3id.org/dases/ns#contractSignature';
/** Our extension: the purpose a consumer declares for the data (carried in its requests). */
export const PURPOSE_TERM = 'https://w3id.org/dases/ns#purpose';

const OPERATORS = ['eq', 'gt', 'gteq', 'lteq', 'hasPart', 'isA', 'isAllOf', 'isAnyOf', 'isNoneOf', 'isPartOf', 'lt', 'term-lteq', 'neq'] as const;
const LOGICAL = ['and', 'andSequence', 'or', 'xone'] as const;

/** Exactly one of `keys` present (the spec's `oneOf` of `required` lists), as exclusive branches. */
function exactlyOne(keys: readonly string[], value: TSchema = Type.Unknown()) {
  return Type.Union(keys.map((k) => Type.Object(Object.fromEntries(keys.map((o) => [o, o === k ? value : Type.Optional(Type.Never())])), open)));
}

/*
 * A constraint is atomic or logical, nested to any depth. Each use gets its own recursive schema: ajv refuses
 * one compiled schema in which the same recursive `$id` appears twice (permission, prohibition and duty rules).
 */
function constraint() {
  return Type.Recursive((Self) =>
    Type.Union([
      Type.Intersect([Type.Object(Object.fromEntries(LOGICAL.map((k) => [k, Type.Optional(Type.Array(Self))])), open), exactlyOne(LOGICAL)]),
      Type.Object(
        {
          leftOperand: Type.String(),
          operator: Type.Union(OPERATORS.map((o) => Type.Literal(o))),
          rightOperand: Type.Union([Type.String(), Type.Object({}, open), Type.Array(Type.Unknown())]),
          ...Object.fromEntries(LOGICAL.map((k) => [k, Type.Optional(Type.Never())])),
        },
        open,
      ),
    ]),
  );
}

const rule = () => Type.Object({ action: Str(), constraint: Type.Optional(Type.Array(constraint())), target: Type.Optional(Type.Never()) }, open);
const rules = () => Type.Array(rule(), { minItems: 1 });

function policyClass() {
  return Type.Object(
    {
      '@id': Str(),
      profile: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()])),
      permission: Type.Optional(rules()),
      prohibition: Type.Optional(rules()),
      obligation: Type.Optional(rules()),
    },
    open,
  );
}
const hasRule = () => Type.Union([Type.Object({ permission: Type.Unknown() }, open), Type.Object({ prohibition: Type.Unknown() }, open)]);

const TIMESTAMP = '^-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?|(24:00:00(\\.0+)?))(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$';

/** An offer inside a negotiation message: typed, identified, with at least one permission or prohibition. */
export const messageOffer = (target: 'optional' | 'required' = 'optional') =>
  Type.Intersect([policyClass(), Type.Object({ '@type': Type.Literal('Offer'), target: target === 'required' ? Str() : Type.Optional(Str()) }, open), hasRule()]);
/** An offer in a catalog: no target (the dataset holding it is the target). */
export const catalogOffer = () => Type.Intersect([policyClass(), Type.Object({ '@type': Type.Optional(Type.Literal('Offer')), target: Type.Optional(Type.Never()) }, open), hasRule()]);
export const agreement = (timestamp: 'optional' | 'required' = 'optional') =>
  Type.Intersect([
    policyClass(),
    Type.Object(
      { '@type': Type.Literal('Agreement'), target: Str(), assigner: Str(), assignee: Str(), timestamp: timestamp === 'required' ? Type.String({ pattern: TIMESTAMP }) : Type.Optional(Type.String({ pattern: TIMESTAMP })) },
      open,
    ),
    hasRule(),
  ]);

const header = <T extends string>(type: T) => ({ '@context': DspContext, '@type': Type.Literal(type) });
const Signature = Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, description: 'dases: compact JWS over the bilateral contract' }));

export const ContractRequestMessage = Type.Intersect([
  Type.Object(
    { ...header('ContractRequestMessage'), consumerPid: Pid, providerPid: Type.Optional(Pid), offer: messageOffer(), callbackAddress: Type.Optional(Str()), [PURPOSE_TERM]: Type.Optional(Str({ maxLength: 500 })) },
    open,
  ),
  exactlyOne(['callbackAddress', 'providerPid']),
]);

export const ContractOfferMessage = Type.Intersect([
  Type.Object({ ...header('ContractOfferMessage'), providerPid: Pid, consumerPid: Type.Optional(Pid), offer: messageOffer('required'), callbackAddress: Type.Optional(Str()) }, open),
  exactlyOne(['callbackAddress', 'consumerPid']),
]);

export const ContractAgreementMessage = Type.Object(
  { ...header('ContractAgreementMessage'), providerPid: Pid, consumerPid: Pid, agreement: agreement('required'), [SIGNATURE_TERM]: Signature },
  open,
);

export const ContractAgreementVerificationMessage = Type.Object({ ...header('ContractAgreementVerificationMessage'), providerPid: Pid, consumerPid: Pid, [SIGNATURE_TERM]: Signature }, open);

export const ContractNegotiationEventMessage = Type.Object(
  { ...header('ContractNegotiationEventMessage'), providerPid: Pid, consumerPid: Pid, eventType: Type.Union([Type.Literal('ACCEPTED'), Type.Literal('FINALIZED')]) },
  open,
);

const Reason = Type.Optional(Type.Array(Type.Unknown(), { minItems: 1, maxItems: 50 }));
export const ContractNegotiationTerminationMessage = Type.Object(
  { ...header('ContractNegotiationTerminationMessage'), providerPid: Pid, consumerPid: Pid, code: Type.Optional(Type.String({ maxLength: 500 })), reason: Reason },
  open,
);

export const ContractNegotiation = Type.Object(
  { ...header('ContractNegotiation'), providerPid: Type.String(), consumerPid: Type.String(), state: Type.Union(STATES.map((s) => Type.Literal(s))) },
  open,
);

export const ContractNegotiationError = Type.Object(
  { ...header('ContractNegotiationError'), providerPid: Type.String(), consumerPid: Type.String(), code: Type.Optional(Type.String()), reason: Reason },
  open,
);

const validator = messageValidator;
export type { MessageValidator };

/** Each returns the field errors of a message (empty when valid); paths are JSON pointers, optionally prefixed. */
export const validateContractRequestMessage = validator(ContractRequestMessage);
export const validateContractOfferMessage = validator(ContractOfferMessage);
export const validateContractAgreementMessage = validator(ContractAgreementMessage);
export const validateContractAgreementVerificationMessage = validator(ContractAgreementVerificationMessage);
export const validateContractNegotiationEventMessage = validator(ContractNegotiationEventMessage);
export const validateContractNegotiationTerminationMessage = validator(ContractNegotiationTerminationMessage);
export const validateContractNegotiation = validator(ContractNegotiation);
export const validateContractNegotiationError = validator(ContractNegotiationError);
/** Any of the three policy forms of the ODRL profile: an offer in a message, an offer in a catalog, an agreement. */
export const validatePolicy = validator(Type.Union([messageOffer(), catalogOffer(), agreement()]));
export const validateMessageOffer = validator(messageOffer());
export const validateAgreement = validator(agreement());
