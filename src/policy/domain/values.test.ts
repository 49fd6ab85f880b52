import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionAncestors, actionIncludedIn, canonicalAction } from './action-hierarchy.js';
import { ODRL_NS } from './odrl.vocabulary.js';
import { literal, XSD } from './rdf-graph.js';
import { ordered, parseDuration, parseTime, valueOfTerm, type Value } from './values.js';

const t = (s: string) => parseTime(s) as Extract<Value, { k: 'time' }>;
const O = (a: string) => `${ODRL_NS}${a}`;

describe('operand values', () => {
  it('reads dates and dateTimes as UTC, including the forms met in practice', () => {
    assert.deepEqual(t('2018-01-01'), { k: 'time', start: Date.UTC(2018, 0, 1), end: Date.UTC(2018, 0, 2) });
    assert.equal(t('2017-12-19T15:00:00').start, Date.UTC(2017, 11, 19, 15));
    assert.equal(t('2025-07-23 00:00:00').start, Date.UTC(2025, 6, 23));
    assert.equal(t('2023-12-31T06:00Z').start, Date.UTC(2023, 11, 31, 6));
    assert.equal(t('2024-02-12T11:20:10.999+01:00').start, Date.UTC(2024, 1, 12, 10, 20, 10, 999));
    assert.equal(parseTime('next tuesday'), undefined);
    assert.equal(parseTime('2024-13-45'), undefined);
  });

  it('reads xsd:durations in seconds, refusing empty or malformed ones', () => {
    assert.equal(parseDuration('P30D'), 30 * 86_400);
    assert.equal(parseDuration('PT1H30M'), 5400);
    assert.equal(parseDuration('P1W'), 604_800);
    assert.equal(parseDuration('-PT5S'), -5);
    assert.equal(parseDuration('P'), undefined);
    assert.equal(parseDuration('PT'), undefined);
    assert.equal(parseDuration('30 days'), undefined);
  });

  it('compares an instant with a whole day: lteq a date still holds that evening, gt only the day after', () => {
    const evening: Value = { k: 'time', start: Date.UTC(2023, 11, 31, 22), end: Date.UTC(2023, 11, 31, 22) };
    const day = t('2023-12-31');
    assert.equal(ordered('lteq', evening, day), true);
    assert.equal(ordered('lt', evening, day), false);
    assert.equal(ordered('eq', evening, day), true);
    assert.equal(ordered('gt', evening, day), false);
    assert.equal(ordered('gt', t('2024-01-01T00:00:00Z'), day), true);
    assert.equal(ordered('gteq', evening, day), true);
  });

  it('types right operands by their datatype, and numbers written as text by comparison', () => {
    assert.deepEqual(valueOfTerm(literal('5.00', `${XSD}decimal`)), { k: 'num', n: 5 });
    assert.deepEqual(valueOfTerm(literal('P1D', `${XSD}duration`)), { k: 'dur', s: 86_400 });
    assert.deepEqual(valueOfTerm(literal('true', `${XSD}boolean`)), { k: 'bool', b: true });
    assert.deepEqual(valueOfTerm(literal('gold')), { k: 'str', s: 'gold' });
    assert.deepEqual(valueOfTerm({ termType: 'NamedNode', value: 'urn:x' }), { k: 'iri', s: 'urn:x' });
    assert.equal(valueOfTerm(literal('abc'), 'num'), undefined);
    assert.equal(ordered('lteq', { k: 'num', n: 1000 }, { k: 'str', s: '1200' }), true);
    assert.equal(ordered('lt', { k: 'num', n: 1 }, t('2020-01-01')), false, 'a number and a date do not compare');
  });
});

describe('ODRL action hierarchy (odrl:includedIn)', () => {
  it('includes read, print, play and display in use, transitively', () => {
    for (const a of ['read', 'print', 'play', 'display', 'distribute', 'reproduce', 'extract']) assert.equal(actionIncludedIn(O(a), O('use')), true, a);
    assert.equal(actionIncludedIn(O('display'), O('play')), true);
    assert.equal(actionIncludedIn(O('extract'), O('reproduce')), true);
  });

  it('keeps transfer apart: sell and give are transfers, not uses', () => {
    assert.equal(actionIncludedIn(O('sell'), O('use')), false);
    assert.equal(actionIncludedIn(O('sell'), O('transfer')), true);
    assert.equal(actionIncludedIn(O('use'), O('read')), false, 'inclusion goes one way');
  });

  it('reads deprecated actions as their ODRL 2.2 equivalents, and takes extra includedIn edges', () => {
    assert.equal(canonicalAction(O('copy')), O('reproduce'));
    assert.equal(canonicalAction(O('constructor')), O('constructor'), 'no prototype lookups');
    assert.equal(actionIncludedIn(O('copy'), O('use')), true);
    const extra = (a: string) => (a === 'urn:profile:analyse' ? [O('read')] : []);
    assert.deepEqual([...actionAncestors('urn:profile:analyse', extra)], ['urn:profile:analyse', O('read'), O('use')]);
  });
});
