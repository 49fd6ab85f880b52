import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Database } from '../../db/index.js';
import { openTestDatabase } from '../../../test/support/databases.js';
import { lrsHarness, OPERATOR_KEY, type LrsHarness } from '../testing/lrs-harness.js';

/** Browser-hosted xAPI content (cmi5 on a content server) calling the LRS across origins. */
describe('LRS CORS', () => {
  const content = 'https://content.example';
  const open: Array<{ h: LrsHarness; database: Database }> = [];
  const make = async (corsOrigins?: string[]) => {
    const database = await openTestDatabase('pglite');
    const h = await lrsHarness(database, { corsOrigins });
    open.push({ h, database });
    return h;
  };
  after(async () => {
    for (const { h, database } of open) {
      await h.app.close();
      await database.close();
    }
  });

  const preflight = (h: LrsHarness, origin: string) =>
    h.app.inject({ method: 'OPTIONS', url: '/xapi/statements', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, x-experience-api-version, content-type' } });

  test('by default any origin may call /xapi, errors included, and read the xAPI headers', async () => {
    const h = await make();
    const pre = await preflight(h, content);
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-origin'], '*');
    assert.match(String(pre.headers['access-control-allow-methods']), /PUT/);
    for (const header of ['Authorization', 'X-Experience-API-Version', 'Content-Type', 'If-Match']) assert.match(String(pre.headers['access-control-allow-headers']), new RegExp(header));
    const get = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { origin: content, authorization: h.auth.reader, 'x-experience-api-version': '1.0.3' } });
    assert.equal(get.statusCode, 200);
    assert.equal(get.headers['access-control-allow-origin'], '*');
    assert.match(String(get.headers['access-control-expose-headers']), /X-Experience-API-Consistent-Through/);
    const refused = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { origin: content, 'x-experience-api-version': '1.0.3' } });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.headers['access-control-allow-origin'], '*', 'the page can read why it was refused');
    // The management API is not for browsers of other origins.
    const mgmt = await h.app.inject({ method: 'GET', url: '/api/v1/lrs/clients', headers: { origin: content, 'x-api-key': OPERATOR_KEY } });
    assert.equal(mgmt.statusCode, 200);
    assert.equal(mgmt.headers['access-control-allow-origin'], undefined);
  });

  test('a list of origins: the listed one is echoed (Vary: Origin), another gets no CORS headers', async () => {
    const h = await make([content]);
    const ok = await preflight(h, content);
    assert.equal(ok.headers['access-control-allow-origin'], content);
    assert.match(String(ok.headers.vary), /Origin/);
    const other = await preflight(h, 'https://elsewhere.example');
    assert.equal(other.statusCode, 204);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    assert.equal(other.headers['access-control-allow-methods'], undefined);
    const get = await h.app.inject({ method: 'GET', url: '/xapi/about', headers: { origin: 'https://elsewhere.example' } });
    assert.equal(get.headers['access-control-allow-origin'], undefined);
  });

  test("'none' turns browser access off: no preflight route, no headers", async () => {
    const h = await make(['none']);
    assert.equal((await preflight(h, content)).statusCode, 404);
    const about = await h.app.inject({ method: 'GET', url: '/xapi/about', headers: { origin: content } });
    assert.equal(about.headers['access-control-allow-origin'], undefined);
  });
});
