import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statement, VERSIONS } from '../testing/statement-fixtures.js';
import { validateStatement } from './statement.validator.js';

/** Statement validation, named after the ADL LRS conformance requirement ids (adlnet/xapi-lrs-conformance-requirements). */
const paths = (v: unknown, version: (typeof VERSIONS)[number], base = '/body') => validateStatement(v, base, version).map((e) => e.path);
const sub = (over: Record<string, unknown> = {}) => ({ objectType: 'SubStatement', actor: { mbox: 'mailto:s@example.org' }, verb: { id: 'http://example.org/v' }, object: { id: 'http://example.org/a' }, ...over });

for (const version of VERSIONS) {
  describe(`statement validation (xAPI ${version})`, () => {
    test('a minimal statement is valid', () => assert.deepEqual(paths(statement(), version), []));
    test('XAPI-00027/00028 the id must be a UUID string', () => {
      assert.deepEqual(paths(statement({ id: 'not-a-uuid' }), version), ['/body/id']);
      assert.deepEqual(paths(statement({ id: 42 }), version), ['/body/id']);
    });
    test('XAPI-00022 an invalid timestamp is refused, naming it', () => {
      assert.deepEqual(paths(statement({ timestamp: '2024-13-01T00:00:00Z' }), version), ['/body/timestamp']);
      assert.deepEqual(paths(statement({ timestamp: '2024-01-01T00:00:00-00:00' }), version), ['/body/timestamp']);
    });
    test('timestamps without offset: allowed in 1.0.3, refused in 2.0', () => {
      assert.deepEqual(paths(statement({ timestamp: '2024-01-01T00:00:00' }), version), version === '2.0.0' ? ['/body/timestamp'] : []);
    });
    test('XAPI-00024 authority must be an Agent or Group', () => assert.deepEqual(paths(statement({ authority: { objectType: 'Activity', id: 'http://x.org' } }), version), ['/body/authority/objectType']));
    test('XAPI-00031 actor objectType is Agent or Group', () => assert.deepEqual(paths(statement({ actor: { objectType: 'Person', mbox: 'mailto:a@b.org' } }), version), ['/body/actor/objectType']));
    test('XAPI-00034 an Agent has exactly one IFI', () => {
      assert.deepEqual(paths(statement({ actor: { mbox: 'mailto:a@b.org', openid: 'http://openid.example.org/a' } }), version), ['/body/actor']);
      assert.deepEqual(paths(statement({ actor: { name: 'nobody' } }), version), ['/body/actor']);
    });
    test('XAPI-00035 member is only allowed in a Group', () => assert.deepEqual(paths(statement({ actor: { mbox: 'mailto:a@b.org', member: [] } }), version), ['/body/actor/member']));
    test('XAPI-00036/00037 an anonymous Group lists valid Agents', () => {
      assert.deepEqual(paths(statement({ actor: { objectType: 'Group', member: [{ mbox: 'bad' }] } }), version), ['/body/actor/member/0/mbox']);
      assert.deepEqual(paths(statement({ actor: { objectType: 'Group' } }), version), ['/body/actor/member']);
    });
    test('XAPI-00038..00043 IFIs have their forms', () => {
      assert.deepEqual(paths(statement({ actor: { mbox: 'a@b.org' } }), version), ['/body/actor/mbox']);
      assert.deepEqual(paths(statement({ actor: { mbox_sha1sum: 'xyz' } }), version), ['/body/actor/mbox_sha1sum']);
      assert.deepEqual(paths(statement({ actor: { account: { name: 'a' } } }), version), ['/body/actor/account/homePage']);
      assert.deepEqual(paths(statement({ actor: { account: { homePage: 'http://x.org' } } }), version), ['/body/actor/account/name']);
    });
    test('XAPI-00044/00045 verb id is an IRI, display a language map', () => {
      assert.deepEqual(paths(statement({ verb: { display: { 'en-US': 'x' } } }), version), ['/body/verb/id']);
      assert.deepEqual(paths(statement({ verb: { id: 'http://x.org/v', display: { 'not a tag!': 'x' } } }), version), ['/body/verb/display/not a tag!']);
    });
    test('XAPI-00046 object objectType is one of five', () => assert.deepEqual(paths(statement({ object: { objectType: 'Thing', id: 'http://x.org' } }), version), ['/body/object/objectType']));
    test('XAPI-00047 an Activity needs an IRI id', () => assert.deepEqual(paths(statement({ object: { objectType: 'Activity' } }), version), ['/body/object/id']));
    test('XAPI-00049 interactionType from the list', () => assert.deepEqual(paths(statement({ object: { id: 'http://x.org/a', definition: { interactionType: 'essay' } } }), version), ['/body/object/definition/interactionType']));
    test('XAPI-00058 interaction component ids are unique', () => {
      const def = { interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] };
      assert.deepEqual(paths(statement({ object: { id: 'http://x.org/a', definition: def } }), version), ['/body/object/definition/choices/1/id']);
    });
    test('XAPI-00064 correctResponsesPattern needs interactionType', () => assert.deepEqual(paths(statement({ object: { id: 'http://x.org/a', definition: { correctResponsesPattern: ['a'] } } }), version), ['/body/object/definition/interactionType']));
    test('XAPI-00065 an Agent object states its objectType', () => assert.deepEqual(paths(statement({ object: { mbox: 'mailto:a@b.org' } }), version), ['/body/object/mbox', '/body/object/id']));
    test('XAPI-00066..00069 a SubStatement is a statement without id, stored, version, authority', () => {
      assert.deepEqual(paths(statement({ object: sub() }), version), []);
      assert.deepEqual(paths(statement({ object: sub({ id: '10000000-0000-4000-8000-000000000001', authority: { mbox: 'mailto:a@b.org' }, version: '1.0.0', stored: '2024-01-01T00:00:00Z' }) }), version), ['/body/object/id', '/body/object/authority', '/body/object/version', '/body/object/stored']);
      assert.deepEqual(paths(statement({ object: sub({ object: sub() }) }), version), ['/body/object/object/objectType']);
      assert.deepEqual(paths(statement({ object: sub({ verb: {} }) }), version), ['/body/object/verb/id']);
    });
    test('XAPI-00017 a voiding statement must target a StatementRef', () => {
      assert.deepEqual(paths(statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } }), version), ['/body/object/objectType']);
      assert.deepEqual(paths(statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: '10000000-0000-4000-8000-000000000001' } }), version), []);
    });
    test('result: score ranges, duration, booleans', () => {
      const result = { score: { scaled: 2, raw: 5, min: 10, max: 1 }, success: 'yes', duration: 'one hour' };
      assert.deepEqual([...new Set(paths(statement({ result }), version))].sort(), ['/body/result/duration', '/body/result/score/max', '/body/result/score/raw', '/body/result/score/scaled', '/body/result/success']);
      assert.deepEqual(paths(statement({ result: { score: { scaled: 0.5, raw: 5, min: 0, max: 10 }, duration: 'PT1H30M5.5S', completion: true } }), version), []);
    });
    test('context: registration UUID, revision and platform only for Activities, team is a Group', () => {
      assert.deepEqual(paths(statement({ context: { registration: 'abc' } }), version), ['/body/context/registration']);
      assert.deepEqual(paths(statement({ object: { objectType: 'Agent', mbox: 'mailto:a@b.org' }, context: { platform: 'x' } }), version), ['/body/context/platform']);
      assert.deepEqual(paths(statement({ context: { team: { mbox: 'mailto:a@b.org' } } }), version), ['/body/context/team/objectType']);
      assert.deepEqual(paths(statement({ context: { contextActivities: { parent: { id: 'http://x.org/p' }, other: [{ id: 'nope' }] } } }), version), ['/body/context/contextActivities/other/0/id']);
    });
    test('XAPI-00025 attachments is an array of valid Attachments', () => {
      assert.deepEqual(paths(statement({ attachments: {} }), version), ['/body/attachments']);
      const a = { usageType: 'http://x.org/u', display: { 'en-US': 'a' }, contentType: 'text/plain', length: 3, sha2: 'ab' };
      assert.deepEqual(paths(statement({ attachments: [a] }), version), ['/body/attachments/0/sha2']);
    });
    test('unknown properties are refused, naming them', () => assert.deepEqual(paths(statement({ colour: 'blue' }), version), ['/body/colour']));
    test('extension keys must be IRIs', () => assert.deepEqual(paths(statement({ result: { extensions: { plain: 1 } } }), version), ['/body/result/extensions/plain']));
    test('2.0 context agents and groups: valid in 2.0, unknown in 1.0.3', () => {
      const ctx = { contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:t@example.org' }, relevantTypes: ['http://x.org/teacher'] }], contextAgentGroups: [{ objectType: 'contextGroup', group: { objectType: 'Group', mbox: 'mailto:g@example.org' } }] };
      assert.deepEqual(paths(statement({ context: ctx }), version), version === '2.0.0' ? [] : ['/body/context/contextAgents', '/body/context/contextAgentGroups']);
      if (version === '2.0.0') assert.deepEqual(paths(statement({ context: { contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:t@example.org' }, relevantTypes: [] }] } }), version), ['/body/context/contextAgents/0/relevantTypes']);
    });
    test('version property: 1.0.x always, 2.0.x only for 2.0', () => {
      assert.deepEqual(paths(statement({ version: '1.0.3' }), version), []);
      assert.deepEqual(paths(statement({ version: '2.0.0' }), version), version === '2.0.0' ? [] : ['/body/version']);
      assert.deepEqual(paths(statement({ version: '0.95' }), version), ['/body/version']);
    });
    test('paths are relative to the given base (a batch member)', () => assert.deepEqual(paths(statement({ id: 'x' }), version, '/body/3'), ['/body/3/id']));
  });
}
