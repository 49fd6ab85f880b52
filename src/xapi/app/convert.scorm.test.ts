import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/index.js';
import { specSkip } from '../../../test/support/spec.js';
import { createXapiTools, XapiInputError, type ConvertProgress, type Statement } from '../index.js';
import { cmi5ProfileDoc, SCHEMAS_OF_VERB, scormSchemas } from '../testing/spec-profiles.js';

const tools = createXapiTools({ clock: new ManualClock('2026-01-01T00:00:00Z') });
const collect = async (it: AsyncIterable<Statement>) => {
  const out: Statement[] = [];
  for await (const s of it) out.push(s);
  return out;
};
const V = (w: string) => `http://adlnet.gov/expapi/verbs/${w}`;

const course = { id: 'https://lms.example.org/courses/cs204', name: 'CS204', description: 'Computer science 204' };
const sco = { id: 'https://lms.example.org/courses/cs204/lesson01', name: 'Lesson 01' };
const scorm12 = {
  course, sco, attempt: '50fd6961-ab6c-4e75-a6c7-ca42dce50dd6', startedAt: '2024-03-01T10:00:00+01:00', endedAt: '2024-03-01T10:30:00+01:00',
  cmi: {
    'cmi.core.student_id': '500-627-490', 'cmi.core.student_name': 'Doe, Jane', 'cmi.core.lesson_status': 'passed',
    'cmi.core.score.raw': '85', 'cmi.core.score.min': '0', 'cmi.core.score.max': '100', 'cmi.core.session_time': '0000:29:30.5',
    'cmi.comments': 'Clear and short', 'cmi.interactions.0.id': 'q1', 'cmi.interactions.0.type': 'choice', 'cmi.interactions.0.student_response': 'a,c',
    'cmi.interactions.0.correct_responses.0.pattern': 'a,c', 'cmi.interactions.0.result': 'correct', 'cmi.interactions.0.time': '10:12:00', 'cmi.interactions.0.latency': '0000:00:12.5',
    'cmi.interactions.1.id': 'q2', 'cmi.interactions.1.type': 'true-false', 'cmi.interactions.1.student_response': 't', 'cmi.interactions.1.result': 'wrong',
    'cmi.objectives.0.id': 'if-else', 'cmi.objectives.0.status': 'passed', 'cmi.objectives.0.score.raw': '90',
  },
};
// The nested form of the 2004 data model, a suspended attempt that was resumed.
const scorm2004 = {
  course, sco, attempt: 'attempt-7', startedAt: '2024-03-02T09:00:00Z', endedAt: '2024-03-02T09:20:00Z',
  cmi: {
    learner_id: 'jd-17', learner_name: 'Jane Doe', entry: 'resume', exit: 'suspend', completion_status: 'incomplete', success_status: 'unknown',
    progress_measure: '0.4', session_time: 'PT20M', score: { scaled: '0.35', raw: '35', min: '0', max: '100' },
    comments_from_learner: [{ comment: 'Too fast', timestamp: '2024-03-02T09:10:00Z' }],
    interactions: [{ id: 'match-1', type: 'matching', learner_response: '1[.]a[,]2[.]b', result: 'incorrect', timestamp: '2024-03-02T09:05:00Z', latency: 'PT30S', correct_responses: [{ pattern: '1[.]b[,]2[.]a' }] }],
  },
};

describe('SCORM run-time data to xAPI (xAPI SCORM Profile)', { skip: specSkip }, () => {
  it('turns a SCORM 1.2 attempt into statements that satisfy the profile schemas of their verbs', async () => {
    const schemas = scormSchemas();
    const out = await collect(tools.convert('scorm12', `${JSON.stringify(scorm12)}\n`, { homePage: 'https://lms.example.org' }));
    assert.deepEqual(out.map((s) => s.verb.id), [V('initialized'), V('responded'), V('responded'), V('passed'), V('commented'), V('scored'), V('passed'), V('completed'), V('terminated')]);
    for (const s of out) {
      // Every statement reports learner activity during the attempt; each verb has its own schema besides.
      for (const name of ['reporting.learner.activity.during.attempt', ...(s.context?.contextActivities?.parent ? [] : SCHEMAS_OF_VERB[s.verb.id]!)]) {
        assert.ok(schemas[name]!(s), `${s.verb.id} vs ${name}: ${JSON.stringify(schemas[name]!.errors)}`);
      }
    }
    const [init, q1, q2, objective, , scored, , , end] = out as [Statement, Statement, Statement, Statement, Statement, Statement, Statement, Statement, Statement];
    assert.deepEqual(init.actor, { objectType: 'Agent', name: 'Doe, Jane', account: { homePage: 'https://lms.example.org', name: '500-627-490' } });
    assert.deepEqual(q1.result, { response: 'a[,]c', success: true, duration: 'PT0H0M12.5S' });
    assert.equal(q1.timestamp, '2024-03-01T10:12:00+01:00');
    assert.deepEqual(q2.result, { response: 'true', success: false });
    assert.equal((objective.object as { id: string }).id, `${sco.id}/objectives/if-else`);
    assert.deepEqual(scored.result?.score, { scaled: 0.85, raw: 85, min: 0, max: 100 });
    assert.deepEqual(end.result, { success: true, completion: true, score: { scaled: 0.85, raw: 85, min: 0, max: 100 }, duration: 'PT0H29M30.5S' });
    assert.equal(end.context?.registration, scorm12.attempt);
  });

  it('turns a suspended SCORM 2004 attempt (nested data model) into resumed … suspended statements', async () => {
    const schemas = scormSchemas();
    const out = await collect(tools.convert('scorm2004', JSON.stringify([scorm2004]), { homePage: 'https://lms.example.org' }));
    assert.deepEqual(out.map((s) => s.verb.id), [V('resumed'), V('responded'), V('commented'), V('progressed'), V('scored'), V('suspended')]);
    for (const s of out) for (const name of ['reporting.learner.activity.during.attempt', ...(s.context?.contextActivities?.parent ? [] : SCHEMAS_OF_VERB[s.verb.id]!)]) assert.ok(schemas[name]!(s), `${s.verb.id} vs ${name}: ${JSON.stringify(schemas[name]!.errors)}`);
    assert.equal(out.length, 6);
    assert.deepEqual(out[1]!.result, { response: '1[.]a[,]2[.]b', success: false, duration: 'PT30S' });
    assert.deepEqual(out[3]!.result, { score: { scaled: 0.4 } });
    assert.deepEqual(out[5]!.result, { completion: false, score: { scaled: 0.35, raw: 35, min: 0, max: 100 }, duration: 'PT20M' });
    // The attempt is named, not a UUID: the registration is derived from it, the same on every run.
    const again = await collect(tools.convert('scorm2004', JSON.stringify([scorm2004]), { homePage: 'https://lms.example.org' }));
    assert.deepEqual(again.map((s) => s.id), out.map((s) => s.id));
    assert.equal(new Set(out.map((s) => s.id)).size, out.length);
  });

  it('with the cmi5 flavour, writes statements that follow the cmi5 profile', async () => {
    const profile = tools.profile(cmi5ProfileDoc());
    const out = await collect(tools.convert('scorm12', JSON.stringify(scorm12), { homePage: 'https://lms.example.org', flavour: 'cmi5', profile }));
    assert.deepEqual(out.map((s) => s.verb.id), [V('initialized'), V('responded'), V('responded'), V('passed'), V('completed'), V('terminated')]);
    for (const s of out) assert.equal(tools.validate(s, profile).outcome, 'success', JSON.stringify(tools.validate(s, profile)));
    assert.deepEqual(tools.validate(out[3], profile).templates.sort(), ['https://w3id.org/xapi/cmi5#generalrestrictions', 'https://w3id.org/xapi/cmi5#passed']);
  });

  it('stops at a bad record naming its line and CMI element, or skips and reports it when asked', async () => {
    const bad = { ...scorm12, cmi: { ...scorm12.cmi, 'cmi.core.score.raw': 'eighty' } };
    const ndjson = [scorm12, bad, scorm12].map((r) => JSON.stringify(r)).join('\n');
    await assert.rejects(collect(tools.convert('scorm12', ndjson, { homePage: 'https://lms.example.org' })), (e: unknown) => {
      assert.ok(e instanceof XapiInputError);
      assert.equal(e.code, 'DS_XAPI_INVALID_INPUT');
      assert.equal(e.line, 2);
      assert.equal(e.record, 1);
      assert.deepEqual(e.errors, [{ path: '/1/cmi/cmi.core.score.raw', message: '"eighty" is not a number' }]);
      return true;
    });
    const skipped: XapiInputError[] = [];
    const progress: ConvertProgress[] = [];
    const out = await collect(tools.convert('scorm12', ndjson, { homePage: 'https://lms.example.org', onInvalid: (e) => skipped.push(e), onProgress: (p) => progress.push(p), progressEvery: 1 }));
    assert.equal(out.length, 18);
    assert.deepEqual(skipped.map((e) => e.line), [2]);
    assert.deepEqual(progress.at(-1), { records: 3, statements: 18, skipped: 1, line: 3, done: true });
    assert.equal(progress.length, 3);
  });

  it('refuses records without a learner, a course IRI or a home page for an LMS learner id', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...scorm12, cmi: { 'cmi.core.lesson_status': 'passed' } }, '/0/cmi'],
      [{ ...scorm12, course: 'not an iri' }, '/0/course'],
      [{ ...scorm12, startedAt: 'yesterday' }, '/0/startedAt'],
      [{ ...scorm12, cmi: { ...scorm12.cmi, 'cmi.core.lesson_status': 'done' } }, '/0/cmi/cmi.core.lesson_status'],
      [{ ...scorm12, cmi: { ...scorm12.cmi, 'cmi.interactions.0.latency': '12s' } }, '/0/cmi/cmi.interactions.0.latency'],
      [{ ...scorm12, learner: { mbox: 'jane' } }, '/0/learner/mbox'],
    ];
    for (const [rec, path] of cases) {
      await assert.rejects(collect(tools.convert('scorm12', JSON.stringify([rec]), { homePage: 'https://lms.example.org' })), (e: unknown) => e instanceof XapiInputError && e.errors?.[0]?.path === path, path);
    }
    await assert.rejects(collect(tools.convert('scorm12', JSON.stringify([scorm12]), {})), (e: unknown) => e instanceof XapiInputError && e.errors?.[0]?.path === '/0/cmi/cmi.core.student_id');
    await assert.rejects(collect(tools.convert('scorm12', `${JSON.stringify(scorm12)}\n{oops\n`, { homePage: 'https://lms.example.org' })), (e: unknown) => e instanceof XapiInputError && e.line === 2);
  });
});

describe('streaming', () => {
  it('yields the statements of a record before the rest of the input has arrived, whatever the chunk boundaries', async () => {
    const rec = { course: 'https://lms.example.org/c', sco: 'https://lms.example.org/c/s', learner: { name: 'Jäne', mbox: 'mailto:jane@example.org' }, startedAt: '2024-03-01T10:00:00Z', cmi: { 'cmi.core.lesson_status': 'completed' } };
    const line = `${JSON.stringify(rec)}\n`;
    let released!: () => void;
    const gate = new Promise<void>((r) => (released = r));
    let sent = 0;
    async function* input() {
      // The first record arrives in three pieces (one splits a multi-byte character), the second only once released.
      const bytes = Buffer.from(line, 'utf8');
      const cut = bytes.indexOf(0xc3) + 1;
      yield bytes.subarray(0, 10);
      yield bytes.subarray(10, cut);
      yield bytes.subarray(cut);
      await gate;
      sent = 2;
      yield Buffer.from(line, 'utf8');
    }
    const seen: number[] = [];
    for await (const s of tools.convert('scorm12', input(), {})) {
      seen.push(sent);
      if (s.verb.id === V('terminated') && sent < 2) released();
    }
    // initialized, completed, terminated of record 1 came while the input still held record 2 back.
    assert.deepEqual(seen, [0, 0, 0, 2, 2, 2]);
  });
});
