import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../db/index.js';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { ManualClock } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { documentsApp, xapiClient, XAPI_VERSIONS } from '../testing/documents-harness.js';

// The State resource (xAPI 1.0.3 Communication §2.2–2.3; IEEE 9274.1.1 §4.1.6.2) and the document merge rules,
// named after the conformance requirement ids (adlnet/xapi-lrs-conformance-requirements).
const STATE = '/xapi/activities/state';
const agent = { objectType: 'Agent', mbox: 'mailto:learner@example.org' };

forEachEngine('xAPI State resource', (engine) => {
  let db: Database;
  let app: App;
  let clock: ManualClock;
  let n = 0;
  before(async () => {
    db = await openTestDatabase(engine);
    ({ app, clock } = await documentsApp(db.db));
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  for (const version of XAPI_VERSIONS) {
    describe(`xAPI ${version}`, () => {
      const call = xapiClient({ inject: (o: never) => app.inject(o) } as unknown as App, version);
      const fresh = () => ({ activityId: `http://example.org/activity/${version}/${++n}`, agent, stateId: 'bookmark' });
      const problem = (r: { statusCode: number; json(): unknown }, status: number, code: string, path?: string) => {
        assert.equal(r.statusCode, status);
        const body = r.json() as { code: string; errors?: Array<{ path: string }> };
        assert.equal(body.code, code);
        if (path) assert.ok(body.errors?.some((e) => e.path === path), `expected an error at ${path}: ${JSON.stringify(body.errors)}`);
      };

      it('XAPI-00230 XAPI-00231 XAPI-00189 XAPI-00233: a POST of a new document stores it (204) and GET returns it with a quoted SHA-1 ETag', async () => {
        const q = fresh();
        const post = await call('POST', STATE, { query: q, body: { x: 'foo', y: 'bar' } });
        assert.equal(post.statusCode, 204);
        assert.equal(post.headers['x-experience-api-version'], version);
        const get = await call('GET', STATE, { query: q });
        assert.equal(get.statusCode, 200);
        assert.deepEqual(get.json(), { x: 'foo', y: 'bar' });
        assert.match(String(get.headers.etag), /^"[0-9a-f]{40}"$/);
        assert.ok(get.headers['last-modified']);
      });

      it('XAPI-00190 XAPI-00188 XAPI-00192 XAPI-00217: PUT stores any bytes with their Content-Type; GET by stateId returns them unchanged', async () => {
        const q = fresh();
        const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
        assert.equal((await call('PUT', STATE, { query: q, body: bytes, contentType: 'image/png' })).statusCode, 204);
        const get = await call('GET', STATE, { query: q });
        assert.equal(get.statusCode, 200);
        assert.equal(get.headers['content-type'], 'image/png');
        assert.deepEqual(get.rawPayload, bytes);
        const head = await call('HEAD', STATE, { query: q });
        assert.equal(head.statusCode, 200);
        assert.equal(head.headers.etag, get.headers.etag);
        assert.equal(head.body, '');
      });

      it('XAPI-00234 XAPI-00183 XAPI-00184 XAPI-00185 XAPI-00186: POST merges JSON objects one level deep, later values winning', async () => {
        const q = fresh();
        await call('POST', STATE, { query: q, body: { car: { make: 'Ford', model: 'Escape' }, driver: 'Dale', keep: 1 } });
        const merge = await call('POST', STATE, { query: q, body: { car: { make: 'Dodge' }, driver: 'Jeff', added: true } });
        assert.equal(merge.statusCode, 204);
        assert.deepEqual((await call('GET', STATE, { query: q })).json(), { car: { make: 'Dodge' }, driver: 'Jeff', keep: 1, added: true });
      });

      it('XAPI-00229 XAPI-00232 XAPI-00182: a POST onto a stored document that is not a JSON object, or of a non-object, is refused and changes nothing', async () => {
        const q = fresh();
        await call('PUT', STATE, { query: q, body: 'plain text', contentType: 'text/plain' });
        problem(await call('POST', STATE, { query: q, body: { a: 1 } }), 400, 'DS_LRS_DOCUMENT_MERGE');
        const q2 = fresh();
        await call('POST', STATE, { query: q2, body: { a: 1 } });
        problem(await call('POST', STATE, { query: q2, body: [1, 2] }), 400, 'DS_LRS_DOCUMENT_MERGE', '/body');
        problem(await call('POST', STATE, { query: q2, body: 'abc', contentType: 'text/plain' }), 400, 'DS_LRS_DOCUMENT_MERGE', '/headers/content-type');
        assert.equal((await call('GET', STATE, { query: q })).body, 'plain text');
        assert.deepEqual((await call('GET', STATE, { query: q2 })).json(), { a: 1 });
      });

      it('XAPI-00235: a POST declared application/json that is not JSON is refused with 400', async () => {
        problem(await call('POST', STATE, { query: fresh(), body: '{"a": ', contentType: 'application/json' }), 400, 'DS_LRS_DOCUMENT_INVALID_JSON', '/body');
      });

      it('Communication 2.2.s4.b2: documents are not refused for their content (1, true) nor for unknown activities and agents', async () => {
        for (const doc of ['1', 'true']) assert.equal((await call('POST', STATE, { query: fresh(), body: doc, contentType: 'application/json' })).statusCode, 204);
      });

      it('XAPI-00193 XAPI-00195 XAPI-00221 XAPI-00222: GET without stateId lists the ids, and `since` keeps those stored after it (exclusive)', async () => {
        const base = fresh();
        const t0 = clock.now();
        assert.equal((await call('PUT', STATE, { query: { ...base, stateId: 'one' }, body: { v: 1 } })).statusCode, 204);
        clock.advance(1000);
        await call('PUT', STATE, { query: { ...base, stateId: 'two' }, body: { v: 2 } });
        const all = await call('GET', STATE, { query: { activityId: base.activityId, agent } });
        assert.deepEqual(all.json(), ['one', 'two']);
        assert.equal(all.headers['last-modified'], clock.now().toUTCString());
        assert.match(String(all.headers.etag), /^"[0-9a-f]{40}"$/);
        assert.deepEqual((await call('GET', STATE, { query: { activityId: base.activityId, agent, since: t0.toISOString() } })).json(), ['two']);
        assert.deepEqual((await call('GET', STATE, { query: { activityId: base.activityId, agent, since: clock.now().toISOString() } })).json(), []);
        assert.deepEqual((await call('GET', STATE, { query: { activityId: base.activityId, agent, since: '2000-01-01T00:00:00' } })).json(), ['one', 'two']);
      });

      it('XAPI-00218 XAPI-00219 XAPI-00220 XAPI-00227: a registration is part of the address; DELETE without stateId deletes the context', async () => {
        const base = fresh();
        const registration = 'AB1E0D3B-4B6A-4D6C-8C5B-2F1B2E0C9F10';
        assert.equal((await call('PUT', STATE, { query: { ...base, registration }, body: { r: 1 } })).statusCode, 204);
        assert.equal((await call('POST', STATE, { query: { ...base, registration }, body: { s: 2 } })).statusCode, 204);
        problem(await call('GET', STATE, { query: base }), 404, 'DS_LRS_DOCUMENT_NOT_FOUND');
        assert.deepEqual((await call('GET', STATE, { query: { ...base, registration: registration.toLowerCase() } })).json(), { r: 1, s: 2 });
        await call('PUT', STATE, { query: { ...base, stateId: 'other' }, body: { o: 1 } });
        assert.equal((await call('DELETE', STATE, { query: { activityId: base.activityId, agent, registration } })).statusCode, 204);
        assert.deepEqual((await call('GET', STATE, { query: { activityId: base.activityId, agent } })).json(), ['other']);
      });

      it('XAPI-00187 XAPI-00191 XAPI-00194 XAPI-00216 XAPI-00223: DELETE of one document, then of all the documents of an activity and agent', async () => {
        const base = fresh();
        await call('PUT', STATE, { query: base, body: { a: 1 } });
        await call('PUT', STATE, { query: { ...base, stateId: 'b' }, body: { b: 1 } });
        assert.equal((await call('DELETE', STATE, { query: base })).statusCode, 204);
        problem(await call('GET', STATE, { query: base }), 404, 'DS_LRS_DOCUMENT_NOT_FOUND', '/query/stateId');
        assert.equal((await call('DELETE', STATE, { query: { activityId: base.activityId, agent, since: '2000-01-01T00:00:00Z' } })).statusCode, 204);
        assert.deepEqual((await call('GET', STATE, { query: { activityId: base.activityId, agent } })).json(), []);
      });

      it('XAPI-00207..00215 XAPI-00206 XAPI-00211: activityId, agent and (for PUT and POST) stateId are required', async () => {
        const { activityId, stateId } = fresh();
        for (const method of ['GET', 'DELETE', 'PUT', 'POST'] as const) {
          const body = method === 'PUT' || method === 'POST' ? { a: 1 } : undefined;
          problem(await call(method, STATE, { query: { agent, stateId }, body }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/activityId');
          problem(await call(method, STATE, { query: { activityId, stateId }, body }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent');
        }
        for (const method of ['PUT', 'POST'] as const) problem(await call(method, STATE, { query: { activityId, agent }, body: {} }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/stateId');
      });

      it('XAPI-00196..00205: agent must be an Agent in JSON, registration a UUID, since a timestamp', async () => {
        const q = fresh();
        for (const method of ['GET', 'DELETE', 'PUT', 'POST'] as const) {
          const body = method === 'PUT' || method === 'POST' ? { a: 1 } : undefined;
          problem(await call(method, STATE, { query: { ...q, agent: 'not JSON' }, body }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent');
          problem(await call(method, STATE, { query: { ...q, registration: 'not-a-uuid' }, body }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/registration');
        }
        problem(await call('GET', STATE, { query: { ...q, agent: { mbox: 'learner@example.org' } } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent/mbox');
        problem(await call('GET', STATE, { query: { ...q, agent: { objectType: 'Group', member: [agent] } } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/agent/objectType');
        problem(await call('GET', STATE, { query: { activityId: q.activityId, agent, since: 'yesterday' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/since');
        problem(await call('GET', STATE, { query: { ...q, activityId: 'no scheme' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/activityId');
      });

      it('Communication 3.2.s3.b7 b8: unknown parameters, and known ones in another case, are refused', async () => {
        const q = fresh();
        problem(await call('GET', STATE, { query: { ...q, foo: 'bar' } }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/foo');
        const { stateId, ...rest } = q;
        problem(await call('PUT', STATE, { query: { ...rest, StateId: stateId }, body: {} }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/StateId');
        problem(await call('PUT', STATE, { query: { ...q, profileId: 'x' }, body: {} }), 400, 'DS_LRS_DOCUMENT_PARAMETER', '/query/profileId');
      });

      it('XAPI-00322: concurrency on State: If-Match/If-None-Match are honoured; a PUT over a document without them is 204 in 1.0.3, 409 in 2.0', async () => {
        const q = fresh();
        await call('PUT', STATE, { query: q, body: { v: 1 } });
        const etag = String((await call('GET', STATE, { query: q })).headers.etag);
        problem(await call('PUT', STATE, { query: q, body: { v: 2 }, headers: { 'if-match': '"1234"' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION', '/headers/if-match');
        problem(await call('POST', STATE, { query: q, body: { v: 2 }, headers: { 'if-none-match': '*' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION', '/headers/if-none-match');
        problem(await call('DELETE', STATE, { query: q, headers: { 'if-match': '"1234"' } }), 412, 'DS_LRS_DOCUMENT_PRECONDITION');
        const blind = await call('PUT', STATE, { query: q, body: { v: 3 } });
        if (version === '1.0.3') assert.equal(blind.statusCode, 204);
        else {
          problem(blind, 409, 'DS_LRS_DOCUMENT_CONFLICT', '/headers/if-match');
          assert.deepEqual((await call('GET', STATE, { query: q })).json(), { v: 1 });
          assert.equal((await call('PUT', STATE, { query: q, body: { v: 3 }, headers: { 'if-match': etag } })).statusCode, 204);
        }
        assert.deepEqual((await call('GET', STATE, { query: q })).json(), { v: 3 });
      });

      it('Communication 3.3 and 4.0: the version header is required, and the client needs the state scope', async () => {
        const q = fresh();
        const none = await app.inject({ method: 'GET', url: `${STATE}?activityId=${encodeURIComponent(q.activityId)}&agent=${encodeURIComponent(JSON.stringify(agent))}`, headers: { authorization: `Basic ${Buffer.from('all:all-secret').toString('base64')}` } });
        problem(none, 400, 'DS_LRS_VERSION', '/headers/x-experience-api-version');
        const forbidden = await call('GET', STATE, { query: q, client: 'profile' });
        problem(forbidden, 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
        assert.equal(forbidden.headers['x-experience-api-version'], version, 'a refusal before the handler still names the version');
        assert.equal((await call('GET', STATE, { query: { activityId: q.activityId, agent }, client: 'state' })).statusCode, 200);
      });
    });
  }
});
