import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SPEC_DIR, specSkip } from '../../../test/support/spec.js';
import { normaliseOfferPolicy, validatePolicyStructure } from '../index.js';

const use = (extra: Record<string, unknown> = {}) => ({ '@type': 'Offer', permission: [{ action: 'use', ...extra }] });
const paths = (p: unknown, strict = false) => validatePolicyStructure(p, strict ? { leftOperands: 'known-or-iri' } : {}).map((e) => `${e.path}: ${e.message}`);

describe('ODRL policy structure', () => {
  it('accepts every DSP 2025-1 policy example', { skip: specSkip }, () => {
    const dir = join(SPEC_DIR, 'dsp/2025-1/valid/negotiation');
    const files = readdirSync(dir).filter((f) => f.startsWith('PolicySchemaTest-'));
    assert.ok(files.length >= 9);
    for (const f of files) assert.deepEqual(paths(JSON.parse(readFileSync(join(dir, f), 'utf8'))), [], f);
  });

  const good: Array<[string, unknown]> = [
    ['a bare use permission', use()],
    ['prefixed type, single rule object, IRI action', { '@type': 'odrl:Set', permission: { action: 'http://www.w3.org/ns/odrl/2/use' } }],
    ['an Agreement with parties', { '@type': 'Agreement', '@id': 'urn:uuid:1', assigner: 'did:web:a', assignee: { '@id': 'did:web:b' }, target: 'urn:x', permission: [{ action: { '@id': 'odrl:read' } }] }],
    ['a dateTime constraint with full-IRI operator', use({ constraint: [{ leftOperand: 'dateTime', operator: 'http://www.w3.org/ns/odrl/2/lt', rightOperand: { '@value': '2027-01-01', '@type': 'xsd:date' } }] })],
    ['purpose with isAnyOf and rightOperandReference', use({ constraint: { leftOperand: 'odrl:purpose', operator: 'odrl:isAnyOf', rightOperandReference: 'https://x.eu/purposes' } })],
    ['a permission with a duty and a prohibition with a remedy', { '@type': 'Policy', permission: [{ action: 'use', duty: [{ action: 'compensate', constraint: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: 5, unit: 'https://dbpedia.org/resource/Euro' }] }] }], prohibition: [{ action: 'distribute', remedy: { action: 'delete' } }] }],
    ['an action with a refinement', use({ action: { 'rdf:value': { '@id': 'odrl:print' }, refinement: [{ leftOperand: 'resolution', operator: 'lteq', rightOperand: 1200 }] } })],
    ['an IRI left operand in strict mode', use({ constraint: [{ leftOperand: 'https://w3id.org/edc/v0.0.1/ns/inForceDate', operator: 'gteq', rightOperand: 'P1D' }] })],
    ['an obligation only', { '@type': 'Set', obligation: [{ action: 'inform' }] }],
  ];
  for (const [name, p] of good) it(`accepts ${name}`, () => assert.deepEqual(paths(p, true), []));

  const bad: Array<[string, unknown, string[]]> = [
    ['a non-object', 'use', [': must be a JSON object']],
    ['no type and no rule', {}, ['/@type: is required (Offer, Set, Agreement or Policy)', '/permission: a policy needs at least one permission, prohibition or obligation']],
    ['an unknown type', { '@type': 'Contract', permission: [{ action: 'use' }] }, ['/@type: unknown policy type "Contract"']],
    ['a rule without action', { '@type': 'Offer', permission: [{ action: 'use' }, {}] }, ['/permission/1/action: is required']],
    ['an unknown operator', use({ constraint: [{ leftOperand: 'count', operator: 'eq', rightOperand: 1 }, { leftOperand: 'count', operator: 'equals', rightOperand: 2 }] }), ['/permission/0/constraint/1/operator: unknown operator "equals"']],
    ['a missing right operand', use({ constraint: [{ leftOperand: 'count', operator: 'lt' }] }), ['/permission/0/constraint/0/rightOperand: is required (or rightOperandReference)']],
    ['an unknown ODRL left operand', use({ constraint: [{ leftOperand: 'odrl:colour', operator: 'eq', rightOperand: 'x' }] }), ['/permission/0/constraint/0/leftOperand: unknown ODRL left operand "odrl:colour"']],
    ['two logical operators', use({ constraint: [{ and: [], or: [] }] }), ['/permission/0/constraint/0: a logical constraint has exactly one of and, or, xone, andSequence (found and, or)']],
    ['an empty logical operand list', use({ constraint: [{ xone: [] }] }), ['/permission/0/constraint/0/xone: must be a non-empty array of constraints']],
    ['a bad nested constraint', use({ constraint: [{ or: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'FR' }, { leftOperand: 'spatial', rightOperand: 'DE' }] }] }), ['/permission/0/constraint/0/or/1/operator: is required']],
    ['a duty on a prohibition', { '@type': 'Offer', prohibition: [{ action: 'sell', duty: [{ action: 'inform' }] }] }, ['/prohibition/0/duty: only permissions have duties']],
    ['an empty permission list', { '@type': 'Offer', permission: [] }, ['/permission: must not be empty when present']],
    ['an action object without a name', use({ action: { refinement: [] } }), ['/permission/0/action: an action object needs "@id" or "rdf:value"']],
  ];
  for (const [name, p, expected] of bad) it(`refuses ${name}`, () => assert.deepEqual(paths(p), expected));

  it('accepts profile terms as left operands by default but not in strict mode', () => {
    const p = use({ constraint: [{ leftOperand: 'partner', operator: 'eq', rightOperand: 'gold' }] });
    assert.deepEqual(paths(p), []);
    assert.deepEqual(paths(p, true), ['/permission/0/constraint/0/leftOperand: unknown left operand "partner" (use an ODRL left operand or an absolute IRI)']);
  });
});

describe('offer policy normalisation', () => {
  it('makes the offer id the @id, the type Offer, drops the target unless asked, and wraps single rules', () => {
    const out = normaliseOfferPolicy({ '@type': 'Set', '@id': 'x', target: 'old', permission: { action: 'use' } }, { offerId: 'urn:uuid:1' });
    assert.deepEqual(out, { '@id': 'urn:uuid:1', '@type': 'Offer', permission: [{ action: 'use' }] });
    assert.equal(normaliseOfferPolicy({ permission: [] }, { offerId: 'o', target: 'urn:uuid:d' }).target, 'urn:uuid:d');
  });
});
