import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachEngine } from '../../../test/support/databases.js';
import { withLrsHarness, type LrsHarness } from '../testing/lrs-harness.js';
import { agent, client, problem, statement, uuid, VERSIONS } from '../testing/statement-fixtures.js';

/** Writing statements: POST, PUT, conflicts, batches, voiding, version negotiation (requirement ids in names). */
forEachEngine('LRS statements: writing', (engine) => {
  let h: LrsHarness;
  withLrsHarness(engine, (x) => (h = x));

  for (const version of VERSIONS) {
    describe(`xAPI ${version}`, () => {
      const n = version === '1.0.3' ? 0 : 1000;
      const c = () => client(h, version);

      test('XAPI-00146/00147/00026 POST stores a statement, generates its id and answers the ids', async () => {
        const res = await c().post(statement());
        assert.equal(res.statusCode, 200);
        const [id] = res.json() as string[];
        assert.match(id ?? '', /^[0-9a-f-]{36}$/);
        const got = await c().get({ statementId: id });
        assert.equal(got.statusCode, 200);
        const s = got.json();
        assert.equal(s.id, id);
        // XAPI-00023: stored set on receipt; authority, version and timestamp set by the LRS.
        assert.equal(s.stored, h.clock.now().toISOString());
        assert.equal(s.timestamp, s.stored);
        assert.equal(s.version, version === '1.0.3' ? '1.0.0' : '2.0.0');
        assert.equal(s.authority.account.homePage, 'https://lrs.example');
        assert.equal(res.headers['x-experience-api-version'], version);
      });

      test('a batch is stored in order, all or nothing, and errors name the member (/body/1/actor/mbox)', async () => {
        const ok = await c().post([statement({ id: uuid(n + 1) }), statement({ id: uuid(n + 2) })]);
        assert.deepEqual(ok.json(), [uuid(n + 1), uuid(n + 2)]);
        const bad = await c().post([statement({ id: uuid(n + 3) }), statement({ actor: { mbox: 'nobody' } })]);
        assert.deepEqual(problem(bad), { status: 400, code: 'DS_LRS_INVALID_STATEMENT', paths: ['/body/1/actor/mbox'] });
        assert.equal((await c().get({ statementId: uuid(n + 3) })).statusCode, 404);
      });

      test('a batch repeating an id is refused', async () => {
        const res = await c().post([statement({ id: uuid(n + 4) }), statement({ id: uuid(n + 4) })]);
        assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_INVALID_STATEMENT', paths: ['/body/1/id'] });
      });

      test('XAPI-00143/00144 PUT with statementId stores and answers 204', async () => {
        const res = await c().put(uuid(n + 5), statement());
        assert.equal(res.statusCode, 204);
        assert.equal((await c().get({ statementId: uuid(n + 5) })).json().id, uuid(n + 5));
      });

      test('XAPI-00145 PUT without statementId is refused with 400', async () => {
        const res = await h.app.inject({ method: 'PUT', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': version }, payload: statement() });
        assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_INVALID_QUERY', paths: ['/query/statementId'] });
      });

      test('PUT with a body id other than statementId is refused', async () => {
        const res = await c().put(uuid(n + 6), statement({ id: uuid(n + 7) }));
        assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_INVALID_STATEMENT', paths: ['/body/id'] });
      });

      test('XAPI-00142 a stored statement never changes: same id, other content → 409; same content → accepted', async () => {
        await c().put(uuid(n + 8), statement());
        const before = (await c().get({ statementId: uuid(n + 8) })).json();
        const conflict = await c().put(uuid(n + 8), statement({ actor: agent(99) }));
        assert.deepEqual(problem(conflict), { status: 409, code: 'DS_LRS_STATEMENT_CONFLICT', paths: ['/body/id'] });
        const viaPost = await c().post([statement({ id: uuid(n + 8), actor: agent(98) })]);
        assert.equal(viaPost.statusCode, 409);
        assert.equal((await c().put(uuid(n + 8), statement())).statusCode, 204);
        // Ids compare without case: the same statement re-sent with an upper-case id is the same statement.
        await c().put(uuid(n + 0xab), statement());
        assert.equal((await c().post(statement({ id: uuid(n + 0xab).toUpperCase() }))).statusCode, 200);
        assert.equal((await c().get({ statementId: uuid(n + 0xab).toUpperCase() })).json().id, uuid(n + 0xab));
        assert.deepEqual((await c().get({ statementId: uuid(n + 8) })).json(), before);
      });

      test('XAPI-00021 a property used twice is refused, naming it', async () => {
        const text = `{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a","id":"http://x.org/b"}}`;
        const res = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': version, 'content-type': 'application/json' }, payload: text });
        assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_INVALID_STATEMENT', paths: ['/body/object/id'] });
      });

      test('XAPI-00016/00017/00018 voiding: the target disappears from statementId, appears under voidedStatementId', async () => {
        await c().put(uuid(n + 10), statement());
        const voiding = statement({ id: uuid(n + 11), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: uuid(n + 10) } });
        assert.equal((await c().post(voiding)).statusCode, 200);
        assert.deepEqual(problem(await c().get({ statementId: uuid(n + 10) })), { status: 404, code: 'DS_LRS_STATEMENT_NOT_FOUND', paths: ['/query/statementId'] });
        // XAPI-00155: the voided one by voidedStatementId; XAPI-00163: only there.
        assert.equal((await c().get({ voidedStatementId: uuid(n + 10) })).json().id, uuid(n + 10));
        assert.equal((await c().get({ voidedStatementId: uuid(n + 11) })).statusCode, 404);
        // XAPI-00016: voiding a voiding statement is refused.
        const again = statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: uuid(n + 11) } });
        assert.deepEqual(problem(await c().post(again)), { status: 400, code: 'DS_LRS_VOIDING_INVALID', paths: ['/body/object/id'] });
        // XAPI-00017: a voiding statement must target a StatementRef.
        assert.equal((await c().post(statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } }))).statusCode, 400);
      });

      test('a statement voided before it arrives is stored voided', async () => {
        const voiding = statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: uuid(n + 12) } });
        assert.equal((await c().post(voiding)).statusCode, 200);
        await c().put(uuid(n + 12), statement());
        assert.equal((await c().get({ statementId: uuid(n + 12) })).statusCode, 404);
        assert.equal((await c().get({ voidedStatementId: uuid(n + 12) })).statusCode, 200);
      });

      test('voiding a statement sent in the same batch works; the batch answers both ids', async () => {
        const res = await c().post([statement({ id: uuid(n + 20) }), statement({ id: uuid(n + 21), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: uuid(n + 20) } })]);
        assert.deepEqual(res.json(), [uuid(n + 20), uuid(n + 21)]);
        assert.equal((await c().get({ statementId: uuid(n + 20) })).statusCode, 404);
      });

      test('concurrent writers of one id: the same content is accepted by all, other content conflicts', async () => {
        const same = await Promise.all([1, 2, 3, 4].map(() => c().put(uuid(n + 30), statement())));
        assert.deepEqual(same.map((r) => r.statusCode), [204, 204, 204, 204]);
        const mixed = await Promise.all([1, 2, 3].map((i) => c().put(uuid(n + 31), statement({ actor: agent(i) }))));
        assert.deepEqual(mixed.map((r) => r.statusCode).sort(), [204, 409, 409]);
      });

      test('statements teach the Activities resource their definitions; format=canonical uses them', async () => {
        const id = `http://example.org/activities/canon-${version}`;
        await c().put(uuid(n + 40), statement({ object: { id, definition: { name: { 'en-US': 'Canon' } } } }));
        await c().post(statement({ object: { id, definition: { name: { 'de-DE': 'Kanon' } } } }));
        const act = await h.app.inject({ method: 'GET', url: `/xapi/activities?activityId=${encodeURIComponent(id)}`, headers: { authorization: h.auth.all, 'x-experience-api-version': version } });
        assert.deepEqual(act.json().definition.name, { 'en-US': 'Canon', 'de-DE': 'Kanon' });
        const de = await c().get({ statementId: uuid(n + 40), format: 'canonical' }, { 'accept-language': 'de' });
        assert.deepEqual(de.json().object.definition.name, { 'de-DE': 'Kanon' });
      });

      test('POST takes no query parameters; ?method= is the alternate syntax (1.0.3 only, and with a form body)', async () => {
        const headers = { authorization: h.auth.all, 'x-experience-api-version': version };
        const res = await h.app.inject({ method: 'POST', url: '/xapi/statements?verb=x', headers, payload: statement() });
        assert.deepEqual(problem(res), { status: 400, code: 'DS_LRS_INVALID_QUERY', paths: ['/query/verb'] });
        const alt = await h.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers, payload: statement() });
        assert.deepEqual(problem(alt), { status: 400, code: 'DS_LRS_ALTERNATE_SYNTAX', paths: [version === '1.0.3' ? '/headers/content-type' : '/query/method'] });
      });

      test('a body that is no JSON, or of another media type, is refused', async () => {
        const headers = { authorization: h.auth.all, 'x-experience-api-version': version };
        const bad = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"actor":' });
        assert.equal(problem(bad).code, 'DS_HTTP_MALFORMED_JSON');
        const text = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hello' });
        assert.equal(text.statusCode, 415);
      });
    });
  }

  describe('version negotiation and credentials', () => {
    test('XAPI-00321/00331 a missing or unsupported X-Experience-API-Version → 400 DS_LRS_VERSION, still with a version header', async () => {
      const none = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { authorization: h.auth.all } });
      assert.deepEqual(problem(none), { status: 400, code: 'DS_LRS_VERSION', paths: ['/headers/x-experience-api-version'] });
      assert.equal(none.headers['x-experience-api-version'], '2.0.0');
      for (const v of ['0.95', '1.1.0', '3.0.0', 'x']) {
        const res = await h.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: h.auth.all, 'x-experience-api-version': v }, payload: statement() });
        assert.equal(problem(res).code, 'DS_LRS_VERSION', v);
      }
    });
    test('XAPI-00333 1.0 and any 1.0.x / 2.0.x patch are served, answered as 1.0.3 / 2.0.0', async () => {
      for (const [asked, answered] of [['1.0', '1.0.3'], ['1.0.0', '1.0.3'], ['1.0.1', '1.0.3'], ['2.0', '2.0.0'], ['2.0.1', '2.0.0']]) {
        const res = await h.app.inject({ method: 'GET', url: '/xapi/statements?limit=1', headers: { authorization: h.auth.all, 'x-experience-api-version': asked as string } });
        assert.equal(res.statusCode, 200, asked);
        assert.equal(res.headers['x-experience-api-version'], answered);
      }
    });
    test('no credentials → 401 with a version header; wrong secret → 401; missing scope → 403', async () => {
      const none = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { 'x-experience-api-version': '1.0.3' } });
      assert.equal(none.statusCode, 401);
      assert.equal(none.headers['x-experience-api-version'], '1.0.3');
      const wrong = await h.app.inject({ method: 'GET', url: '/xapi/statements', headers: { 'x-experience-api-version': '1.0.3', authorization: `Basic ${Buffer.from('nokey:nosecret').toString('base64')}` } });
      assert.equal(problem(wrong).code, 'DS_LRS_INVALID_CREDENTIALS');
      assert.equal((await client(h, '1.0.3', h.auth.reader).post(statement())).statusCode, 403);
      assert.equal((await client(h, '1.0.3', h.auth.writer).get()).statusCode, 403);
      assert.equal((await client(h, '1.0.3', h.auth.state).get()).statusCode, 403);
      assert.equal((await client(h, '1.0.3', h.auth.writer).post(statement())).statusCode, 200);
    });
  });
});
