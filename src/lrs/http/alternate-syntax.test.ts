import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine } from '../../../test/support/databases.js';
import { withLrsHarness, type LrsHarness } from '../testing/lrs-harness.js';
import { agent, ACTIVITY, problem, statement, uuid } from '../testing/statement-fixtures.js';

/** xAPI 1.0.3 Communication §1.3: requests as a form POSTed with ?method= (and its refusal in 2.0). */
forEachEngine('LRS alternate request syntax', (engine) => {
  let h: LrsHarness;
  withLrsHarness(engine, (x) => (h = x));

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const alt = (resource: string, method: string, fields: Record<string, string>, opts: { headers?: Record<string, string>; query?: string } = {}) =>
    h.app.inject({
      method: 'POST',
      url: `/xapi/${resource}?method=${method}${opts.query ?? ''}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
      payload: form(fields),
    });
  const creds = () => ({ Authorization: h.auth.all, 'X-Experience-API-Version': '1.0.3' });

  test('PUT, POST and GET of statements go through the form, headers included', async () => {
    const put = await alt('statements', 'PUT', { ...creds(), 'Content-Type': 'application/json', statementId: uuid(9001), content: JSON.stringify(statement({ actor: agent(91) })) });
    assert.equal(put.statusCode, 204, put.body);
    assert.equal(put.headers['x-experience-api-version'], '1.0.3');
    const post = await alt('statements', 'POST', { ...creds(), content: JSON.stringify([statement({ id: uuid(9002), actor: agent(92) })]) });
    assert.equal(post.statusCode, 200, post.body);
    assert.deepEqual(post.json(), [uuid(9002)]);
    // GET with its parameters in the form (the way round a too-long query string).
    const got = await alt('statements', 'GET', { ...creds(), agent: JSON.stringify(agent(91)) });
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(got.json().statements.map((s: { id: string }) => s.id), [uuid(9001)]);
    assert.ok(got.headers['x-experience-api-consistent-through']);
    const single = await alt('statements', 'GET', { ...creds(), statementId: uuid(9002) });
    assert.equal(single.json().actor.mbox, agent(92).mbox);
    const head = await alt('statements', 'HEAD', { ...creds(), statementId: uuid(9002) });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
  });

  test('documents: PUT with If-None-Match, GET with its ETag, DELETE; credentials may also come as real headers', async () => {
    const params = { activityId: ACTIVITY, agent: JSON.stringify(agent(93)), stateId: 'bookmark' };
    const put = await alt('activities/state', 'PUT', { ...params, 'Content-Type': 'application/json', 'If-None-Match': '*', content: '{"page":3}' }, { headers: { authorization: h.auth.all, 'x-experience-api-version': '1.0.3' } });
    assert.equal(put.statusCode, 204, put.body);
    const got = await alt('activities/state', 'GET', { ...creds(), ...params });
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(got.json(), { page: 3 });
    assert.ok(got.headers.etag);
    const again = await alt('activities/state', 'PUT', { ...creds(), ...params, 'If-None-Match': '*', content: '{"page":4}' });
    assert.equal(again.statusCode, 412);
    const del = await alt('activities/state', 'DELETE', { ...creds(), ...params });
    assert.equal(del.statusCode, 204);
    assert.equal((await alt('activities/state', 'GET', { ...creds(), ...params })).statusCode, 404);
  });

  test('the forwarded request is authenticated and authorised by its own route', async () => {
    const none = await alt('statements', 'GET', { 'X-Experience-API-Version': '1.0.3' });
    assert.deepEqual(problem(none), { status: 401, code: 'DS_AUTH_MISSING_CREDENTIALS', paths: ['/headers/authorization'] });
    const reader = await alt('statements', 'POST', { Authorization: h.auth.reader, 'X-Experience-API-Version': '1.0.3', content: JSON.stringify(statement()) });
    assert.equal(reader.statusCode, 403);
    const wrong = await alt('statements', 'GET', { Authorization: 'Basic bm9ib2R5Om5vdGhpbmc=', 'X-Experience-API-Version': '1.0.3' });
    assert.equal(wrong.statusCode, 401);
  });

  test('malformed alternate requests are refused with the offending part named', async () => {
    assert.deepEqual(problem(await alt('statements', 'PUT', { ...creds(), content: '{}' }, { query: `&statementId=${uuid(9003)}` })), { status: 400, code: 'DS_LRS_ALTERNATE_SYNTAX', paths: ['/query/statementId'] });
    assert.deepEqual(problem(await alt('statements', 'PATCH', creds())), { status: 400, code: 'DS_LRS_ALTERNATE_SYNTAX', paths: ['/query/method'] });
    assert.deepEqual(problem(await alt('statements', 'PUT', { ...creds(), statementId: uuid(9004) })), { status: 400, code: 'DS_LRS_ALTERNATE_SYNTAX', paths: ['/body/content'] });
    const json = await h.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers: { 'content-type': 'application/json', authorization: h.auth.all, 'x-experience-api-version': '1.0.3' }, payload: '{}' });
    assert.deepEqual(problem(json), { status: 400, code: 'DS_LRS_ALTERNATE_SYNTAX', paths: ['/headers/content-type'] });
    // The content is validated by the statements route as usual, its paths unchanged.
    const invalid = await alt('statements', 'POST', { ...creds(), content: JSON.stringify(statement({ actor: { mbox: 'nobody' } })) });
    assert.deepEqual(problem(invalid), { status: 400, code: 'DS_LRS_INVALID_STATEMENT', paths: ['/body/actor/mbox'] });
    // Only a POST carries the syntax: a GET with ?method= is a GET with an unknown parameter.
    const get = await h.app.inject({ method: 'GET', url: '/xapi/statements?method=GET', headers: { authorization: h.auth.all, 'x-experience-api-version': '1.0.3' } });
    assert.deepEqual(problem(get), { status: 400, code: 'DS_LRS_INVALID_QUERY', paths: ['/query/method'] });
  });

  test('xAPI 2.0 removed the syntax: refused, whether the version comes in the form or as a header', async () => {
    const inForm = await alt('statements', 'GET', { Authorization: h.auth.all, 'X-Experience-API-Version': '2.0.0' });
    assert.deepEqual(problem(inForm), { status: 400, code: 'DS_LRS_ALTERNATE_SYNTAX', paths: ['/query/method'] });
    assert.equal(inForm.headers['x-experience-api-version'], '2.0.0');
    const asHeader = await alt('statements', 'POST', { Authorization: h.auth.all, content: JSON.stringify(statement()) }, { headers: { 'x-experience-api-version': '2.0' } });
    assert.equal(problem(asHeader).code, 'DS_LRS_ALTERNATE_SYNTAX');
    // Statements posted plainly with 2.0 are unaffected.
    const plain = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': '2.0.0' }, payload: statement() });
    assert.equal(plain.statusCode, 200);
  });
});
