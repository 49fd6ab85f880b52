import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Parser } from 'n3';
import { openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { AppError, ManualClock, SequentialIds, silentLogger, type Authenticator } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createCatalog, type CatalogReader } from '../index.js';

const auth: Authenticator = {
  async operator(key) {
    if (key === 'test-admin') return { kind: 'operator', keyId: 'a', name: 'admin', scopes: ['admin'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant() {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
};
const headers = { 'x-api-key': 'test-admin' };
const personalData = { categories: ['identification', 'training results'], retentionDays: 365, automatedDecisions: 'none', specialCategories: false };
const dataset = { title: { en: 'Training records' }, containsPersonalData: true, personalData };

describe('catalog: personal-data description of datasets', () => {
  let d: Database;
  let app: App;
  let reader: CatalogReader;
  const call = (method: string, url: string, payload?: unknown, extra: Record<string, string> = {}) =>
    app.inject({ method: method as 'GET', url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const refused = async (body: unknown, path: string, method = 'POST', url = '/api/v1/datasets') => {
    const res = await call(method, url, body);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, 'DS_HTTP_VALIDATION');
    assert.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
  };
  before(async () => {
    d = await openTestDatabase('pglite');
    const catalog = createCatalog({ db: d.db, clock: new ManualClock(), ids: new SequentialIds(), logger: silentLogger(), node: { did: 'did:web:node.example', name: 'Node', publicUrl: 'https://node.example' } });
    reader = catalog.reader;
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth }));
    await app.register(catalog.routes);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await d.close();
  });

  it('stores the description, returns it, keeps it through a patch and removes it with null', async () => {
    const created = await call('POST', '/api/v1/datasets', dataset);
    assert.equal(created.statusCode, 201, created.body);
    const { id } = created.json();
    assert.deepEqual((await call('GET', `/api/v1/datasets/${id}`)).json().personalData, personalData);
    const patched = await call('PATCH', `/api/v1/datasets/${id}`, { keywords: ['lea'] });
    assert.deepEqual(patched.json().personalData, personalData);
    const changed = await call('PATCH', `/api/v1/datasets/${id}`, { personalData: { retentionDays: 30 } });
    assert.deepEqual(changed.json().personalData, { ...personalData, retentionDays: 30 });
    const removed = await call('PATCH', `/api/v1/datasets/${id}`, { personalData: null });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(removed.json().personalData, undefined);
    await call('DELETE', `/api/v1/datasets/${id}`);
  });

  it('refuses a bad description naming the field, and writes nothing', async () => {
    await refused({ ...dataset, personalData: { ...personalData, retentionDays: 0 } }, '/body/personalData/retentionDays');
    await refused({ ...dataset, personalData: { ...personalData, retentionDays: 2.5 } }, '/body/personalData/retentionDays');
    await refused({ ...dataset, personalData: { ...personalData, categories: [] } }, '/body/personalData/categories');
    await refused({ ...dataset, personalData: { ...personalData, categories: ['ok', ' '] } }, '/body/personalData/categories/1');
    await refused({ ...dataset, personalData: { ...personalData, automatedDecisions: '' } }, '/body/personalData/automatedDecisions');
    await refused({ ...dataset, personalData: { ...personalData, colour: 'red' } }, '/body/personalData/colour');
    await refused({ ...dataset, containsPersonalData: false }, '/body/personalData');
    await refused({ title: 'S', endpointUrl: 'https://api.example', personalData }, '/body/personalData', 'POST', '/api/v1/services');
    assert.equal((await call('GET', '/api/v1/datasets')).json().total, 0, 'nothing was written');
    // Through a merge patch the body schema checks nothing: the parser alone names the fields.
    const { id } = (await call('POST', '/api/v1/datasets', dataset)).json();
    await refused({ personalData: { specialCategories: 'yes' } }, '/body/personalData/specialCategories', 'PATCH', `/api/v1/datasets/${id}`);
    await refused({ containsPersonalData: false }, '/body/personalData', 'PATCH', `/api/v1/datasets/${id}`);
    await call('DELETE', `/api/v1/datasets/${id}`);
  });

  it('exports the description in DCAT under the dases namespace and gives it to catalog readers', async () => {
    const { id } = (await call('POST', '/api/v1/datasets', dataset)).json();
    await call('POST', '/api/v1/offerings', { datasets: [id], policy: { '@type': 'Offer', permission: [{ action: 'use' }] } });
    assert.deepEqual((await reader.getOfferedDataset(id))?.dataset.personalData, personalData);
    const cat = (await call('GET', '/api/v1/catalog/export?format=jsonld')).json();
    const node = cat['dcat:dataset'][0]['dases:personalData'];
    assert.equal(node['@type'], 'dases:PersonalDataDescription');
    assert.deepEqual(node['dases:personalDataCategory'], personalData.categories);
    const quads = new Parser().parse((await call('GET', '/api/v1/catalog/export?format=turtle')).body);
    const NS = 'https://w3id.org/dases/ns#';
    const link = quads.find((q) => q.subject.value === `urn:uuid:${id}` && q.predicate.value === `${NS}personalData`);
    assert.ok(link, 'dataset links its description');
    const about = quads.filter((q) => q.subject.equals(link.object));
    const value = (p: string) => about.filter((q) => q.predicate.value === NS + p).map((q) => q.object.value).sort();
    assert.deepEqual(value('personalDataCategory'), ['identification', 'training results']);
    assert.deepEqual(value('retentionDays'), ['365']);
    assert.deepEqual(value('automatedDecisions'), ['none']);
    assert.deepEqual(value('specialCategories'), ['false']);
  });
});
