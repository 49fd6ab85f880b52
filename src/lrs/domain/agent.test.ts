import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actorKeys, ifiKey, validateActor } from './agent.js';

describe('xAPI agents and groups', () => {
  it('accepts each inverse functional identifier and keys it', () => {
    assert.deepEqual(validateActor({ mbox: 'mailto:lea@example.org', name: 'Léa' }, '/actor'), []);
    assert.equal(ifiKey({ mbox: 'mailto:lea@example.org' }), 'mbox::mailto:lea@example.org');
    assert.equal(ifiKey({ mbox_sha1sum: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' }), 'mbox_sha1sum::abcdef0123456789abcdef0123456789abcdef01');
    assert.equal(ifiKey({ openid: 'https://id.example/lea' }), 'openid::https://id.example/lea');
    assert.equal(ifiKey({ account: { homePage: 'https://tb.example', name: 'tb-123' } }), 'account::https://tb.example::tb-123');
  });

  it('refuses none or two identifiers, bad values and unknown properties, naming the path', () => {
    assert.deepEqual(validateActor({ name: 'x' }, '/actor').map((e) => e.path), ['/actor']);
    assert.deepEqual(validateActor({ mbox: 'mailto:a@b.c', openid: 'https://x' }, '/actor').map((e) => e.path), ['/actor']);
    assert.deepEqual(validateActor({ mbox: 'lea@example.org' }, '/actor').map((e) => e.path), ['/actor/mbox']);
    assert.deepEqual(validateActor({ account: { homePage: 'not a uri', name: '' } }, '/a').map((e) => e.path), ['/a/account/homePage', '/a/account/name']);
    assert.deepEqual(validateActor({ mbox: 'mailto:a@b.c', age: 3 }, '/actor').map((e) => e.path), ['/actor/age']);
    assert.deepEqual(validateActor({ objectType: 'Person', mbox: 'mailto:a@b.c' }, '/actor').map((e) => e.path), ['/actor/objectType']);
  });

  it('requires members of an anonymous group, agents only, and keys identified groups with their members', () => {
    assert.deepEqual(validateActor({ objectType: 'Group' }, '/actor').map((e) => e.path), ['/actor/member']);
    assert.deepEqual(validateActor({ objectType: 'Group', member: [{ objectType: 'Group', member: [] }] }, '/actor').map((e) => e.path), ['/actor/member/0/objectType']);
    const g = { objectType: 'Group' as const, account: { homePage: 'https://tb.example', name: 'class-3b' }, member: [{ mbox: 'mailto:a@b.c' }, { openid: 'https://id.example/x' }] };
    assert.deepEqual(validateActor(g, '/actor'), []);
    assert.deepEqual(actorKeys(g), ['account::https://tb.example::class-3b', 'mbox::mailto:a@b.c', 'openid::https://id.example/x']);
    assert.equal(validateActor({ objectType: 'Group', member: [{ mbox: 'mailto:a@b.c' }] }, '/actor', { allowGroup: false }).length, 1);
  });
});
