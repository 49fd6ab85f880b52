import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJsonPath, JsonPathError } from './jsonpath.js';

const st = {
  verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
  context: {
    contextActivities: { category: [{ id: 'a' }, { id: 'b' }], grouping: [{ id: 'g' }] },
    extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 's1' },
  },
  result: { score: { scaled: 0.5 } },
};

describe('JSONPath subset of xAPI Profiles', () => {
  it('reads names, quoted names, indices, wildcards and unions', () => {
    assert.deepEqual(compileJsonPath('$.verb.id')(st), ['http://adlnet.gov/expapi/verbs/passed']);
    assert.deepEqual(compileJsonPath("$.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid']")(st), ['s1']);
    assert.deepEqual(compileJsonPath('$.context.contextActivities.category[*].id')(st), ['a', 'b']);
    assert.deepEqual(compileJsonPath('$.context.contextActivities.category[1].id')(st), ['b']);
    assert.deepEqual(compileJsonPath("$.context.contextActivities['category','grouping'][0].id")(st), ['a', 'g']);
    assert.deepEqual(compileJsonPath('$.context.contextActivities.*[*].id')(st), ['a', 'b', 'g']);
    assert.deepEqual(compileJsonPath('$.result.score.scaled | $.verb.id')(st), [0.5, 'http://adlnet.gov/expapi/verbs/passed']);
    assert.deepEqual(compileJsonPath('context.contextActivities.grouping[0].id')(st), ['g']);
  });

  it('finds nothing where the statement has nothing, and does not map a name over an array', () => {
    assert.deepEqual(compileJsonPath('$.result.success')(st), []);
    assert.deepEqual(compileJsonPath('$.context.contextActivities.category[5]')(st), []);
    assert.deepEqual(compileJsonPath('$.context.contextActivities.category.id')(st), []);
    assert.deepEqual(compileJsonPath('$.verb.id.x')(st), []);
  });

  it('refuses what xAPI Profiles forbid', () => {
    for (const bad of ['$..id', '$.a[?(@.b)]', '$.a[0:2]', '$.a[-1]', "$.a['x", '$.a b']) assert.throws(() => compileJsonPath(bad), JsonPathError, bad);
  });
});
