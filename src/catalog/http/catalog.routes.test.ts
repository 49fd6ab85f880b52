import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Parser } from 'n3';
import { openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { AppError, ManualClock, SequentialIds, silentLogger, type Authenticator } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createCatalog } from '../index.js';

/** A test double of the identity context: two fixed keys. */
const auth: Authenticator = {
  async operator(key) {
    if (key === 'test-admin') return { kind: 'operator', keyId: 'a', name: 'admin', scopes: ['admin'] };
    if (key === 'test-read') return { kind: 'operator', keyId: 'r', name: 'read', scopes: ['read'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant() {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
};
const admin = { 'x-api-key': 'test-admin' };
const policy = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'education' }] }] };
const dataset = {
  title: { fr: 'Compétences numériques', en: 'Digital skills' },
  description: 'Referential',
  keywords: ['skills'],
  temporal: { startDate: '2024-01-01', endDate: '2025-12-31' },
  distributions: [{ format: 'application/json', mediaType: 'application/json', source: { type: 'sql', connection: 'main', query: 'select * from skills' } }],
};

describe('catalog management API', () => {
  let d: Database;
  let app: App;
  const call = (method: string, url: string, payload?: unknown, headers: Record<string, string> = admin) =>
    app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const problem = (res: { statusCode: number; json(): { code: string; errors?: Array<{ path: string }> } }, status: number, code: string, path?: string) => {
    assert.equal(res.statusCode, status);
    assert.equal(res.json().code, code);
    if (path) assert.ok(res.json().errors?.some((e) => e.path === path), JSON.stringify(res.json().errors));
  };
  before(async () => {
    d = await openTestDatabase('pglite');
    const catalog = createCatalog({ db: d.db, clock: new ManualClock(), ids: new SequentialIds(), logger: silentLogger(), node: { did: 'did:web:node.example', name: 'Node', publicUrl: 'https://node.example' } });
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth }));
    await app.register(catalog.routes);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await d.close();
  });

  it('creates, reads, lists, patches, replaces and deletes a dataset', async () => {
    const created = await call('POST', '/api/v1/datasets', dataset);
    assert.equal(created.statusCode, 201, created.body);
    const { id } = created.json();
    assert.equal(created.headers.etag, '"1"');
    assert.equal((await call('GET', `/api/v1/datasets/${id}`, undefined, { 'x-api-key': 'test-read' })).json().title.fr, 'Compétences numériques');
    assert.equal((await call('GET', '/api/v1/datasets?limit=10')).json().total, 1);
    // The listings take the search parameters (the kind is implied by the path).
    const listed = (await call('GET', '/api/v1/datasets?q=comp%C3%A9tences&keyword=nope&sort=-title&limit=5')).json();
    assert.deepEqual([listed.total, listed.totalIsLowerBound, listed.limit], [0, false, 5]);
    assert.equal((await call('GET', '/api/v1/datasets?q=comp%C3%A9tences&sort=-updatedAt')).json().items[0].id, id);
    assert.equal((await call('GET', '/api/v1/services?q=comp%C3%A9tences')).json().total, 0);
    const kind = await call('GET', '/api/v1/datasets?kind=dataset');
    assert.equal(kind.statusCode, 400);
    const patched = await call('PATCH', `/api/v1/datasets/${id}`, { keywords: ['skills', 'digital'] }, { ...admin, 'if-match': '"1"' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().keywords, ['skills', 'digital']);
    assert.equal(patched.json().distributions.length, 1);
    problem(await call('PUT', `/api/v1/datasets/${id}`, { ...dataset, version: 1 }), 409, 'DS_CATALOG_CONFLICT');
    const put = await call('PUT', `/api/v1/datasets/${id}`, { title: 'Renamed' }, { ...admin, 'if-match': '"2"' });
    assert.equal(put.json().version, 3);
    assert.equal((await call('DELETE', `/api/v1/datasets/${id}`)).statusCode, 204);
    problem(await call('GET', `/api/v1/datasets/${id}`), 404, 'DS_CATALOG_NOT_FOUND');
  });

  it('refuses bad requests with problem+json naming the field', async () => {
    problem(await call('POST', '/api/v1/datasets', { ...dataset, colour: 'red' }), 400, 'DS_HTTP_VALIDATION', '/body/colour');
    problem(await call('POST', '/api/v1/datasets', { ...dataset, keywords: 'x' }), 400, 'DS_HTTP_VALIDATION', '/body/keywords');
    problem(await call('POST', '/api/v1/datasets', { ...dataset, title: { 'not a tag': 'x' } }), 400, 'DS_HTTP_VALIDATION', '/body/title/not a tag');
    problem(await call('POST', '/api/v1/datasets', { ...dataset, temporal: { startDate: '2026-01-01', endDate: '2025-01-01' } }), 400, 'DS_HTTP_VALIDATION', '/body/temporal/endDate');
    const sqlBad = { ...dataset, distributions: [{ format: 'x', source: { type: 'sql', connection: 'main', query: 'select 1; drop table x' } }] };
    problem(await call('POST', '/api/v1/datasets', sqlBad), 400, 'DS_HTTP_VALIDATION', '/body/distributions/0/source/query');
    const bad = await app.inject({ method: 'POST', url: '/api/v1/datasets', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"title":' });
    problem(bad, 400, 'DS_HTTP_MALFORMED_JSON', '/body');
    problem(await call('GET', '/api/v1/datasets/not-a-uuid'), 400, 'DS_HTTP_VALIDATION', '/params/id');
    problem(await call('GET', '/api/v1/catalog/search?limit=500'), 400, 'DS_HTTP_VALIDATION', '/querystring/limit');
    problem(await call('POST', '/api/v1/services', { title: 'S' }), 400, 'DS_HTTP_VALIDATION', '/body/endpointUrl');
    assert.equal((await call('GET', '/api/v1/datasets')).json().total, 0, 'nothing was written');
  });

  it('needs a key, and the write scope for changes', async () => {
    problem(await call('GET', '/api/v1/datasets', undefined, {}), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call('POST', '/api/v1/datasets', dataset, { 'x-api-key': 'test-read' }), 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
    problem(await call('POST', '/api/v1/offerings', { datasets: [], policy }, { 'x-api-key': 'test-read' }), 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
  });

  it('manages offerings, searches and exports DCAT-AP as JSON-LD and Turtle', async () => {
    const ds = (await call('POST', '/api/v1/datasets', { ...dataset, containsPersonalData: true })).json();
    const svc = (await call('POST', '/api/v1/services', { title: { en: 'Skills API' }, endpointUrl: 'https://api.example/skills' })).json();
    problem(await call('POST', '/api/v1/offerings', { datasets: ['00000000-0000-4000-8000-0000000000ff'], policy }), 422, 'DS_CATALOG_REFERENCE_NOT_FOUND', '/body/datasets/0');
    const badPolicy = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'equals', rightOperand: 'x' }] }] };
    problem(await call('POST', '/api/v1/offerings', { datasets: [ds.id], policy: badPolicy }), 422, 'DS_POLICY_INVALID', '/body/policy/permission/0/constraint/0/operator');
    const o = await call('POST', '/api/v1/offerings', { datasets: [ds.id], services: [svc.id], policy, pricing: { amount: 0, currency: 'EUR' } });
    assert.equal(o.statusCode, 201, o.body);
    assert.equal((await call('GET', '/api/v1/offerings')).json().total, 1);
    assert.equal((await call('PATCH', `/api/v1/offerings/${o.json().id}`, { title: 'Bundle' })).json().version, 2);
    problem(await call('DELETE', `/api/v1/datasets/${ds.id}`), 409, 'DS_CATALOG_IN_USE');

    const found = (await call('GET', '/api/v1/catalog/search?q=comp%C3%A9tences&facets=true')).json();
    assert.deepEqual(found.items.map((i: { id: string }) => i.id), [ds.id]);
    assert.deepEqual(found.facets.kind, [{ value: 'dataset', count: 1 }]);
    assert.equal((await call('GET', '/api/v1/catalog/search?kind=service')).json().items[0].id, svc.id);

    const jsonld = await call('GET', '/api/v1/catalog/export?format=jsonld');
    assert.match(jsonld.headers['content-type'] as string, /application\/ld\+json/);
    const cat = jsonld.json();
    assert.equal(cat['@type'], 'dcat:Catalog');
    assert.equal(typeof cat['@context'], 'object');
    assert.equal(cat['dcat:dataset'][0]['odrl:hasPolicy'][0]['@id'], `urn:uuid:${o.json().id}`);
    assert.ok(!JSON.stringify(cat).includes('select * from skills'), 'sources stay private');

    const ttl = await call('GET', '/api/v1/catalog/export?format=turtle');
    assert.match(ttl.headers['content-type'] as string, /text\/turtle/);
    const quads = new Parser().parse(ttl.body);
    const subject = `urn:uuid:${ds.id}`;
    const titles = quads.filter((q) => q.subject.value === subject && q.predicate.value === 'http://purl.org/dc/terms/title');
    assert.ok(titles.some((q) => q.object.termType === 'Literal' && q.object.value === 'Compétences numériques' && q.object.language === 'fr'));
    assert.ok(quads.some((q) => q.subject.value === subject && q.predicate.value === 'https://w3id.org/dases/ns#containsPersonalData' && q.object.value === 'true'));
    assert.ok(quads.some((q) => q.predicate.value === 'http://www.w3.org/ns/dcat#startDate' && q.object.value === '2024-01-01'));
    assert.ok(quads.some((q) => q.subject.value === 'did:web:node.example' && q.predicate.value === 'http://www.w3.org/ns/dcat#service'));
    assert.match(ttl.body, /@prefix dcat: <http:\/\/www\.w3\.org\/ns\/dcat#>/);
  });
});
