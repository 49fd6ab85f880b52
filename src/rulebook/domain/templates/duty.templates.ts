import { Type } from '@sinclair/typebox';
import { Did, Duration, EVENTS, Iri, constraint, currencyIri, sinceEvent, typed } from './odrl-terms.js';
import { defineTemplate } from './policy-template.js';

export const deleteAfter = defineTemplate({
  name: 'delete-after',
  title: 'Delete after N days',
  description:
    'Duty to delete every copy of the asset once `days` days have elapsed: duty `delete` whose constraint is the `andSequence` of `event gt <origin>` and `elapsedTime gteq P<days>D`. The origin is when the contract was signed (default: the origin every elapsed time of a contract shares) or when the data was received. Before the deadline the duty is inactive and use is unaffected; from then on it is active until the deletion is recorded.',
  kind: 'duty',
  parameters: Type.Object(
    {
      days: Type.Integer({ minimum: 1, maximum: 36_500 }),
      from: Type.Optional(Type.Union([Type.Literal('contract-signature'), Type.Literal('data-receipt')], { description: 'origin of the period (default contract-signature)' })),
    },
    { additionalProperties: false },
  ),
  example: { days: 365 },
  build: (p) => ({
    duties: [{ action: 'delete', constraint: [sinceEvent(p.from === 'data-receipt' ? EVENTS.dataReceived : EVENTS.contractSigned, 'gteq', `P${p.days}D`)] }],
  }),
});

export const notification = defineTemplate({
  name: 'notification',
  title: 'Notification duty',
  description: 'Duty to inform a party of the use (`inform`, with `informedParty`; without `party`, the assigner of the policy).',
  kind: 'duty',
  parameters: Type.Object({ party: Type.Optional(Did) }, { additionalProperties: false }),
  example: { party: 'did:web:provider.example.org' },
  build: (p) => ({ duties: [{ action: 'inform', ...(p.party ? { informedParty: p.party } : {}) }] }),
});

export const attribution = defineTemplate({
  name: 'attribution',
  title: 'Attribution duty',
  description: 'Duty to attribute the asset (`attribute`, with `attributedParty`; without `party`, the assigner of the policy).',
  kind: 'duty',
  parameters: Type.Object({ party: Type.Optional(Iri) }, { additionalProperties: false }),
  example: { party: 'did:web:provider.example.org' },
  build: (p) => ({ duties: [{ action: 'attribute', ...(p.party ? { attributedParty: p.party } : {}) }] }),
});

export const payment = defineTemplate({
  name: 'payment',
  title: 'Payment or subscription',
  description:
    'Duty to pay (`compensate`, refined by `payAmount eq amount` with the currency as `unit`; the EU authority table IRI of the ISO 4217 code). With `period` it is a subscription: the refinement adds `timeInterval eq period`, the payment recurring each period. `party` is the `compensatedParty` (default: the assigner).',
  kind: 'duty',
  parameters: Type.Object(
    {
      amount: Type.String({ pattern: '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,4})?$', description: 'decimal amount, e.g. "120.00"' }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR' }),
      period: Type.Optional(Duration),
      party: Type.Optional(Did),
    },
    { additionalProperties: false },
  ),
  example: { amount: '120.00', currency: 'EUR', period: 'P1M' },
  check: (p) => (Number(p.amount) > 0 ? [] : [{ path: '/amount', message: 'must be greater than 0' }]),
  build: (p) => ({
    duties: [
      {
        action: [
          {
            'rdf:value': { '@id': 'odrl:compensate' },
            refinement: [
              constraint('payAmount', 'eq', typed(p.amount, 'decimal'), { unit: currencyIri(p.currency) }),
              ...(p.period ? [constraint('timeInterval', 'eq', typed(p.period, 'duration'))] : []),
            ],
          },
        ],
        ...(p.party ? { compensatedParty: p.party } : {}),
      },
    ],
  }),
});
