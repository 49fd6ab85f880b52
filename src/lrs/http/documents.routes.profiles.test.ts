import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../db/index.js';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { App } from '../../node/http-app.js';
import { documentsApp, xapiClient, XAPI_VERSIONS } from '../testing/documents-harness.js';
import { recordActivityDefinitions } from './documents.routes.js';

// Activity Profile, Agent Profile, Activities and Agents resources (xAPI 1.0.3 Communication §2.4–2.7, §3.1;
// IEEE 9274.1.1 §4.1.4, §4.1.6.3–6), named after the conformance requirement ids.
const ACTIVITY_PROFILE = '/xapi/activities/profile';
const AGENT_PROFILE = '/xapi/agents/profile';

forEachEngine('xAPI profile, Activities and Agents resources', (engine) => {
  let db: Database;
  let app: App;
  let n = 0;
  before(async () => {
    db = await openTestDatabase(engine);
    ({ app } = await documentsApp(db.db));
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  for (const version of XAPI_VERSIONS) {
    describe(`xAPI ${version}`, () => {
      const call = xapiClient({ inject: (o: never) => app.inject(o) } as unknown as App, version);
      const problem = (r: { statusCode: number; json(): unknown }, status: number, code: string, path?: string) => {
        assert.equal(r.statusCode, status, JSON.stringify(r.json()));
        const body = r.json() as { code: string; errors?: Array<{ path: string }> };
        assert.equal(body.code, code);
        if (path) assert.ok(body.errors?.some((e) => e.path === path), `expected an error at ${path}: ${JSON.stringify(body.errors)}`);
      };
      const resources = [
        { name: 'Activity Profile', url: ACTIVITY_PROFILE, address: () => ({ activityId: `http://example.org/act/${version}/${++n}` }), addressName: 'activityId' },
        { name: 'Agent Profile', url: AGENT_PROFILE, address: () => ({ agent: { mbox: `mailto:p${version}-${++n}@example.org` } }), addressName: 'agent' },
      ];

      for (const r of resources) {
        describe(r.name, () => {
          it('XAPI-00285..00293 XAPI-00269..00274 XAPI-00279 XAPI-00308: PUT, POST (merge), GET by profileId and DELETE', async () => {
            const q = { ...r.address(), profileId: 'prefs' };
            assert.equal((await call('PUT', r.url, { query: q, body: { a: 1 }, headers: { 'if-none-match': '*' } })).statusCode, 204);
            const got = await call('GET', r.url, { query: q });
            assert.equal(got.statusCode, 200);
            assert.deepEqual(got.json(), { a: 1 });
            assert.equal((await call('POST', r.url, { query: q, body: { b: 2 }, headers: { 'if-match': String(got.headers.etag) } })).statusCode, 204);
            assert.deepEqual((await call('GET', r.url, { query: q })).json(), { a: 1, b: 2 });
            assert.equal((await call('DELETE', r.url, { query: q })).statusCode, 204);
            problem(await call('GET', r.url, { query: q }), 404, 'DS_LRS_DOCUMENT_NOT_FOUND');
          });

          it('XAPI-00310 XAPI-00280 XAPI-00309 XAPI-00278 XAPI-00313 XAPI-00281 XAPI-00314 XAPI-00284: POST creates, merges JSON objects only, refuses invalid JSON', async () => {
            const q = { ...r.address(), profileId: 'p' };
            assert.equal((await call('POST', r.url, { query: q, body: { x: 1 } })).statusCode, 204);
            problem(await call('POST', r.url, { query: q, body: 'abc', contentType: 'text/plain' }), 400, 'DS_LRS_DOCUMENT_MERGE');
            problem(await call('POST', r.url, { query: q, body: '"a string"', contentType: 'application/json' }), 400, 'DS_LRS_DOCUMENT_MERGE');
            problem(await call('POST', r.url, { query: q, body: '{x', contentType: 'application/json' }), 400, 'DS_LRS_DOCUMENT_INVALID_JSON');
            assert.deepEqual((await call('GET', r.url, { query: q })).json(), { x: 1 });
          });

          it('XAPI-00289 XAPI-00270 XAPI-00294 XAPI-00275 XAPI-00303 XAPI-00268: GET without profileId lists ids, filtered by since', async () => {
            const address = r.address();
            await call('PUT', r.url, { query: { ...address, profileId: 'one' }, body: { v: 1 } });
            await call('PUT', r.url, { query: { ...address, profileId: 'two' }, body: 'bytes', contentType: 'text/plain' });
            assert.deepEqual((await call('GET', r.url, { query: address })).json(), ['one', 'two']);
            assert.deepEqual((await call('GET', r.url, { query: { ...address, since: '2999-01-01T00:00:00Z' } })).json(), []);
            problem(await call('GET', r.url, { query: { ...address, since: 'not a time' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/since');
          });

          it(`XAPI-00296..00302 XAPI-00261..00267: ${r.addressName} and (except for GET) profileId are required`, async () => {
            const address = r.address();
            for (const method of ['GET', 'DELETE', 'PUT', 'POST'] as const) {
              const body = method === 'PUT' || method === 'POST' ? { a: 1 } : undefined;
              problem(await call(method, r.url, { query: { profileId: 'p' }, body }), 400, 'DS_LRS_DOCUMENT_PARAMETER', `/query/${r.addressName}`);
              if (method !== 'GET') problem(await call(method, r.url, { query: address, body }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/profileId');
            }
            problem(await call('GET', r.url, { query: { ...address, stateId: 'x' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/stateId');
            problem(await call('DELETE', r.url, { query: address }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/profileId');
          });

          it('XAPI-00322 Communication 3.1.s4: If-Match and If-None-Match on PUT, POST and DELETE; a blind PUT over a document is 409', async () => {
            const q = { ...r.address(), profileId: 'c' };
            problem(await call('PUT', r.url, { query: q, body: { v: 1 }, headers: { 'if-match': '"0000000000000000000000000000000000000000"' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION', '/headers/if-match');
            assert.equal((await call('PUT', r.url, { query: q, body: { v: 1 } })).statusCode, 204, 'a PUT creating a document needs no precondition');
            const etag = String((await call('GET', r.url, { query: q })).headers.etag);
            problem(await call('PUT', r.url, { query: q, body: { v: 2 } }), 409, 'DS_LRS_DOCUMENT_CONFLICT', '/headers/if-match');
            problem(await call('PUT', r.url, { query: q, body: { v: 2 }, headers: { 'if-none-match': '*' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION');
            problem(await call('PUT', r.url, { query: q, body: { v: 2 }, headers: { 'if-match': '"1234"' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION');
            problem(await call('POST', r.url, { query: q, body: { w: 2 }, headers: { 'if-match': '"1234"' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION');
            problem(await call('DELETE', r.url, { query: q, headers: { 'if-match': '"1234"' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION');
            assert.deepEqual((await call('GET', r.url, { query: q })).json(), { v: 1 }, 'refused requests change nothing (XAPI-00182)');
            const put = await call('PUT', r.url, { query: q, body: { v: 2 }, headers: { 'if-match': etag } });
            assert.equal(put.statusCode, 204);
            const newer = String((await call('GET', r.url, { query: q })).headers.etag);
            assert.equal(put.headers.etag, newer);
            assert.notEqual(newer, etag);
            problem(await call('DELETE', r.url, { query: q, headers: { 'if-match': etag } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION');
            assert.equal((await call('DELETE', r.url, { query: q, headers: { 'if-match': `W/${newer}, "other"` } })).statusCode, 204);
          });
        });
      }

      it('XAPI-00255..00258: the Agent Profile agent must be an Agent, not a Group nor malformed', async () => {
        const group = { objectType: 'Group', mbox: 'mailto:team@example.org' };
        problem(await call('GET', AGENT_PROFILE, { query: { agent: group, profileId: 'p' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent/objectType');
        problem(await call('PUT', AGENT_PROFILE, { query: { agent: { mbox: 'mailto:a@example.org', openid: 'http://a.example.org' }, profileId: 'p' }, body: {} }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent');
        problem(await call('DELETE', AGENT_PROFILE, { query: { agent: '{', profileId: 'p' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent');
      });

      it('XAPI-00250..00254: the Activities resource returns the activity, with every language statements taught it', async () => {
        const id = `http://example.org/course/${version}`;
        const empty = await call('GET', '/xapi/activities', { query: { activityId: id }, client: 'reader' });
        assert.equal(empty.statusCode, 200);
        assert.deepEqual(empty.json(), { objectType: 'Activity', id });
        await db.db.transaction().execute(async (tx) => {
          await recordActivityDefinitions(tx, [
            { id, definition: { name: { 'en-US': 'Course' }, type: 'http://adlnet.gov/expapi/activities/course' } },
            { id: 'http://example.org/no-definition' },
          ]);
        });
        await db.db.transaction().execute((tx) => recordActivityDefinitions(tx, [{ id, definition: { name: { 'fr-FR': 'Cours' }, description: { 'fr-FR': 'Un cours' } } }]));
        const got = await call('GET', '/xapi/activities', { query: { activityId: id }, client: 'profile' });
        assert.deepEqual(got.json(), { objectType: 'Activity', id, definition: { name: { 'en-US': 'Course', 'fr-FR': 'Cours' }, description: { 'fr-FR': 'Un cours' }, type: 'http://adlnet.gov/expapi/activities/course' } });
        assert.match(String(got.headers.etag), /^"[0-9a-f]{40}"$/);
        problem(await call('GET', '/xapi/activities', {}), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/activityId');
        problem(await call('GET', '/xapi/activities', { query: { activityId: id }, client: 'writer' }), 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
      });

      it('XAPI-00236..00249: the Agents resource returns a Person object with array properties', async () => {
        const got = await call('GET', '/xapi/agents', { query: { agent: { name: 'Ann', account: { homePage: 'https://lms.example.org', name: 'ann' } } }, client: 'reader' });
        assert.equal(got.statusCode, 200);
        assert.equal(got.headers['x-experience-api-version'], version);
        assert.deepEqual(got.json(), { objectType: 'Person', name: ['Ann'], account: [{ homePage: 'https://lms.example.org', name: 'ann' }] });
        assert.deepEqual((await call('GET', '/xapi/agents', { query: { agent: { mbox: 'mailto:b@example.org' } } })).json(), { objectType: 'Person', mbox: ['mailto:b@example.org'] });
        problem(await call('GET', '/xapi/agents', {}), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent');
        problem(await call('GET', '/xapi/agents', { query: { agent: { objectType: 'Group', member: [{ mbox: 'mailto:b@example.org' }] } } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent/objectType');
      });
    });
  }
});
