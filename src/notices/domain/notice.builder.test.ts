import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy, type Policy } from '../../policy/index.js';
import { buildNotice, type NoticeFacts } from './notice.builder.js';
import { policyFacts, purposePermitted } from './policy-facts.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const DASES = 'https://w3id.org/dases/ns#';
const iso = (code: string) => ({ '@id': `https://www.iso.org/obp/ui/#iso:code:3166:${code}` });
/** An offer as the rulebook's templates write one: purpose, spatial and recipient constraints, a delete duty. */
const offer = {
  '@type': 'Offer',
  '@id': 'urn:uuid:00000000-0000-4000-8000-0000000000a1',
  permission: [
    {
      action: 'use',
      constraint: [
        { leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['guidance', 'research'] },
        { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: [iso('FR'), iso('BE')] },
        { leftOperand: 'recipient', operator: 'eq', rightOperand: { '@id': 'did:web:ag.example' } },
      ],
      duty: [{ action: 'delete', constraint: [{ andSequence: { '@list': [{ leftOperand: 'event', operator: 'gt', rightOperand: { '@id': `${DASES}dataReceived` } }, { leftOperand: 'elapsedTime', operator: 'gteq', rightOperand: { '@value': 'P180D', '@type': `${XSD}duration` } }] } }] }],
    },
  ],
};
const parsed = async (policy: unknown): Promise<Policy> => {
  const r = await parsePolicy(policy as Record<string, unknown>);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value.policy;
};
/** The dataset as the catalog reader returns it (DatasetView), with its personal-data description. */
const dataset = { id: '00000000-0000-4000-8000-000000000001', title: { fr: 'Parcours de formation', en: 'Training records' }, personalData: { categories: ['identification', 'training results'], retentionDays: 365, automatedDecisions: 'none', specialCategories: false } };
const facts = async (over: Partial<NoticeFacts> = {}, policy: unknown = offer): Promise<NoticeFacts> => ({
  processing: { datasetId: dataset.id, offerId: offer['@id'], consumerDid: 'did:web:ag.example', purpose: 'guidance' },
  dataset,
  controller: { did: 'did:web:tb.example', legalName: 'Organisme de formation TB', headquarters: 'FR-IDF', legalAddress: 'FR-IDF', contact: 'dpo@tb.example' },
  dpoContact: 'mailto:dpo@tb.example',
  consumer: { did: 'did:web:ag.example', legalName: 'Mission locale AG', country: 'FR' },
  policy: policyFacts(await parsed(policy)),
  intermediary: { did: 'did:web:i.example', withdrawUrl: 'https://i.example/me/' },
  ...over,
});

describe('privacy notice content (GDPR Art. 13)', () => {
  it('fills every field from the catalog, the offer, the profile and the consumer', async () => {
    const { content: c, missing } = buildNotice(await facts());
    assert.deepEqual(missing, []);
    assert.deepEqual(c.controller, { did: 'did:web:tb.example', legalName: 'Organisme de formation TB', legalAddress: 'FR-IDF', country: 'FR', contact: 'dpo@tb.example' }); // 13.1.a
    assert.deepEqual(c.dpo, { contact: 'mailto:dpo@tb.example' }); // 13.1.b
    assert.deepEqual(c.purposes, { purposes: ['guidance'], legalBasis: 'consent', article: 'GDPR Art. 6(1)(a)' }); // 13.1.c
    assert.deepEqual(c.recipients, { parties: [{ did: 'did:web:ag.example', legalName: 'Mission locale AG', country: 'FR' }], policyRestrictions: [{ operator: 'eq', values: ['did:web:ag.example'] }] }); // 13.1.e
    assert.deepEqual(c.internationalTransfers, { outsideEea: false, countriesOutsideEea: [], policyAreas: [{ operator: 'isAnyOf', values: [iso('FR')['@id'], iso('BE')['@id']] }] }); // 13.1.f
    assert.deepEqual(c.retention, { duration: 'P180D', days: 180, from: 'data-receipt', source: 'policy' }); // 13.2.a: the duty wins over the dataset
    assert.deepEqual(c.rights, { rights: ['access', 'rectification', 'erasure', 'restriction', 'portability'], dashboardUrl: 'https://i.example/me/', contact: 'dpo@tb.example' }); // 13.2.b
    assert.deepEqual(c.withdrawal, { intermediaryDid: 'did:web:i.example', url: 'https://i.example/me/' }); // 13.2.c
    assert.deepEqual(c.complaint, { authority: 'Commission nationale de l’informatique et des libertés (CNIL)', url: 'https://www.cnil.fr', source: 'headquarters' }); // 13.2.d
    assert.deepEqual(c.requirement, { statutory: false, contractual: false, obliged: false }); // 13.2.e
    assert.deepEqual(c.automatedDecisions, { exists: false }); // 13.2.f
    assert.deepEqual(c.personalData, { categories: ['identification', 'training results'], specialCategories: false });
    assert.deepEqual(c.dataset, { id: dataset.id, title: dataset.title });
  });

  it('flags every field it cannot fill, and invents none', async () => {
    const bare = await facts(
      { dataset: { id: dataset.id, title: { en: 'x' } }, controller: { did: 'did:web:tb.example', legalName: 'TB' }, consumer: undefined, intermediary: { did: 'did:web:i.example' } },
      { '@type': 'Offer', permission: [{ action: 'use' }] },
    );
    delete bare.dpoContact;
    const { content: c, missing } = buildNotice(bare);
    assert.deepEqual(missing.map((m) => m.field).sort(), [
      '/automatedDecisions',
      '/complaint/authority',
      '/controller/contact',
      '/dpo/contact',
      '/internationalTransfers/outsideEea',
      '/personalData/categories',
      '/personalData/specialCategories',
      '/recipients/parties/0/legalName',
      '/retention/duration',
      '/withdrawal/url',
    ]);
    assert.ok(missing.every((m) => m.message.length > 20));
    assert.deepEqual([c.controller.contact, c.dpo.contact, c.internationalTransfers.outsideEea, c.retention.duration, c.complaint.authority, c.automatedDecisions.exists], [undefined, undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(c.recipients.parties, [{ did: 'did:web:ag.example' }]);
  });

  it('takes the dataset retention without a delete duty, and a configured authority over the derived one', async () => {
    const f = await facts({ supervisoryAuthority: 'CNIL, 3 place de Fontenoy, Paris' }, { '@type': 'Offer', permission: [{ action: 'use' }] });
    const { content: c } = buildNotice(f);
    assert.deepEqual(c.retention, { duration: 'P365D', days: 365, source: 'dataset' });
    assert.deepEqual(c.complaint, { authority: 'CNIL, 3 place de Fontenoy, Paris', source: 'configuration' });
    assert.deepEqual(buildNotice({ ...f, supervisoryAuthority: undefined as never, controller: { ...f.controller, headquarters: 'DE-BY', legalAddress: 'DE-BY' } }).missing.map((m) => m.field), ['/complaint/authority']);
  });

  it('states transfers outside the EEA from the recipient country or the spatial constraint, with adequacy', async () => {
    const swiss = buildNotice(await facts({ consumer: { did: 'did:web:ag.example', legalName: 'AG', country: 'CH' } })).content.internationalTransfers;
    assert.deepEqual([swiss.outsideEea, swiss.countriesOutsideEea, swiss.adequacyDecision], [true, ['CH'], true]);
    const wide = { ...offer, permission: [{ action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: [iso('FR'), iso('US')] }] }] };
    const us = buildNotice(await facts({}, wide));
    assert.deepEqual([us.content.internationalTransfers.outsideEea, us.content.internationalTransfers.countriesOutsideEea, us.content.internationalTransfers.adequacyDecision], [true, ['US'], false]);
    assert.deepEqual(us.missing.map((m) => m.field), ['/internationalTransfers/safeguards']);
    const odd = { ...offer, permission: [{ action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: { '@id': 'https://example.org/somewhere' } }] }] };
    assert.deepEqual(buildNotice(await facts({}, odd)).missing.map((m) => m.field), ['/internationalTransfers/outsideEea']);
  });

  it('asks for explicit consent with special categories, and describes declared automated decisions', async () => {
    const f = await facts({ dataset: { ...dataset, personalData: { categories: ['health'], specialCategories: true, automatedDecisions: 'A score ranks applications for training places.' } } });
    const { content: c } = buildNotice(f);
    assert.equal(c.purposes.specialCategoriesArticle, 'GDPR Art. 9(2)(a)');
    assert.deepEqual(c.automatedDecisions, { exists: true, description: 'A score ranks applications for training places.' });
  });

  it('tells whether the offer permits a purpose', async () => {
    const p = await parsed(offer);
    assert.deepEqual([purposePermitted(p, 'guidance'), purposePermitted(p, 'research'), purposePermitted(p, 'marketing')], [true, true, false]);
    assert.equal(purposePermitted(await parsed({ '@type': 'Offer', permission: [{ action: 'use' }] }), 'anything'), true);
    const excluded = await parsed({ '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'neq', rightOperand: 'marketing' }] }] });
    assert.deepEqual([purposePermitted(excluded, 'marketing'), purposePermitted(excluded, 'guidance')], [false, true]);
  });

  it('gives the same content for the same facts (the hash is stable)', async () => {
    assert.deepEqual(buildNotice(await facts()), buildNotice(await facts()));
  });
});
