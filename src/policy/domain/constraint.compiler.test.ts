import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, decide, holds, LAB, NOW, permitWith } from '../testing/policy-test-kit.js';

const xsd = (value: string, type: string) => ({ '@value': value, '@type': `xsd:${type}` });
const iri = (id: string) => ({ '@id': id });
const c = (leftOperand: string, operator: string, rightOperand: unknown) => ({ leftOperand, operator, rightOperand });
const DPV = 'https://w3id.org/dpv#';

describe('operators', () => {
  const at = context();
  it('eq and neq', async () => {
    assert.equal(await holds(c('purpose', 'eq', iri(`${DPV}Research`)), context({ purpose: `${DPV}Research` })), true);
    assert.equal(await holds(c('purpose', 'eq', iri(`${DPV}Research`)), context({ purpose: `${DPV}Marketing` })), false);
    assert.equal(await holds(c('purpose', 'neq', iri(`${DPV}Marketing`)), context({ purpose: `${DPV}Research` })), true);
    assert.equal(await holds(c('purpose', 'neq', iri(`${DPV}Marketing`)), context({ purpose: `${DPV}Marketing` })), false);
  });

  it('lt, lteq, gt, gteq on instants', async () => {
    const now = NOW.toISOString();
    const cases: Array<[string, string, boolean]> = [
      ['lt', now, false], ['lteq', now, true], ['gt', now, false], ['gteq', now, true],
      ['lt', '2026-03-02T00:00:00Z', true], ['gt', '2026-02-28T00:00:00Z', true], ['lteq', '2026-02-28T00:00:00Z', false], ['gteq', '2026-03-02T00:00:00Z', false],
    ];
    for (const [op, right, expected] of cases) assert.equal(await holds(c('dateTime', op, xsd(right, 'dateTime')), at), expected, `${op} ${right}`);
  });

  it('isA follows rdf:type / subclass edges of the knowledge', async () => {
    const knowledge = { isA: { [`${DPV}AcademicResearch`]: [`${DPV}Research`], [`${DPV}Research`]: [`${DPV}Purpose`] } };
    assert.equal(await holds(c('purpose', 'isA', iri(`${DPV}Purpose`)), context({ purpose: `${DPV}AcademicResearch`, knowledge })), true);
    assert.equal(await holds(c('purpose', 'isA', iri(`${DPV}Marketing`)), context({ purpose: `${DPV}AcademicResearch`, knowledge })), false);
  });

  it('isPartOf and hasPart follow odrl:partOf, transitively', async () => {
    const knowledge = { partOf: { 'urn:city:Lyon': ['urn:country:FR'], 'urn:country:FR': ['urn:region:EU'] } };
    assert.equal(await holds(c('spatial', 'isPartOf', iri('urn:region:EU')), context({ spatial: 'urn:city:Lyon', knowledge })), true);
    assert.equal(await holds(c('spatial', 'isPartOf', iri('urn:region:EU')), context({ spatial: 'urn:country:US', knowledge })), false);
    assert.equal(await holds(c('spatial', 'hasPart', iri('urn:city:Lyon')), context({ spatial: 'urn:region:EU', knowledge })), true);
    assert.equal(await holds(c('spatial', 'hasPart', iri('urn:city:Lyon')), context({ spatial: 'urn:country:US', knowledge })), false);
  });

  it('isAnyOf, isAllOf, isNoneOf over sets; several declared values must each be allowed', async () => {
    const allowed = [iri(`${DPV}Research`), iri(`${DPV}Education`)];
    assert.equal(await holds(c('purpose', 'isAnyOf', allowed), context({ purpose: `${DPV}Education` })), true);
    assert.equal(await holds(c('purpose', 'isAnyOf', allowed), context({ purpose: [`${DPV}Education`, `${DPV}Marketing`] })), false);
    assert.equal(await holds(c('purpose', 'isAllOf', allowed), context({ purpose: [`${DPV}Education`, `${DPV}Research`, `${DPV}Statistics`] })), true);
    assert.equal(await holds(c('purpose', 'isAllOf', allowed), context({ purpose: `${DPV}Education` })), false);
    assert.equal(await holds(c('purpose', 'isNoneOf', allowed), context({ purpose: `${DPV}Marketing` })), true);
    assert.equal(await holds(c('purpose', 'isNoneOf', allowed), context({ purpose: [`${DPV}Marketing`, `${DPV}Research`] })), false);
  });

  it('fails closed: no value for the left operand means not satisfied, even for isNoneOf', async () => {
    const { trace } = await decide(permitWith({ '@id': 'urn:c', ...c('purpose', 'isNoneOf', [iri(`${DPV}Marketing`)]) }), context());
    assert.equal(trace.permissions[0]!.constraints[0]!.satisfied, false);
    assert.match(trace.permissions[0]!.constraints[0]!.reason!, /no value for left operand <http:\/\/www.w3.org\/ns\/odrl\/2\/purpose>/);
  });
});

describe('left operands', () => {
  it('dateTime: the Clock instant, against a date (whole day) or a dateTime', async () => {
    assert.equal(await holds(c('dateTime', 'lt', xsd('2018-01-01', 'date')), context({ now: new Date('2017-12-19T15:00:00Z') })), true);
    assert.equal(await holds(c('dateTime', 'lt', xsd('2018-01-01', 'date')), context({ now: new Date('2019-12-19T15:00:00Z') })), false);
    // DSP writes plain strings: the left operand says how to read them.
    assert.equal(await holds(c('dateTime', 'lteq', '2026-03-01'), context()), true);
  });

  it('elapsedTime: measured seconds, or the time since the use started', async () => {
    const rule = c('elapsedTime', 'lteq', xsd('P30D', 'duration'));
    assert.equal(await holds(rule, context({ usageStart: new Date('2026-02-15T00:00:00Z') })), true);
    assert.equal(await holds(rule, context({ usageStart: new Date('2026-01-01T00:00:00Z') })), false);
    assert.equal(await holds(rule, context({ elapsedSeconds: 3600 })), true);
    assert.equal(await holds(rule, context()), false, 'no start, no value');
  });

  it('count: uses before this one, plus this one; by rule or for every rule', async () => {
    const rule = c('count', 'lteq', xsd('10', 'integer'));
    assert.equal(await holds(rule, context({ usageCount: 9 })), true);
    assert.equal(await holds(rule, context({ usageCount: 10 })), false, 'the 11th use');
    assert.equal(await holds(rule, context({ usageCount: { 'urn:rule:p': 3 } })), true);
    assert.equal(await holds(rule, context({ usageCount: { 'urn:rule:other': 3 } })), false);
  });

  it('recipient: the counterparty DID, the requesting party unless the context names another', async () => {
    assert.equal(await holds(c('recipient', 'eq', iri(LAB)), context()), true);
    assert.equal(await holds(c('recipient', 'eq', iri(LAB)), context({ recipient: 'did:web:other.example' })), false);
    assert.equal(await holds(c('recipient', 'eq', iri(LAB)), context({ values: { 'http://www.w3.org/ns/odrl/2/recipient': 'did:web:other.example' } })), false, 'a recipient named by the request');
  });

  it('spatial, industry, purpose from the context', async () => {
    assert.equal(await holds(c('spatial', 'eq', 'FR'), context({ spatial: 'FR' })), true);
    assert.equal(await holds(c('industry', 'isAnyOf', ['education', 'research']), context({ industry: 'education' })), true);
    assert.equal(await holds(c('industry', 'isAnyOf', ['education', 'research']), context({ industry: 'advertising' })), false);
  });

  it('language: BCP 47 tags compare without case, and fr-CA is part of fr', async () => {
    assert.equal(await holds(c('language', 'eq', 'fr-FR'), context({ language: 'FR-fr' })), true);
    assert.equal(await holds(c('language', 'isPartOf', 'fr'), context({ language: 'fr-CA' })), true);
    assert.equal(await holds(c('language', 'isPartOf', 'fr'), context({ language: 'en-GB' })), false);
  });

  it('payAmount: the amount paid, in the constraint unit (http and https DBpedia IRIs alike)', async () => {
    const rule = { ...c('payAmount', 'gteq', xsd('5.00', 'decimal')), unit: 'http://dbpedia.org/resource/Euro' };
    assert.equal(await holds(rule, context({ payAmount: { amount: 5, currency: 'https://dbpedia.org/resource/Euro' } })), true);
    assert.equal(await holds(rule, context({ payAmount: { amount: 4.99 } })), false);
    assert.equal(await holds(rule, context({ payAmount: { amount: 50, currency: 'http://dbpedia.org/resource/Swiss_franc' } })), false);
  });

  it('event: before (lt), during (eq) and after (gt) a known event', async () => {
    const events = { 'urn:event:exam': { start: new Date('2026-03-01T08:00:00Z'), end: new Date('2026-03-01T18:00:00Z') } };
    assert.equal(await holds(c('event', 'eq', iri('urn:event:exam')), context({ events })), true);
    assert.equal(await holds(c('event', 'lt', iri('urn:event:exam')), context({ events })), false);
    assert.equal(await holds(c('event', 'gt', iri('urn:event:exam')), context({ events, now: new Date('2026-03-02T00:00:00Z') })), true);
    assert.equal(await holds(c('event', 'eq', iri('urn:event:unknown')), context({ events })), false);
  });

  it('other left operands: context values by IRI, e.g. a request parameter', async () => {
    const values = { 'http://www.w3.org/ns/odrl/2/fileFormat': 'text/csv' };
    assert.equal(await holds(c('fileFormat', 'eq', 'text/csv'), context({ values })), true);
  });
});

describe('logical constraints', () => {
  const yes = c('purpose', 'eq', 'research');
  const no = c('purpose', 'eq', 'marketing');
  const ctx = context({ purpose: 'research' });
  it('and, or, xone, andSequence', async () => {
    assert.equal(await holds({ and: [yes, yes] }, ctx), true);
    assert.equal(await holds({ and: [yes, no] }, ctx), false);
    assert.equal(await holds({ or: [no, yes] }, ctx), true);
    assert.equal(await holds({ or: [no, no] }, ctx), false);
    assert.equal(await holds({ xone: [no, yes] }, ctx), true);
    assert.equal(await holds({ xone: [yes, yes] }, ctx), false);
    assert.equal(await holds({ andSequence: { '@list': [yes, yes] } }, ctx), true);
    assert.equal(await holds({ andSequence: { '@list': [yes, no] } }, ctx), false);
  });

  it('reports every member, nested ones included, even when the first one decides', async () => {
    const doc = permitWith({ '@id': 'urn:c:or', or: [{ '@id': 'urn:c:1', ...yes }, { '@id': 'urn:c:and', and: [{ '@id': 'urn:c:2', ...no }, { '@id': 'urn:c:3', ...yes }] }] });
    const { trace, permit } = await decide(doc, ctx);
    assert.equal(permit, true);
    const or = trace.permissions[0]!.constraints[0]!;
    assert.deepEqual(or.members!.map((m) => [m.constraint.id, m.satisfied]), [['urn:c:1', true], ['urn:c:and', false]]);
    assert.deepEqual(or.members![1]!.members!.map((m) => [m.constraint.id, m.satisfied]), [['urn:c:2', false], ['urn:c:3', true]]);
  });
});
