import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError, ManualClock, silentLogger, type Authenticator } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createXapiTools } from '../index.js';

const auth: Authenticator = {
  async operator(key) {
    if (key === 'test-write') return { kind: 'operator', keyId: 'w', name: 'write', scopes: ['read', 'write'] };
    if (key === 'test-read') return { kind: 'operator', keyId: 'r', name: 'read', scopes: ['read'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant() {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
};

const record = {
  course: 'https://lms.example.org/courses/c1', sco: 'https://lms.example.org/courses/c1/sco1', attempt: 'a1', startedAt: '2024-03-01T10:00:00Z', endedAt: '2024-03-01T10:10:00Z',
  cmi: { 'cmi.learner_id': 'u1', 'cmi.completion_status': 'completed', 'cmi.session_time': 'PT10M' },
};
const mapping = { statement: { actor: { account: { homePage: 'https://app.example.org', name: '{{user}}' } }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'https://app.example.org/p/{{page}}' }, timestamp: '{{at:timestamp}}' } };
const csv = 'user,page,at\nu1,home,2024-03-01T10:00:00Z\nu2,help,2024-03-01T10:01:00Z\n';

describe('POST /api/v1/xapi/convert', () => {
  let app: App;
  const post = (query: string, payload: string | object, contentType = 'application/json', key = 'test-write', accept?: string) =>
    app.inject({ method: 'POST', url: `/api/v1/xapi/convert?${query}`, payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'x-api-key': key, 'content-type': contentType, ...(accept ? { accept } : {}) } });
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; errors?: Array<{ path: string; message: string }> } }, status: number, code: string, path: string) => {
    assert.equal(res.statusCode, status, JSON.stringify(res.json()));
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, code);
    assert.ok(res.json().errors?.some((e) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
  };

  before(async () => {
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth }));
    const tools = createXapiTools({ clock: new ManualClock('2026-01-01T00:00:00Z'), pseudonym: { homePage: 'https://node.example.org', key: Buffer.alloc(32, 3) } });
    await app.register(tools.routes);
    await app.ready();
  });
  after(() => app.close());

  it('converts a JSON array of SCORM 2004 attempts into a JSON array of statements', async () => {
    const res = await post('from=scorm2004&homePage=https://lms.example.org&category=https://example.org/p/v1', [record]);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((res.json() as Array<{ context: { contextActivities: { category: unknown } } }>)[0]!.context.contextActivities.category, [{ id: 'https://w3id.org/xapi/scorm' }, { id: 'https://example.org/p/v1' }]);
    const out = res.json() as Array<{ verb: { id: string }; actor: unknown }>;
    assert.deepEqual(out.map((s) => s.verb.id.split('/').pop()), ['initialized', 'completed', 'terminated']);
    assert.deepEqual(out[0]!.actor, { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: 'u1' } });
  });

  it('converts CSV (text/csv with the mapping in the query, or JSON {mapping, data}) into NDJSON, pseudonymised when asked', async () => {
    const res = await post(`from=csv&format=ndjson&pseudonymise=true&mapping=${encodeURIComponent(JSON.stringify(mapping))}`, csv, 'text/csv');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /application\/x-ndjson/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as { actor: { account: { homePage: string; name: string } } });
    assert.equal(lines.length, 2);
    assert.ok(lines.every((s) => s.actor.account.homePage === 'https://node.example.org' && s.actor.account.name.length === 64));
    const res2 = await post('from=csv', { mapping, data: csv }, 'application/json', 'test-write', 'application/x-ndjson');
    assert.equal(res2.statusCode, 200, res2.body);
    assert.equal(res2.body.trim().split('\n').length, 2);
  });

  it('answers 400 problem+json naming the record and field, and converts nothing', async () => {
    problem(await post('from=scorm2004&homePage=https://lms.example.org', [record, { ...record, cmi: { ...record.cmi, 'cmi.session_time': '10 minutes' } }]), 400, 'DS_XAPI_INVALID_INPUT', '/body/1/cmi/cmi.session_time');
    problem(await post('from=caliper', '{"action":"NavigatedTo"}\n{oops', 'application/x-ndjson'), 400, 'DS_XAPI_INVALID_INPUT', '/body/0/eventTime');
    problem(await post('from=caliper', { sensor: 's', data: [{ action: 'Viewed', eventTime: 'later' }] }), 400, 'DS_XAPI_INVALID_INPUT', '/body/data/0/eventTime');
    problem(await post('from=csv', { mapping, data: csv.replace('2024-03-01T10:01:00Z', 'soon') }), 400, 'DS_XAPI_INVALID_INPUT', '/body/data/1/at');
    problem(await post('from=csv', { mapping: { statement: { actor: '{{who}}' } }, data: csv }), 400, 'DS_XAPI_INVALID_MAPPING', '/body/mapping/statement/actor');
    problem(await post(`from=csv&mapping=${encodeURIComponent('{"select":"x","statements":{}}')}`, csv, 'text/csv'), 400, 'DS_XAPI_INVALID_MAPPING', '/querystring/mapping/select');
    problem(await post('from=csv', csv, 'text/csv'), 400, 'DS_XAPI_INVALID_MAPPING', '/querystring/mapping');
    problem(await post('from=xml', [record]), 400, 'DS_HTTP_VALIDATION', '/querystring/from');
  });

  it('validates statements against a profile posted with them (read scope), naming template and rule', async () => {
    const profile = { id: 'https://example.org/p', templates: [{ id: 'https://example.org/p/t', verb: 'http://adlnet.gov/expapi/verbs/experienced', rules: [{ location: '$.timestamp', presence: 'included' }] }] };
    const statement = { actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'https://example.org/x' } };
    const res = await app.inject({ method: 'POST', url: '/api/v1/xapi/validate', headers: { 'x-api-key': 'test-read' }, payload: { profile, statements: [statement, { ...statement, timestamp: '2024-03-01T10:00:00Z' }] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      valid: false,
      results: [
        { outcome: 'invalid', templates: ['https://example.org/p/t'], violations: [{ template: 'https://example.org/p/t', rule: 0, location: '$.timestamp', message: 'must be included but is absent' }] },
        { outcome: 'success', templates: ['https://example.org/p/t'], violations: [] },
      ],
    });
    const bad = await app.inject({ method: 'POST', url: '/api/v1/xapi/validate', headers: { 'x-api-key': 'test-read' }, payload: { profile: { id: 'x:p', templates: [{ id: 'x:t', rules: [{ location: '$..x', presence: 'included' }] }] }, statements: [statement] } });
    problem(bad, 400, 'DS_XAPI_INVALID_PROFILE', '/body/profile/templates/0/rules/0/location');
  });

  it('needs the management write scope', async () => {
    const res = await post('from=scorm2004', [record], 'application/json', 'test-read');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'DS_AUTH_INSUFFICIENT_SCOPE');
  });
});
