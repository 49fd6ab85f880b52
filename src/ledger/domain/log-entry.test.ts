import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryTypes, isRegisteredType, registerEntryType } from './entry-types.js';
import { canonicalEntry, checkNewEntry, hashedForm } from './log-entry.js';

describe('log entries', () => {
  it('hashes RFC 8785 canonical JSON: the RFC 8785 §3.2.2 example and its §3.2.3 key order', () => {
    const input = JSON.parse(String.raw`{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}`);
    assert.equal(hashedForm(input), String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    // Keys sort by UTF-16 code units (an object would put the integer-like "1" first, so compare the text).
    assert.equal(hashedForm(Object.fromEntries(keys.map((k, i) => [k, i]))), '{"\\r":1,"1":3,"\u0080":5,"\u00f6":6,"\u20ac":0,"\ud83d\ude00":4,"\ufb33":2}');
  });

  it('hashes the entry object exactly as returned without its index', () => {
    const body = { type: 'dataset.published', actor: 'did:web:a.example', timestamp: '2026-01-01T00:00:00.000Z', subject: 's', payload: { b: 1, a: [2, { d: 'x', c: null }] } };
    const text = canonicalEntry(body);
    assert.equal(text, '{"actor":"did:web:a.example","payload":{"a":[2,{"c":null,"d":"x"}],"b":1},"subject":"s","timestamp":"2026-01-01T00:00:00.000Z","type":"dataset.published"}');
    assert.equal(hashedForm({ index: 9, ...JSON.parse(text) }), text);
  });

  it('keeps an extensible registry of entry types and refuses others naming the field', () => {
    assert.ok(isRegisteredType('participant.added') && isRegisteredType('witness.split-view'));
    assert.ok(!isRegisteredType('contract.signed'));
    registerEntryType('contract.signed', 'A contract agreement was signed');
    assert.ok(isRegisteredType('contract.signed'));
    assert.ok(entryTypes().some((t) => t.name === 'contract.signed'));
    assert.throws(() => registerEntryType('Contract Signed', 'x'), /context\.event/);
    const errors = checkNewEntry({ type: 'nope.nope', actor: 'not a did', subject: '', payload: [] as never });
    assert.deepEqual(errors.map((e) => e.path), ['/type', '/actor', '/subject', '/payload']);
  });
});
