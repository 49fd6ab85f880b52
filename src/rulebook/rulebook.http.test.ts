import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validatePolicyStructure } from '../policy/index.js';
import { impactStudyRulebook, startRulebookNode, type RulebookNode } from './testing/rulebook-nodes.js';

/** One node's management API: the template library, and bad input answered with problem+json naming the field. */
describe('policy templates and ecosystems over HTTP', () => {
  let node: RulebookNode;
  const problem = async (res: Promise<{ status: number; body: { code: string; errors?: Array<{ path: string }> } }>, status: number, code: string, path: string) => {
    const r = await res;
    assert.deepEqual([r.status, r.body.code], [status, code], JSON.stringify(r.body));
    assert.ok(r.body.errors?.some((e) => e.path === path), `expected ${path} in ${JSON.stringify(r.body.errors)}`);
  };
  const nothingWritten = async () => {
    assert.equal((await node.api('GET', '/api/v1/ecosystems')).body.total, 0);
    assert.equal((await node.logged('ecosystem.created')).length, 0);
  };

  before(async () => {
    node = await startRulebookNode('solo', 'pglite', ['orchestrator']);
  });
  after(() => node?.close());

  it('lists the templates with their parameter schemas and shows one', async () => {
    const list = await node.api('GET', '/api/v1/policy-templates');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 12);
    const payment = await node.api('GET', '/api/v1/policy-templates/payment');
    assert.deepEqual([payment.body.kind, payment.body.parameters.required], ['duty', ['amount', 'currency']]);
    assert.equal(payment.body.parameters.additionalProperties, false);
    const purposes = (await node.api('GET', '/api/v1/policy-templates/purpose-restriction')).body.vocabulary;
    assert.ok(purposes.some((p: { key: string; iri: string }) => p.key === 'research' && p.iri === 'https://w3id.org/dpv#ResearchAndDevelopment'));
    await problem(node.api('GET', '/api/v1/policy-templates/free-beer'), 404, 'DS_RULEBOOK_TEMPLATE_NOT_FOUND', '/params/name');
  });

  it('instantiates several templates into one valid policy, and names the faulty parameter otherwise', async () => {
    const res = await node.api('POST', '/api/v1/policy-templates/instantiate', {
      type: 'Offer',
      assigner: node.did,
      templates: [{ name: 'access-window', parameters: { from: '2026-09-01T00:00:00Z' } }, { name: 'payment', parameters: { amount: '10.00', currency: 'EUR', period: 'P1Y' } }],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(validatePolicyStructure(res.body.policy, { leftOperands: 'known-or-iri' }), []);
    assert.deepEqual([res.body.policy['@type'], res.body.policy.assigner], ['Offer', node.did]);
    const at = (body: object) => node.api('POST', '/api/v1/policy-templates/instantiate', body);
    await problem(at({ templates: [{ name: 'free-beer' }] }), 400, 'DS_RULEBOOK_UNKNOWN_TEMPLATE', '/body/templates/0/name');
    await problem(at({ templates: [{ name: 'max-uses' }, { name: 'max-uses', parameters: { count: 'ten' } }] }), 400, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/1/parameters/count');
    await problem(at({ templates: [{ name: 'max-uses', parameters: { count: 0 } }] }), 400, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/templates/0/parameters/count');
    await problem(at({ templates: [{ name: 'open-access' }], type: 'Agreement', assigner: node.did }), 400, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/assignee');
    await problem(at({ templates: [], extra: 1 }), 400, 'DS_HTTP_VALIDATION', '/body/extra');
    await problem(at({ templates: [] }), 400, 'DS_HTTP_VALIDATION', '/body/templates');
    const raw = await node.app.inject({ method: 'POST', url: '/api/v1/policy-templates/instantiate', headers: { 'x-api-key': 'admin-key', 'content-type': 'application/json' }, payload: '{"templates": [' });
    assert.deepEqual([raw.statusCode, raw.headers['content-type']], [400, 'application/problem+json; charset=utf-8']);
  });

  it('refuses inconsistent rulebooks, invalid obligations and unknown fields without writing anything', async () => {
    const create = (rulebook: object, extra: object = {}) => node.api('POST', '/api/v1/ecosystems', { title: 'T', rulebook, ...extra });
    const good = impactStudyRulebook();
    await problem(create({ ...good, roles: good.roles.slice(1) }), 422, 'DS_RULEBOOK_INVALID', '/body/rulebook/roles');
    await problem(create({ ...good, obligations: [{ role: 'teacher', templates: [{ name: 'open-access' }] }] }), 422, 'DS_RULEBOOK_INVALID', '/body/rulebook/obligations/0/role');
    await problem(create({ ...good, obligations: [{ role: 'data-consumer', templates: [{ name: 'delete-after', parameters: { days: -1 } }] }] }), 400, 'DS_RULEBOOK_INVALID_PARAMETERS', '/body/rulebook/obligations/0/templates/0/parameters/days');
    await problem(create({ ...good, obligations: [{ role: 'data-consumer', policy: { '@type': 'Deal', permission: [{ action: 'use' }] } }] }), 422, 'DS_POLICY_INVALID', '/body/rulebook/obligations/0/policy/@type');
    await problem(create({ ...good, roles: [...good.roles, { id: 'x', title: 'X', requiredRegistryRoles: ['astronaut'] }] }), 400, 'DS_HTTP_VALIDATION', '/body/rulebook/roles/3/requiredRegistryRoles/0');
    await problem(create({ ...good, participation: { mode: 'whoever' } }), 400, 'DS_HTTP_VALIDATION', '/body/rulebook/participation/mode');
    await problem(create(good, { colour: 'blue' }), 400, 'DS_HTTP_VALIDATION', '/body/colour');
    await nothingWritten();
  });

  it('answers 404, 409 and 422 for unknown ecosystems, unreachable participants and missing members', async () => {
    await problem(node.api('GET', '/api/v1/ecosystems/not-a-uuid'), 400, 'DS_HTTP_VALIDATION', '/params/id');
    await problem(node.api('POST', '/api/v1/ecosystems/00000000-0000-4000-8000-000000000000/rulebook', { rulebook: impactStudyRulebook() }), 404, 'DS_RULEBOOK_ECOSYSTEM_NOT_FOUND', '/params/id');
    const id = (await node.api('POST', '/api/v1/ecosystems', { title: 'T', rulebook: impactStudyRulebook() })).body.id;
    await problem(node.api('POST', `/api/v1/ecosystems/${id}/invitations`, { participant: 'did:web:nobody.example', role: 'data-provider' }), 422, 'DS_RULEBOOK_NO_ENDPOINT', '/body/participant');
    await problem(node.api('POST', `/api/v1/ecosystems/${id}/invitations`, { participant: node.did, role: 'data-provider' }), 422, 'DS_RULEBOOK_INELIGIBLE', '/body/participant');
    await problem(node.api('POST', `/api/v1/ecosystems/${id}/join-requests/00000000-0000-4000-8000-000000000000/approve`), 404, 'DS_RULEBOOK_JOIN_REQUEST_NOT_FOUND', '/params/requestId');
    await problem(node.api('POST', `/api/v1/ecosystems/${id}/contract`, {}), 409, 'DS_RULEBOOK_MEMBERS_NOT_READY', '/members');
    await problem(node.api('GET', `/api/v1/ecosystems/${id}/rulebook?version=7`), 404, 'DS_RULEBOOK_ECOSYSTEM_NOT_FOUND', '/querystring/version');
    await problem(node.api('POST', '/api/v1/ecosystem-memberships', { orchestrator: node.did, ecosystemId: id, role: 'data-provider' }), 400, 'DS_HTTP_VALIDATION', '/body/orchestrator');
    await problem(node.api('POST', '/api/v1/ecosystem-memberships', { orchestrator: 'did:web:nobody.example', ecosystemId: id, role: 'data-provider' }), 422, 'DS_RULEBOOK_NO_ENDPOINT', '/body/orchestrator');
    await problem(node.api('POST', `/api/v1/ecosystem-memberships/${id}/leave`, {}), 404, 'DS_RULEBOOK_MEMBERSHIP_NOT_FOUND', '/params/id');
    const v2 = await node.api('POST', `/api/v1/ecosystems/${id}/rulebook`, { rulebook: impactStudyRulebook('invitation-only') });
    assert.deepEqual([v2.status, v2.body.version], [201, 2]);
    assert.equal((await node.api('GET', `/api/v1/ecosystems/${id}/rulebook?version=1`)).body.rulebook.participation.mode, 'open-with-approval');
    assert.equal((await node.api('GET', `/api/v1/ecosystems/${id}/rulebook`)).body.rulebook.participation.mode, 'invitation-only');
  });
});
