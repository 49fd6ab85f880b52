import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ManualClock } from '../../kernel/index.js';
import { createXapiTools, XapiInputError, type CsvMapping, type Statement } from '../index.js';

const tools = createXapiTools({ clock: new ManualClock('2026-01-01T00:00:00Z') });
const collect = async (it: AsyncIterable<Statement>) => {
  const out: Statement[] = [];
  for await (const s of it) out.push(s);
  return out;
};

const common = {
  actor: { objectType: 'Agent', name: '{{user_name}}', account: { homePage: 'https://app.example.org', name: '{{user_id}}' } },
  timestamp: '{{time:timestamp}}',
  context: { platform: 'Example app', contextActivities: { category: [{ id: 'https://example.org/profiles/app/v1' }] } },
};
const mapping: CsvMapping = {
  lookups: { pages: { course: 'course', list: 'course_list' } },
  select: 'event',
  statements: {
    page_view: { ...common, verb: { id: 'https://w3id.org/xapi/netc/verbs/accessed' }, object: { id: 'https://app.example.org/pages/{{page}}', definition: { type: 'https://w3id.org/xapi/acrossx/activities/webpage', name: { en: '{{title}}' }, extensions: { 'https://w3id.org/xapi/acrossx/extensions/type': '{{kind|pages}}' } } } },
    quiz: { ...common, verb: { id: 'http://adlnet.gov/expapi/verbs/scored' }, object: { id: 'https://app.example.org/quizzes/{{page}}' }, result: { score: { raw: '{{score:number}}', min: 0, max: 20 }, success: '{{passed:boolean}}' } },
  },
  skipUnselected: true,
};
const csv = [
  'time,user_id,user_name,event,page,title,kind,score,passed',
  '2024-03-01 10:00:00,u1,"Doe, Jane",page_view,intro,Introduction,course,,',
  '1709287500,u1,"Doe, Jane",quiz,q1,,,15,yes',
  '2024-03-01T10:10:00+01:00,u2,,login,,,,,',
  '2024-03-01T10:20:00Z,u2,Bob,page_view,all,"All ""courses""",list,,',
].join('\r\n');

describe('CSV activity logs with a mapping file to xAPI', () => {
  it('fills the template the select column picks: placeholders, lookups, types, empty cells leave properties out', async () => {
    const out = await collect(tools.convert('csv', csv, { mapping }));
    assert.equal(out.length, 3);
    const [view, quiz, view2] = out as [Statement, Statement, Statement];
    assert.deepEqual(view.actor, { objectType: 'Agent', name: 'Doe, Jane', account: { homePage: 'https://app.example.org', name: 'u1' } });
    assert.equal(view.timestamp, '2024-03-01T10:00:00.000Z');
    assert.deepEqual(view.object, { id: 'https://app.example.org/pages/intro', definition: { type: 'https://w3id.org/xapi/acrossx/activities/webpage', name: { en: 'Introduction' }, extensions: { 'https://w3id.org/xapi/acrossx/extensions/type': 'course' } } });
    assert.equal(quiz.timestamp, '2024-03-01T10:05:00.000Z');
    assert.deepEqual(quiz.result, { score: { raw: 15, min: 0, max: 20 }, success: true });
    assert.equal((view2.object as { definition: { name: { en: string } } }).definition.name.en, 'All "courses"');
    assert.deepEqual(Object.keys(view2.actor), ['objectType', 'name', 'account']);
    assert.notEqual(view.id, view2.id);
    assert.deepEqual((await collect(tools.convert('csv', csv, { mapping }))).map((s) => s.id), out.map((s) => s.id));
  });

  it('names the line and column of a bad cell, and the template and rule when a profile is asked for', async () => {
    const bad = csv.replace(',15,yes', ',fifteen,yes');
    await assert.rejects(collect(tools.convert('csv', bad, { mapping })), (e: unknown) => {
      assert.ok(e instanceof XapiInputError);
      assert.equal(e.line, 3);
      assert.deepEqual(e.errors, [{ path: '/1/score', message: '"fifteen" is not a number' }]);
      return true;
    });
    await assert.rejects(collect(tools.convert('csv', csv.replace('course,,', 'unknown,,'), { mapping })), (e: unknown) => e instanceof XapiInputError && e.errors?.[0]?.path === '/0/kind' && e.line === 2);
    await assert.rejects(collect(tools.convert('csv', csv, { mapping: { ...mapping, skipUnselected: false } })), (e: unknown) => e instanceof XapiInputError && e.errors?.[0]?.path === '/2/event' && e.line === 4);
    // A statement without its actor (empty id cell) fails our own statement checks.
    await assert.rejects(collect(tools.convert('csv', csv.replace(',u2,Bob,', ',,Bob,'), { mapping })), (e: unknown) => e instanceof XapiInputError && e.line === 5 && /\/actor/.test(e.message));
    const profile = {
      id: 'https://example.org/profiles/app',
      templates: [{ id: 'https://example.org/profiles/app/accessed-page', verb: 'https://w3id.org/xapi/netc/verbs/accessed', rules: [{ location: "$.object.definition.extensions['https://w3id.org/xapi/acrossx/extensions/type']", presence: 'included', any: ['course'] }] }],
    };
    await assert.rejects(collect(tools.convert('csv', csv, { mapping, profile })), (e: unknown) => {
      assert.ok(e instanceof XapiInputError);
      assert.equal(e.code, 'DS_XAPI_PROFILE_VIOLATION');
      assert.equal(e.line, 3);
      assert.match(e.errors?.[0]?.message ?? '', /matches no statement template/);
      return true;
    });
    const strictProfile = { ...profile, templates: [...profile.templates, { id: 'https://example.org/profiles/app/scored', verb: 'http://adlnet.gov/expapi/verbs/scored' }] };
    await assert.rejects(collect(tools.convert('csv', csv, { mapping, profile: strictProfile })), (e: unknown) => e instanceof XapiInputError && e.line === 5 && /template https:\/\/example.org\/profiles\/app\/accessed-page rule 0/.test(e.errors?.[0]?.message ?? ''));
  });

  it('refuses a mapping that names columns the header lacks, and CSV syntax errors with their line', async () => {
    await assert.rejects(collect(tools.convert('csv', csv, { mapping: { ...mapping, select: 'kind_of_event' } })), (e: unknown) => e instanceof AppError && e.code === 'DS_XAPI_INVALID_MAPPING' && e.errors?.[0]?.path === '/mapping/select');
    await assert.rejects(collect(tools.convert('csv', csv, { mapping: { statement: { actor: '{{nobody}}' } } })), (e: unknown) => e instanceof AppError && e.code === 'DS_XAPI_INVALID_MAPPING' && e.errors?.[0]?.path === '/mapping/statement/actor');
    await assert.rejects(collect(tools.convert('csv', csv, {})), (e: unknown) => e instanceof AppError && e.code === 'DS_XAPI_INVALID_MAPPING');
    await assert.rejects(collect(tools.convert('csv', `${csv}\r\n2024-01-01,u3,"open`, { mapping })), (e: unknown) => e instanceof XapiInputError && e.line === 6);
  });

  it('pseudonymises while converting when asked, and says when it cannot', async () => {
    const keyed = createXapiTools({ clock: new ManualClock(), pseudonym: { homePage: 'https://node.example.org', key: () => Buffer.alloc(32, 1) } });
    const out = await collect(keyed.convert('csv', csv, { mapping, pseudonymise: true }));
    assert.ok(out.every((s) => (s.actor.account?.homePage === 'https://node.example.org' && /^[0-9a-f]{64}$/.test(s.actor.account.name))));
    assert.equal(out[0]!.actor.account?.name, out[1]!.actor.account?.name);
    assert.ok(!JSON.stringify(out).includes('Doe'));
    await assert.rejects(collect(tools.convert('csv', csv, { mapping, pseudonymise: true })), (e: unknown) => e instanceof AppError && e.code === 'DS_XAPI_PSEUDONYM_KEY_MISSING');
  });
});
