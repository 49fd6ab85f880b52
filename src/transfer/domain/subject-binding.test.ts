import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindSubject, selectsSubject } from './subject-binding.js';

describe('binding the person of a consent into a personal-data source', () => {
  it('fills the subject into a REST URL, percent-encoded, in either spelling of the placeholder', () => {
    const r = bindSubject({ type: 'rest', url: 'https://tb.example/records/{subject}?x=1' }, 'tb 12/3');
    assert.ok(r.ok);
    assert.equal(r.value.type === 'rest' && r.value.url, 'https://tb.example/records/tb%2012%2F3?x=1');
    const parsed = new URL('https://tb.example/records/{subject}').toString();
    const q = bindSubject({ type: 'rest', url: parsed }, 'tb-123');
    assert.ok(q.ok && q.value.type === 'rest' && q.value.url === 'https://tb.example/records/tb-123');
  });

  it('binds the subject as an SQL parameter value, leaving the query text alone', () => {
    const source = { type: 'sql' as const, connection: 'tb', query: 'select * from records where learner = $1 and year = $2', parameters: [{ ref: 'subject' }, 2026] };
    const r = bindSubject(source, "x'; drop table records; --");
    assert.ok(r.ok && r.value.type === 'sql');
    assert.equal(r.value.query, source.query);
    assert.deepEqual(r.value.parameters, ["x'; drop table records; --", 2026]);
  });

  it('names a file after the subject only when the id is a safe file name', () => {
    const ok = bindSubject({ type: 'file', path: '/exports/{subject}.json' }, 'tb-123');
    assert.ok(ok.ok && ok.value.type === 'file' && ok.value.path === '/exports/tb-123.json');
    for (const bad of ['..', '.', '../etc/passwd', 'a/b', '']) assert.equal(bindSubject({ type: 'file', path: '/exports/{subject}' }, bad).ok, false, bad);
  });

  it("narrows an LRS query to the person's account, escaped inside the agent's JSON", () => {
    const source = { type: 'lrs' as const, query: { agent: '{"account":{"homePage":"https://tb.example","name":"{subject}"}}', verb: 'http://adlnet.gov/expapi/verbs/completed' } };
    const r = bindSubject(source, 'tb"123');
    assert.ok(r.ok && r.value.type === 'lrs');
    assert.deepEqual(JSON.parse(r.value.query.agent!), { account: { homePage: 'https://tb.example', name: 'tb"123' } });
    assert.equal(r.value.query.verb, source.query.verb);
    assert.equal(selectsSubject({ type: 'lrs', query: { verb: 'x' } }), false);
  });

  it('refuses a source that selects nobody (it would hand over everyone)', () => {
    for (const s of [{ type: 'rest' as const, url: 'https://tb.example/records' }, { type: 'sql' as const, connection: 'tb', query: 'select * from records' }, { type: 'file' as const, path: '/exports/all.json' }]) {
      assert.equal(selectsSubject(s), false);
      const r = bindSubject(s, 'tb-123');
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.error : '', /does not select one person/);
    }
    assert.equal(selectsSubject({ type: 'sql', connection: 'tb', query: 'q', parameters: [{ ref: 'subject', extra: 1 }] }), false, 'only an exact {"ref":"subject"}');
  });
});
