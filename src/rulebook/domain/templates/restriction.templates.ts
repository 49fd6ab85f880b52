import { Type } from '@sinclair/typebox';
import { Did, constraint, iri, iso3166Iri } from './odrl-terms.js';
import { defineTemplate } from './policy-template.js';
import { PURPOSES, PURPOSE_KEYS, purposeIri } from './purposes.vocabulary.js';

export const purposeRestriction = defineTemplate({
  name: 'purpose-restriction',
  title: 'Purpose restriction',
  description:
    'Use is permitted only for one of the listed purposes: ODRL `purpose isAnyOf` the purposes\' IRIs (DPV concepts, or dases concepts narrower than a DPV one; see `vocabulary`). The enforcement point compares the purpose the consumer declares.',
  kind: 'constraint',
  parameters: Type.Object(
    { purposes: Type.Array(Type.Union(PURPOSE_KEYS.map((k) => Type.Literal(k))), { minItems: 1, maxItems: PURPOSE_KEYS.length, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  example: { purposes: ['research', 'impact-assessment'] },
  vocabulary: PURPOSES,
  build: (p) => ({ constraints: [constraint('purpose', 'isAnyOf', p.purposes.map((k) => iri(purposeIri(k))))] }),
});

export const recipientRestriction = defineTemplate({
  name: 'recipient-restriction',
  title: 'Recipient restriction',
  description: 'The asset, and what is made from it, may be delivered only to the listed participants: ODRL `recipient isAnyOf` their DIDs.',
  kind: 'constraint',
  parameters: Type.Object({ recipients: Type.Array(Did, { minItems: 1, maxItems: 500, uniqueItems: true }) }, { additionalProperties: false }),
  example: { recipients: ['did:web:lab.example.org'] },
  build: (p) => ({ constraints: [constraint('recipient', 'isAnyOf', p.recipients.map(iri))] }),
});

export const noRedistribution = defineTemplate({
  name: 'no-redistribution',
  title: 'No redistribution',
  description: 'Prohibits supplying the asset to third parties (`distribute`) and transferring its ownership (`transfer`). The composed policy then sets `conflict: prohibit`, so these prohibitions win over a broader permission such as `use`.',
  kind: 'prohibition',
  parameters: Type.Object({}, { additionalProperties: false }),
  example: {},
  build: () => ({ prohibitions: [{ action: 'distribute' }, { action: 'transfer' }] }),
});

export const geographicRestriction = defineTemplate({
  name: 'geographic-restriction',
  title: 'Geographic restriction',
  description:
    'Use is permitted only within the listed areas, ISO 3166-1 alpha-2 country codes (FR) or ISO 3166-2 subdivision codes (FR-IDF): ODRL `spatial isAnyOf` their IRIs (https://www.iso.org/obp/ui/#iso:code:3166:<code>).',
  kind: 'constraint',
  parameters: Type.Object(
    { regions: Type.Array(Type.String({ pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$', description: 'ISO 3166-1 alpha-2 or ISO 3166-2 code' }), { minItems: 1, maxItems: 300, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  example: { regions: ['FR', 'BE', 'LU'] },
  build: (p) => ({ constraints: [constraint('spatial', 'isAnyOf', p.regions.map((r) => iri(iso3166Iri(r))))] }),
});
