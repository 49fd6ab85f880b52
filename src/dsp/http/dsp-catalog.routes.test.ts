import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { createDsp, DSP_CONTEXT } from '../index.js';
import { InMemoryCatalog, offered, testApp, testTokens } from '../testing/dsp-test-kit.js';

const NODE = { did: 'did:web:provider.test', publicUrl: 'https://provider.test' };
const AUTH = { authorization: 'Bearer token-of-did:web:consumer.test' };
const MSG = { '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage' };

describe('DSP catalog provider routes', () => {
  let app: App;
  const catalog = new InMemoryCatalog([
    ...Array.from({ length: 5 }, (_, i) => offered(i + 1)),
    offered(6, { keywords: ['skills'], title: { fr: 'Compétences numériques' } }),
    offered(7, {}, 0),
  ]);
  before(async () => {
    app = await testApp(createDsp({ catalog, tokens: testTokens(), node: NODE, logger: silentLogger() }).routes);
  });
  after(async () => app.close());

  const post = (body: unknown, query = '', headers: Record<string, string> = AUTH) =>
    app.inject({ method: 'POST', url: `/dsp/catalog/request${query}`, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  it('publishes the version document without authentication', async () => {
    const res = await app.inject({ method: 'GET', url: '/.well-known/dspace-version' });
    assert.equal(res.statusCode, 200);
    const v = res.json().protocolVersions[0];
    assert.equal(v.version, '2025-1');
    assert.equal(v.path, '/dsp');
    assert.equal(v.binding, 'HTTPS');
    assert.equal(v.identifierType, 'did:web');
  });

  it('pages the catalog with Link headers that point at the same endpoint', async () => {
    const first = await post(MSG, '?limit=2');
    assert.equal(first.statusCode, 200);
    const c = first.json();
    assert.equal(c['@type'], 'Catalog');
    assert.equal(c.participantId, NODE.did);
    assert.deepEqual(c.service[0].endpointURL, 'https://provider.test/dsp');
    assert.deepEqual(c.dataset.map((d: { '@id': string }) => d['@id']), ['urn:uuid:10000000-0000-4000-8000-000000000001', 'urn:uuid:10000000-0000-4000-8000-000000000002']);
    assert.equal(c.dataset[0].hasPolicy[0]['@type'], 'Offer');
    assert.equal(c.dataset[0].hasPolicy[0].target, undefined);
    assert.equal(c.dataset[0].distribution[0].accessService, c.service[0]['@id']);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    assert.deepEqual(first.headers.link, [`<https://provider.test/dsp/catalog/request?cursor=${cursor(2)}&limit=2>; rel="next"`]);
    const middle = await post(MSG, '?offset=2&limit=2');
    assert.deepEqual(middle.headers.link, [
      '<https://provider.test/dsp/catalog/request?offset=0&limit=2>; rel="previous"',
      `<https://provider.test/dsp/catalog/request?cursor=${cursor(4)}&limit=2>; rel="next"`,
    ]);
    // Following a cursor: the page after it, no previous link (a cursor does not go backwards), offset ignored.
    const followed = await post(MSG, `?cursor=${cursor(4)}&limit=2&offset=1`);
    assert.deepEqual(followed.json().dataset.map((d: { '@id': string }) => d['@id']), ['urn:uuid:10000000-0000-4000-8000-000000000005', 'urn:uuid:10000000-0000-4000-8000-000000000006']);
    assert.deepEqual(followed.headers.link, [`<https://provider.test/dsp/catalog/request?cursor=${cursor(6)}&limit=2>; rel="next"`]);
    const last = await post(MSG, '?offset=6&limit=2');
    assert.deepEqual(last.headers.link, ['<https://provider.test/dsp/catalog/request?offset=4&limit=2>; rel="previous"']);
    // The entry without offers is not a DSP dataset; an empty page omits `dataset` (the schema wants ≥ 1 item).
    assert.equal(last.json().dataset, undefined);
  });

  it('accepts application/ld+json and filters by keyword, theme and text', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/dsp/catalog/request',
      headers: { ...AUTH, 'content-type': 'application/ld+json' },
      payload: JSON.stringify({ ...MSG, filter: [{ keyword: 'skills' }, { q: 'compétences' }] }),
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().dataset.map((d: { '@id': string }) => d['@id']), ['urn:uuid:10000000-0000-4000-8000-000000000006']);
    const none = await post({ ...MSG, filter: [{ theme: 'nope' }] });
    assert.equal(none.json().dataset, undefined);
  });

  it('refuses unsupported filters with a CatalogError naming the filter', async () => {
    const res = await post({ ...MSG, filter: [{ sparql: 'select *' }] });
    assert.equal(res.statusCode, 400);
    const b = res.json();
    assert.equal(b['@type'], 'CatalogError');
    assert.equal(b.code, 'DS_DSP_INVALID_MESSAGE');
    assert.deepEqual(b['@context'], [DSP_CONTEXT]);
    assert.equal(b.errors[0].path, '/filter/0');
  });

  it('refuses invalid messages with 400 CatalogError', async () => {
    for (const bad of [{ ...MSG, '@type': 'DatasetRequestMessage' }, { '@type': 'CatalogRequestMessage' }, { ...MSG, '@context': ['https://example.com/ctx'] }, { ...MSG, filter: {} }]) {
      const res = await post(bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(res.json()['@type'], 'CatalogError');
      assert.ok(res.json().errors.length > 0);
    }
    const big = await post(MSG, '?limit=201');
    assert.equal(big.statusCode, 400);
    assert.equal(big.json().errors[0].path, '/querystring/limit');
    const cursor = await post(MSG, '?cursor=not%20a%20cursor');
    assert.equal(cursor.statusCode, 400);
    assert.equal(cursor.json()['@type'], 'CatalogError');
    assert.equal(cursor.json().errors[0].path, '/querystring/cursor');
  });

  it('answers 401 with a CatalogError without a token', async () => {
    const res = await post(MSG, '', {});
    assert.equal(res.statusCode, 401);
    assert.equal(res.json()['@type'], 'CatalogError');
    assert.equal(res.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
  });

  it('serves one dataset by urn:uuid or bare uuid, 404 for unknown or unoffered ones', async () => {
    const ok = await app.inject({ method: 'GET', url: `/dsp/catalog/datasets/${encodeURIComponent('urn:uuid:10000000-0000-4000-8000-000000000003')}`, headers: AUTH });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json()['@context'], [DSP_CONTEXT]);
    assert.equal(ok.json().distribution[0].accessService.endpointURL, 'https://provider.test/dsp');
    const bare = await app.inject({ method: 'GET', url: '/dsp/catalog/datasets/10000000-0000-4000-8000-000000000003', headers: AUTH });
    assert.equal(bare.statusCode, 200);
    for (const id of ['10000000-0000-4000-8000-000000000007', 'urn:uuid:10000000-0000-4000-8000-0000000000ff', 'not-a-uuid']) {
      const res = await app.inject({ method: 'GET', url: `/dsp/catalog/datasets/${id}`, headers: AUTH });
      assert.equal(res.statusCode, 404, id);
      assert.equal(res.json()['@type'], 'CatalogError');
      assert.equal(res.json().code, 'DS_DSP_NOT_FOUND');
    }
  });
});
