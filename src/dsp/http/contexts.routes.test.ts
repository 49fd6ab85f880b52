import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../node/http-app.js';
import { CONTEXT_ROUTES, contextRoutes, DSPACE_CONTEXT, ODRL_PROFILE_CONTEXT } from '../index.js';
import { testApp } from '../testing/dsp-test-kit.js';

describe('JSON-LD context routes', () => {
  let app: App;
  before(async () => {
    app = await testApp(contextRoutes);
  });
  after(async () => app?.close());

  for (const [url, document] of [
    [CONTEXT_ROUTES.dspace, DSPACE_CONTEXT],
    [CONTEXT_ROUTES.odrlProfile, ODRL_PROFILE_CONTEXT],
  ] as const) {
    it(`serves ${url} to anyone, as long-cached application/ld+json`, async () => {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/ld\+json/);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.deepEqual(res.json(), document);
      const etag = res.headers.etag as string;
      assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
      const again = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
    });
  }

  it('distinguishes the two documents', async () => {
    const [a, b] = await Promise.all(Object.values(CONTEXT_ROUTES).map((url) => app.inject({ method: 'GET', url })));
    assert.notEqual(a?.headers.etag, b?.headers.etag);
  });
});
