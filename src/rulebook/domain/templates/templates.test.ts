import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePolicyStructure } from '../../../policy/index.js';
import { createTemplateLibrary, TEMPLATES } from './template-library.js';

const library = createTemplateLibrary();
const DPV = 'https://w3id.org/dpv#';
const one = (name: string, parameters?: unknown) => library.instantiate({ templates: [{ name, ...(parameters === undefined ? {} : { parameters }) }] }, '/body');
/** The JSON-LD tree without the generated rule ids, to compare shapes. */
const bare = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(bare) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '@id' || !/#(permission|prohibition)/.test(String((v as Record<string, unknown>)['@id']))).map(([k, x]) => [k, bare(x)])) : v;
const made = (name: string, parameters?: unknown) => {
  const r = one(name, parameters);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  assert.deepEqual(validatePolicyStructure(r.value, { leftOperands: 'known-or-iri' }), [], `${name} produces a valid policy`);
  return bare(r.value) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON-LD tree the assertions walk
};
const refused = (name: string, parameters: unknown, code: string, path: string) => {
  const r = one(name, parameters);
  assert.equal(r.ok, false, `${name} ${JSON.stringify(parameters)} must be refused`);
  if (r.ok) return;
  assert.equal(r.error.code, code);
  assert.equal(r.error.status, 400);
  assert.ok(r.error.errors?.some((e) => e.path === path), `expected an error at ${path}, got ${JSON.stringify(r.error.errors)}`);
};

describe('policy templates', () => {
  it('has twelve templates, each with a JSON Schema, an example that instantiates and a valid ODRL 2.2 policy', () => {
    assert.equal(TEMPLATES.length, 12);
    assert.equal(new Set(TEMPLATES.map((t) => t.name)).size, 12);
    for (const t of library.list()) {
      assert.equal((t.parameters as { type?: string }).type, 'object', t.name);
      assert.equal(Object.getOwnPropertySymbols(t.parameters as object).length, 0, 'plain JSON Schema, no TypeBox symbols');
      const p = made(t.name, t.example);
      assert.equal(p['@context'], 'http://www.w3.org/ns/odrl.jsonld');
      assert.equal(p['@type'], 'Set');
      assert.match(p['@id'], /^urn:uuid:[0-9a-f-]{36}$/, 'a policy has a uid, fresh when none is given');
    }
  });

  it('open access grants use, or the listed actions', () => {
    assert.deepEqual(made('open-access').permission, [{ action: 'use' }]);
    assert.deepEqual(made('open-access', { actions: ['read', 'display'] }).permission, [{ action: 'read' }, { action: 'display' }]);
    refused('open-access', { actions: ['fly'] }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/actions/0');
    refused('open-access', { actions: [] }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/actions');
    refused('open-access', { other: 1 }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/other');
  });

  it('access window: dateTime gteq from and lt to, typed xsd:dateTime; from must precede to', () => {
    const p = made('access-window', { from: '2026-09-01T00:00:00Z', to: '2027-07-01T00:00:00Z' });
    assert.deepEqual(p.permission[0].constraint, [
      { leftOperand: 'dateTime', operator: 'gteq', rightOperand: { '@value': '2026-09-01T00:00:00Z', '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' } },
      { leftOperand: 'dateTime', operator: 'lt', rightOperand: { '@value': '2027-07-01T00:00:00Z', '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' } },
    ]);
    assert.equal(made('access-window', { to: '2027-01-01T00:00:00Z' }).permission[0].constraint.length, 1);
    refused('access-window', { from: '2027-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/to');
    refused('access-window', { from: 'tomorrow' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/from');
    refused('access-window', {}, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters');
  });

  it('period after signature: andSequence of the contract-signature event and elapsedTime lteq the duration', () => {
    const [c] = made('period-after-signature', { duration: 'P90D' }).permission[0].constraint;
    assert.deepEqual(c, {
      andSequence: {
        '@list': [
          { leftOperand: 'event', operator: 'gt', rightOperand: { '@id': 'https://w3id.org/dases/ns#contractSigned' } },
          { leftOperand: 'elapsedTime', operator: 'lteq', rightOperand: { '@value': 'P90D', '@type': 'http://www.w3.org/2001/XMLSchema#duration' } },
        ],
      },
    });
    for (const bad of ['90 days', 'P', 'PT', 'P1W', 'P1DT']) refused('period-after-signature', { duration: bad }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/duration');
    refused('period-after-signature', {}, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/duration');
  });

  it('maximum number of uses: count lteq N', () => {
    assert.deepEqual(made('max-uses', { count: 3 }).permission[0].constraint, [{ leftOperand: 'count', operator: 'lteq', rightOperand: 3 }]);
    for (const count of [0, 1.5, '3']) refused('max-uses', { count }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/count');
  });

  it('purpose restriction: purpose isAnyOf DPV (or dases) purpose IRIs, from a published vocabulary', () => {
    const [c] = made('purpose-restriction', { purposes: ['research', 'service-improvement', 'guidance'] }).permission[0].constraint;
    assert.deepEqual(c, {
      leftOperand: 'purpose',
      operator: 'isAnyOf',
      rightOperand: [{ '@id': `${DPV}ResearchAndDevelopment` }, { '@id': `${DPV}ServiceOptimisation` }, { '@id': 'https://w3id.org/dases/ns#EducationalGuidance' }],
    });
    const vocabulary = library.get('purpose-restriction')?.vocabulary ?? [];
    assert.ok(vocabulary.every((v) => v.iri.startsWith(DPV) || v.broadMatch?.startsWith(DPV)), 'our purposes say which DPV concept they narrow');
    refused('purpose-restriction', { purposes: ['marketing'] }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/purposes/0');
    refused('purpose-restriction', { purposes: ['research', 'research'] }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/purposes');
  });

  it('recipient restriction: recipient isAnyOf the DIDs; no redistribution: prohibitions with conflict prohibit', () => {
    assert.deepEqual(made('recipient-restriction', { recipients: ['did:web:lab.example'] }).permission[0].constraint, [
      { leftOperand: 'recipient', operator: 'isAnyOf', rightOperand: [{ '@id': 'did:web:lab.example' }] },
    ]);
    refused('recipient-restriction', { recipients: ['lab.example'] }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/recipients/0');
    const p = made('no-redistribution', {});
    assert.deepEqual(p.prohibition, [{ action: 'distribute' }, { action: 'transfer' }]);
    assert.equal(p.conflict, 'prohibit');
    assert.deepEqual(p.permission, [{ action: 'use' }], 'a restriction alone restricts the default grant, use');
    refused('no-redistribution', { except: 'x' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/except');
  });

  it('geographic restriction: spatial isAnyOf ISO 3166 code IRIs', () => {
    assert.deepEqual(made('geographic-restriction', { regions: ['FR', 'BE-BRU'] }).permission[0].constraint, [
      { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: [{ '@id': 'https://www.iso.org/obp/ui/#iso:code:3166:FR' }, { '@id': 'https://www.iso.org/obp/ui/#iso:code:3166:BE-BRU' }] },
    ]);
    for (const bad of ['fr', 'France', 'FRA']) refused('geographic-restriction', { regions: [bad] }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/regions/0');
  });

  it('delete after N days: duty delete, active once N days elapsed since the signature (or the receipt)', () => {
    const [duty] = made('delete-after', { days: 30 }).permission[0].duty;
    assert.deepEqual(duty, {
      action: 'delete',
      constraint: [
        {
          andSequence: {
            '@list': [
              { leftOperand: 'event', operator: 'gt', rightOperand: { '@id': 'https://w3id.org/dases/ns#contractSigned' } },
              { leftOperand: 'elapsedTime', operator: 'gteq', rightOperand: { '@value': 'P30D', '@type': 'http://www.w3.org/2001/XMLSchema#duration' } },
            ],
          },
        },
      ],
    });
    const fromReceipt = made('delete-after', { days: 7, from: 'data-receipt' }).permission[0].duty[0].constraint[0].andSequence['@list'][0];
    assert.equal(fromReceipt.rightOperand['@id'], 'https://w3id.org/dases/ns#dataReceived');
    refused('delete-after', { days: 0 }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/days');
    refused('delete-after', { days: 3, from: 'never' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/from');
  });

  it('notification and attribution duties name their party when given', () => {
    assert.deepEqual(made('notification', { party: 'did:web:p.example' }).permission[0].duty, [{ action: 'inform', informedParty: 'did:web:p.example' }]);
    assert.deepEqual(made('notification', {}).permission[0].duty, [{ action: 'inform' }]);
    assert.deepEqual(made('attribution', { party: 'https://lab.example/about' }).permission[0].duty, [{ action: 'attribute', attributedParty: 'https://lab.example/about' }]);
    refused('notification', { party: 'someone' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/party');
  });

  it('payment: compensate refined by payAmount and currency unit; a period makes it a subscription', () => {
    const [duty] = made('payment', { amount: '120.00', currency: 'EUR', period: 'P1M', party: 'did:web:p.example' }).permission[0].duty;
    assert.deepEqual(duty, {
      action: [
        {
          'rdf:value': { '@id': 'odrl:compensate' },
          refinement: [
            { leftOperand: 'payAmount', operator: 'eq', rightOperand: { '@value': '120.00', '@type': 'http://www.w3.org/2001/XMLSchema#decimal' }, unit: 'http://publications.europa.eu/resource/authority/currency/EUR' },
            { leftOperand: 'timeInterval', operator: 'eq', rightOperand: { '@value': 'P1M', '@type': 'http://www.w3.org/2001/XMLSchema#duration' } },
          ],
        },
      ],
      compensatedParty: 'did:web:p.example',
    });
    assert.equal(made('payment', { amount: '5', currency: 'EUR' }).permission[0].duty[0].action[0].refinement.length, 1, 'one-off payment');
    refused('payment', { amount: '0', currency: 'EUR' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/amount');
    refused('payment', { amount: 5, currency: 'EUR' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/amount');
    refused('payment', { amount: '5', currency: 'euro' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/currency');
    refused('payment', { currency: 'EUR' }, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/amount');
  });

  it('composes several templates into one policy: restrictions and duties on every grant, prohibitions apart', () => {
    const r = library.instantiate(
      {
        type: 'Offer',
        uid: 'urn:uuid:5f3c7c4e-0000-4000-8000-000000000001',
        assigner: 'did:web:provider.example',
        templates: [
          { name: 'open-access', parameters: { actions: ['read', 'aggregate'] } },
          { name: 'purpose-restriction', parameters: { purposes: ['impact-assessment'] } },
          { name: 'max-uses', parameters: { count: 10 } },
          { name: 'no-redistribution' },
          { name: 'delete-after', parameters: { days: 365 } },
          { name: 'attribution', parameters: {} },
        ],
      },
      '/body',
    );
    assert.ok(r.ok);
    const p = r.value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON-LD tree the assertions walk
    assert.deepEqual(validatePolicyStructure(p, { leftOperands: 'known-or-iri' }), []);
    const uid = 'urn:uuid:5f3c7c4e-0000-4000-8000-000000000001';
    assert.deepEqual(p.permission.map((x: { '@id': string }) => x['@id']), [`${uid}#permission-0`, `${uid}#permission-1`], 'rules are named after the policy');
    assert.deepEqual(p.permission[1].duty.map((x: { '@id': string }) => x['@id']), [`${uid}#permission-1-duty-0`, `${uid}#permission-1-duty-1`]);
    assert.deepEqual(p.prohibition.map((x: { '@id': string }) => x['@id']), [`${uid}#prohibition-0`, `${uid}#prohibition-1`]);
    assert.deepEqual([p['@type'], p['@id'], p.assigner, p.conflict], ['Offer', 'urn:uuid:5f3c7c4e-0000-4000-8000-000000000001', 'did:web:provider.example', 'prohibit']);
    assert.deepEqual(p.permission.map((x: { action: string }) => x.action), ['read', 'aggregate']);
    for (const perm of p.permission) {
      assert.deepEqual(perm.constraint.map((c: { leftOperand: string }) => c.leftOperand), ['purpose', 'count']);
      assert.deepEqual(perm.duty.map((d: { action: string }) => d.action), ['delete', 'attribute']);
    }
    assert.notEqual(p.permission[0].constraint, p.permission[1].constraint, 'each permission has its own copy');
    assert.equal(p.prohibition.length, 2);
  });

  it('refuses unknown templates, missing parties of Offers and Agreements, and empty requests, naming the path', () => {
    const unknown = library.instantiate({ templates: [{ name: 'open-access' }, { name: 'free-beer' }] }, '/body');
    assert.ok(!unknown.ok);
    assert.deepEqual([unknown.error.code, unknown.error.status, unknown.error.errors?.[0]?.path], ['DS_RULEBOOK_UNKNOWN_TEMPLATE', 400, '/body/templates/1/name']);
    const mixed = library.instantiate({ templates: [{ name: 'free-beer' }, { name: 'max-uses', parameters: { count: -1 } }] }, '/body');
    assert.ok(!mixed.ok);
    assert.equal(mixed.error.code, 'DS_RULEBOOK_INVALID_PARAMETERS', 'bad parameters and an unknown name: both reported');
    assert.deepEqual(mixed.error.errors?.map((e) => e.path), ['/body/templates/0/name', '/body/templates/1/parameters/count']);
    const offer = library.instantiate({ type: 'Offer', templates: [{ name: 'open-access' }] }, '/body');
    assert.ok(!offer.ok);
    assert.equal(offer.error.errors?.[0]?.path, '/body/assigner');
    const agreement = library.instantiate({ type: 'Agreement', assigner: 'did:web:a.example', templates: [{ name: 'open-access' }] }, '/body');
    assert.ok(!agreement.ok);
    assert.equal(agreement.error.errors?.[0]?.path, '/body/assignee');
    const none = library.instantiate({ templates: [] }, '/body');
    assert.ok(!none.ok);
    assert.equal(none.error.errors?.[0]?.path, '/body/templates');
    const notObject = one('max-uses', 'ten');
    assert.ok(!notObject.ok);
    assert.equal(notObject.error.errors?.[0]?.path, '/body/templates/0/parameters');
  });
});
