import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { validateActor } from '../../lrs/index.js';
import { pseudonymise, pseudonymOf } from './pseudonym.js';

const key = Buffer.alloc(32, 7);
const homePage = 'https://node.example.org';
const statement = {
  actor: { name: 'Ada Lovelace', mbox: 'mailto:ada@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { objectType: 'SubStatement', actor: { account: { homePage: 'https://lms.example', name: '42' } }, verb: { id: 'http://adlnet.gov/expapi/verbs/asked' }, object: { objectType: 'Agent', openid: 'https://id.example/bob' } },
  context: { instructor: { mbox_sha1sum: 'a'.repeat(40) }, team: { objectType: 'Group', name: 'Team A', member: [{ mbox: 'mailto:x@example.org' }] } },
  authority: { objectType: 'Agent', mbox: 'mailto:lrs@example.org' },
};

describe('pseudonymisation', () => {
  it('replaces every person by an account on the home page named by HMAC-SHA-256 of the IFI', () => {
    const p = pseudonymise(statement, { homePage, key });
    const expected = createHmac('sha256', key).update('mbox::mailto:ada@example.org').digest('hex');
    assert.deepEqual(p.actor, { objectType: 'Agent', account: { homePage, name: expected } });
    const text = JSON.stringify(p);
    for (const secret of ['Ada', 'ada@example.org', 'https://id.example/bob', 'x@example.org', 'Team A', '"42"', 'a'.repeat(40)]) assert.ok(!text.includes(secret), secret);
    assert.deepEqual(validateActor(p.actor, '/actor'), []);
    assert.deepEqual(validateActor(p.context.team, '/context/team'), []);
    assert.equal(p.verb, statement.verb);
  });

  it('gives the same learner the same pseudonym, another key another one', () => {
    const a = pseudonymOf({ mbox: 'mailto:ada@example.org' }, key);
    assert.equal(pseudonymOf({ mbox: 'mailto:ada@example.org' }, key), a);
    assert.notEqual(pseudonymOf({ mbox: 'mailto:ada@example.org' }, Buffer.alloc(32, 8)), a);
    assert.notEqual(pseudonymOf({ mbox: 'mailto:bob@example.org' }, key), a);
    assert.match(a ?? '', /^[0-9a-f]{64}$/);
  });
});
