import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Parser } from 'n3';
import { AppError, ManualClock, SequentialIds, silentLogger, type Authenticator } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createPolicyRoutes } from '../index.js';

/** A test double of the identity context: one read key, one key of no use here. */
const auth: Authenticator = {
  async operator(key) {
    if (key === 'test-read') return { kind: 'operator', keyId: 'r', name: 'read', scopes: ['read'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant() {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
};

const policy = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Agreement',
  uid: 'urn:agreement:1',
  assigner: 'did:web:provider.example',
  assignee: 'did:web:lab.example',
  target: 'urn:asset:skills',
  permission: [{ '@id': 'urn:rule:use', action: 'use', constraint: [{ '@id': 'urn:c:purpose', leftOperand: 'purpose', operator: 'eq', rightOperand: { '@id': 'https://w3id.org/dpv#Research' } }] }],
};
const request = {
  '@type': 'https://w3id.org/force/sotw#EvaluationRequest',
  '@id': 'urn:request:1',
  'https://w3id.org/force/sotw#evaluatedAction': { '@id': 'http://www.w3.org/ns/odrl/2/read' },
  'https://w3id.org/force/sotw#evaluatedParty': { '@id': 'did:web:lab.example' },
  'https://w3id.org/force/sotw#evaluatedTarget': { '@id': 'urn:asset:skills' },
  'http://www.w3.org/ns/odrl/2/purpose': { '@id': 'https://w3id.org/dpv#Research' },
};
const requestTurtle = `@prefix sotw: <https://w3id.org/force/sotw#> . @prefix odrl: <http://www.w3.org/ns/odrl/2/> .
<urn:request:2> a sotw:EvaluationRequest ; sotw:evaluatedAction odrl:read ; sotw:evaluatedParty <did:web:lab.example> ;
  sotw:evaluatedTarget <urn:asset:skills> ; odrl:purpose <https://w3id.org/dpv#Marketing> .`;

describe('policy engine HTTP routes', () => {
  let app: App;
  const post = (url: string, payload: unknown, key: string | null = 'test-read') =>
    app.inject({ method: 'POST', url, payload: payload as object, ...(key ? { headers: { 'x-api-key': key } } : {}) });
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; errors?: Array<{ path: string; message: string }> } }, code: string, path: string) => {
    assert.equal(res.statusCode, 400, JSON.stringify(res.json()));
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, code);
    assert.ok(res.json().errors?.some((e) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
  };

  before(async () => {
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth }));
    await app.register(createPolicyRoutes({ clock: new ManualClock('2026-03-01T12:00:00Z'), ids: new SequentialIds() }));
    await app.ready();
  });
  after(() => app.close());

  it('evaluates to a JSON-LD compliance report with an inline context', async () => {
    const res = await post('/api/v1/policies/evaluate', { policy, request });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /application\/ld\+json/);
    assert.equal(res.headers['x-policy-decision'], 'permit');
    const report = res.json();
    assert.equal(report['@id'], 'urn:uuid:00000000-0000-4000-8000-000000000001');
    assert.equal(report['dct:created']['@value'], '2026-03-01T12:00:00.000Z');
    assert.deepEqual(report['dases:decision'], { '@id': 'dases:Permit' });
    assert.deepEqual(report['report:ruleReport'][0]['report:rule'], { '@id': 'urn:rule:use' });
  });

  it('takes Turtle documents and answers Turtle when asked', async () => {
    const res = await post('/api/v1/policies/evaluate', { policy, request: requestTurtle, format: 'turtle' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /text\/turtle/);
    assert.equal(res.headers['x-policy-decision'], 'deny');
    const quads = new Parser().parse(res.body);
    assert.ok(quads.some((q) => q.predicate.value === 'https://w3id.org/force/compliance-report#constraint' && q.object.value === 'urn:c:purpose'));
  });

  it('validates: the answer lists errors with pointers into the body', async () => {
    const ok = await post('/api/v1/policies/validate', { policy });
    assert.deepEqual(ok.json(), { valid: true, policy: 'urn:agreement:1', rules: 1, errors: [], warnings: [] });
    const bad = structuredClone(policy);
    bad.permission[0]!.constraint[0]!.operator = 'resembles';
    const res = await post('/api/v1/policies/validate', { policy: bad });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().valid, false);
    assert.equal(res.json().errors[0].path, '/body/policy/permission/0/constraint/0/operator');
    assert.equal(res.json().errors[0].node, 'urn:c:purpose');
  });

  it('400 naming the offending rule and field for an invalid policy', async () => {
    const bad = structuredClone(policy);
    bad.permission[0]!.constraint[0]!.leftOperand = 'odrl:mood';
    problem(await post('/api/v1/policies/evaluate', { policy: bad, request }), 'DS_POLICY_MALFORMED', '/body/policy/permission/0/constraint/0/leftOperand');
  });

  it('400 for unreadable documents, unknown contexts, requests without an action, unknown fields', async () => {
    problem(await post('/api/v1/policies/evaluate', { policy: '@prefix broken', request }), 'DS_POLICY_UNREADABLE', '/body/policy');
    problem(await post('/api/v1/policies/evaluate', { policy: { ...policy, '@context': 'https://evil.example/ctx' }, request }), 'DS_POLICY_UNREADABLE', '/body/policy');
    problem(await post('/api/v1/policies/evaluate', { policy, request: { '@type': 'https://w3id.org/force/sotw#EvaluationRequest', '@id': 'urn:r' } }), 'DS_POLICY_INVALID_REQUEST', '/body/request/evaluatedAction');
    problem(await post('/api/v1/policies/evaluate', { policy, request, state: '{ not json' }), 'DS_POLICY_UNREADABLE', '/body/state');
    problem(await post('/api/v1/policies/evaluate', { policy, request, extra: 1 }), 'DS_HTTP_VALIDATION', '/body/extra');
    problem(await post('/api/v1/policies/evaluate', { policy, request, format: 'xml' }), 'DS_HTTP_VALIDATION', '/body/format');
    problem(await post('/api/v1/policies/validate', { policy: 42 }), 'DS_HTTP_VALIDATION', '/body/policy');
  });

  it('needs an API key', async () => {
    const res = await post('/api/v1/policies/evaluate', { policy, request }, null);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
  });
});
