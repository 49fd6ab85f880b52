import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/index.js';
import { createXapiTools, XapiInputError, type Statement } from '../index.js';

const tools = createXapiTools({ clock: new ManualClock('2026-01-01T00:00:00Z') });
const collect = async (it: AsyncIterable<Statement>) => {
  const out: Statement[] = [];
  for await (const s of it) out.push(s);
  return out;
};

const ctx = 'http://purl.imsglobal.org/ctx/caliper/v1p2';
const actor = { id: 'https://univ.example.edu/users/554433', type: 'Person', name: 'Jane' };
const group = { id: 'https://univ.example.edu/terms/2024/courses/bio-101', type: 'CourseOffering', name: 'Biology 101' };
const navigated = {
  '@context': ctx, id: 'urn:uuid:ff9ec22a-fc59-4ae1-ae8d-2c9463ee2f8f', type: 'NavigationEvent', actor, action: 'NavigatedTo',
  object: { id: 'https://univ.example.edu/terms/2024/courses/bio-101/syllabus', type: 'WebPage', name: 'Syllabus', isPartOf: group },
  eventTime: '2024-03-01T10:15:00.000Z', edApp: { id: 'https://univ.example.edu/lms', type: 'SoftwareApplication', name: 'LMS' }, group,
  membership: { id: 'https://univ.example.edu/memberships/1', type: 'Membership', roles: ['Learner'] },
};
const graded = {
  '@context': ctx, id: 'urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d', type: 'GradeEvent', actor: { id: 'https://univ.example.edu/autograder', type: 'SoftwareApplication' }, action: 'Graded',
  object: { id: 'https://univ.example.edu/attempts/9', type: 'Attempt' }, eventTime: '2024-03-01T11:00:00Z',
  generated: { id: 'https://univ.example.edu/scores/9', type: 'Score', scoreGiven: 15, maxScore: 20 },
};
// Caliper 1.1 wrote no @context version but the same terms; 1.0 used IRIs for actions and types.
const answered11 = {
  '@context': 'http://purl.imsglobal.org/ctx/caliper/v1p1', type: 'AssessmentItemEvent', actor, action: 'http://purl.imsglobal.org/vocab/caliper/v1/action#Completed',
  object: { id: 'https://univ.example.edu/quiz/1/items/3', type: 'http://purl.imsglobal.org/caliper/v1/AssessmentItem' }, eventTime: '2024-03-01T10:20:00+01:00',
  generated: { id: 'https://univ.example.edu/responses/3', type: 'FillinBlankResponse', values: ['mitochondria'], duration: 'PT45S' },
};

describe('IMS Caliper 1.1 / 1.2 events to xAPI', () => {
  it('maps an envelope of events: actor account, verb, activity type, context, score, ids', async () => {
    const envelope = { sensor: 'https://univ.example.edu/sensors/1', sendTime: '2024-03-01T11:00:05Z', dataVersion: ctx, data: [navigated, graded, answered11] };
    const out = await collect(tools.convert('caliper', JSON.stringify(envelope), {}));
    assert.equal(out.length, 3);
    const [nav, grade, item] = out as [Statement, Statement, Statement];
    assert.deepEqual(nav, {
      id: 'ff9ec22a-fc59-4ae1-ae8d-2c9463ee2f8f',
      actor: { objectType: 'Agent', name: 'Jane', account: { homePage: 'https://univ.example.edu', name: actor.id } },
      verb: { id: 'https://w3id.org/xapi/netc/verbs/accessed', display: { 'en-US': 'accessed' } },
      object: { objectType: 'Activity', id: navigated.object.id, definition: { type: 'https://w3id.org/xapi/acrossx/activities/webpage', name: { 'en-US': 'Syllabus' } } },
      context: {
        contextActivities: {
          parent: [{ objectType: 'Activity', id: group.id, definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { 'en-US': 'Biology 101' } } }],
          grouping: [{ objectType: 'Activity', id: group.id, definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { 'en-US': 'Biology 101' } } }],
        },
        platform: 'LMS',
        extensions: { 'http://schema.dases.eu/xapi/profile/common/extension/role': 'learner' },
      },
      timestamp: '2024-03-01T10:15:00.000Z',
    });
    assert.deepEqual(grade.result, { score: { raw: 15, min: 0, max: 20, scaled: 0.75 } });
    assert.equal(grade.verb.id, 'http://adlnet.gov/expapi/verbs/scored');
    assert.equal(item.verb.id, 'http://adlnet.gov/expapi/verbs/completed');
    assert.equal((item.object as { definition: { type: string } }).definition.type, 'http://adlnet.gov/expapi/activities/question');
    assert.deepEqual(item.result, { response: 'mitochondria', duration: 'PT45S' });
    assert.match(item.id ?? '', /^[0-9a-f-]{36}$/);
  });

  it('accepts NDJSON and arrays of events, with extra verb mappings', async () => {
    const bookmarked = { ...navigated, id: 'urn:uuid:0c5b3c1e-2f6a-4f5e-9b43-8f1f2f7d1a11', action: 'Liked' };
    const ndjson = `${JSON.stringify(navigated)}\n${JSON.stringify(bookmarked)}\n`;
    const out = await collect(tools.convert('caliper', ndjson, { caliper: { verbs: { Liked: 'https://w3id.org/xapi/acrossx/verbs/liked' } } }));
    assert.deepEqual(out.map((s) => s.verb.id), ['https://w3id.org/xapi/netc/verbs/accessed', 'https://w3id.org/xapi/acrossx/verbs/liked']);
    const both = await collect(tools.convert('caliper', JSON.stringify([navigated, graded]), { categories: ['https://example.org/profiles/lms/v1'] }));
    assert.deepEqual(both.map((s) => s.context?.contextActivities?.category), [[{ id: 'https://example.org/profiles/lms/v1' }], [{ id: 'https://example.org/profiles/lms/v1' }]]);
    await assert.rejects(collect(tools.convert('caliper', JSON.stringify([navigated]), { categories: ['not an iri'] })), (e: unknown) => e instanceof XapiInputError && /category\/0\/id/.test(e.message));
  });

  it('names the event and field it cannot map', async () => {
    const cases: Array<[string, string, number | undefined]> = [
      [`${JSON.stringify(navigated)}\n${JSON.stringify({ ...navigated, action: 'Teleported' })}`, '/1/action', 2],
      [JSON.stringify({ sensor: 's', data: [navigated, { ...graded, eventTime: 'noon' }] }), '/data/1/eventTime', undefined],
      [JSON.stringify([{ ...navigated, actor: { id: 'urn:user:1' } }]), '/0/actor/id', undefined],
      [JSON.stringify([{ ...graded, generated: { type: 'Score', scoreGiven: 'A' } }]), '/0/generated/scoreGiven', undefined],
    ];
    for (const [input, path, line] of cases) {
      await assert.rejects(collect(tools.convert('caliper', input, {})), (e: unknown) => {
        assert.ok(e instanceof XapiInputError, String(e));
        assert.equal(e.errors?.[0]?.path, path);
        assert.equal(e.line, line);
        return true;
      });
    }
  });
});
