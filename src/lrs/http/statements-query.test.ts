import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { forEachEngine } from '../../../test/support/databases.js';
import { statementFilterFromParams } from '../index.js';
import { withLrsHarness, type LrsHarness } from '../testing/lrs-harness.js';
import { agent, client, problem, statement, uuid, VERSIONS } from '../testing/statement-fixtures.js';

/** GET /xapi/statements: filters, paging, formats, headers (requirement ids in names). */
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const ids = (res: { json(): unknown }) => (res.json() as { statements: Array<{ id: string }> }).statements.map((s) => s.id);

forEachEngine('LRS statements: querying', (engine) => {
  let h: LrsHarness;
  withLrsHarness(engine, (x) => (h = x));
  before(async () => {
    const c = client(h, '2.0.0');
    const reg = uuid(900);
    // 1: learner1 completed course-1 (registration reg)          2: learner2 attempted course-2, parent course-1
    // 3: learner3 is the object; instructor learner4              4: a sub-statement about learner5 on course-3
    // 5: references 1 (StatementRef)                              6 voided by 7 (learner6)
    await c.put(uuid(1), statement({ context: { registration: reg } }));
    h.clock.advance(1000);
    await c.put(uuid(2), statement({ actor: agent(2), verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object: { id: 'http://example.org/activities/course-2' }, context: { contextActivities: { parent: { id: 'http://example.org/activities/course-1' } } } }));
    h.clock.advance(1000);
    await c.put(uuid(3), statement({ actor: agent(9), object: agent(3), context: { instructor: agent(4) } }));
    h.clock.advance(1000);
    await c.put(uuid(4), statement({ actor: agent(9), object: { objectType: 'SubStatement', actor: agent(5), verb: { id: 'http://x.org/v' }, object: { id: 'http://example.org/activities/course-3' } } }));
    h.clock.advance(1000);
    await c.put(uuid(5), statement({ actor: agent(8), verb: { id: 'http://x.org/liked' }, object: { objectType: 'StatementRef', id: uuid(1) } }));
    h.clock.advance(1000);
    await c.put(uuid(6), statement({ actor: agent(6) }));
    await c.put(uuid(7), statement({ actor: agent(7), verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: uuid(6) } }));
    h.clock.advance(1000);
    // Three statements with the same `stored` (one batch), for paging ties; 2.0 context agents.
    await c.post([10, 11, 12].map((i) => statement({ id: uuid(i), actor: agent(10), context: { contextAgents: [{ objectType: 'contextAgent', agent: agent(11) }] } })));
  });

  for (const version of VERSIONS) {
    describe(`xAPI ${version}`, () => {
      const c = () => client(h, version);

      test('XAPI-00154/00162 unfiltered: newest first, voided excluded, the voiding statement included', async () => {
        const res = await c().get();
        assert.equal(res.statusCode, 200);
        assert.deepEqual(ids(res), [uuid(12), uuid(11), uuid(10), uuid(7), uuid(5), uuid(4), uuid(3), uuid(2), uuid(1)]);
        assert.equal(res.json().more, '');
        // XAPI-00165: a Content-Type.
        assert.match(String(res.headers['content-type']), /^application\/json/);
      });

      test('XAPI-00181 agent: actor or object; StatementRefs to matches follow', async () => {
        assert.deepEqual(ids(await c().get({ agent: agent(1) })), [uuid(5), uuid(1)]);
        assert.deepEqual(ids(await c().get({ agent: agent(3) })), [uuid(3)]);
        assert.deepEqual(ids(await c().get({ agent: agent(4) })), []);
      });

      test('XAPI-00176 related_agents: also instructor, sub-statements, authority and 2.0 context agents', async () => {
        assert.deepEqual(ids(await c().get({ agent: agent(4), related_agents: 'true' })), [uuid(3)]);
        assert.deepEqual(ids(await c().get({ agent: agent(5), related_agents: 'true' })), [uuid(4)]);
        assert.deepEqual(ids(await c().get({ agent: agent(11), related_agents: 'true' })), [uuid(12), uuid(11), uuid(10)]);
        assert.deepEqual(ids(await c().get({ agent: agent(5) })), []);
      });

      test('XAPI-00180 verb, XAPI-00179 activity, XAPI-00177 related_activities, XAPI-00178 registration', async () => {
        assert.deepEqual(ids(await c().get({ verb: 'http://adlnet.gov/expapi/verbs/attempted' })), [uuid(2)]);
        assert.deepEqual(ids(await c().get({ activity: 'http://example.org/activities/course-2' })), [uuid(2)]);
        assert.deepEqual(ids(await c().get({ activity: 'http://example.org/activities/course-3' })), []);
        assert.deepEqual(ids(await c().get({ activity: 'http://example.org/activities/course-3', related_activities: 'true' })), [uuid(4)]);
        const c1 = ids(await c().get({ activity: 'http://example.org/activities/course-1', related_activities: 'true', limit: 100 }));
        assert.ok(c1.includes(uuid(2)) && c1.includes(uuid(5)) && !c1.includes(uuid(6)));
        assert.deepEqual(ids(await c().get({ registration: uuid(900) })), [uuid(5), uuid(1)]);
        // A reference meets the filters when its target does (all of them): 5 is "liked", its target is not.
        assert.deepEqual(ids(await c().get({ registration: uuid(900), verb: 'http://adlnet.gov/expapi/verbs/completed' })), [uuid(5), uuid(1)]);
        assert.deepEqual(ids(await c().get({ registration: uuid(900), verb: 'http://x.org/liked' })), []);
      });

      test('XAPI-00175 since (exclusive), XAPI-00174 until (inclusive), XAPI-00166 ascending', async () => {
        const t2 = '2026-03-01T10:00:01.000Z';
        assert.deepEqual(ids(await c().get({ since: '2026-03-01T10:00:03.000Z', until: '2026-03-01T10:00:05Z' })), [uuid(7), uuid(5)]);
        assert.deepEqual(ids(await c().get({ until: t2, ascending: 'true' })), [uuid(1), uuid(2)]);
      });

      test('XAPI-00173 limit and more: a stable cursor through equal stored times', async () => {
        const seen: string[] = [];
        let res = await c().get({ limit: 2 });
        for (;;) {
          seen.push(...ids(res));
          const more = res.json().more as string;
          if (more === '') break;
          assert.ok(more.startsWith('/xapi/statements?more='));
          res = await c().url(more);
          assert.equal(res.statusCode, 200);
        }
        assert.deepEqual(seen, [uuid(12), uuid(11), uuid(10), uuid(7), uuid(5), uuid(4), uuid(3), uuid(2), uuid(1)]);
        const asc = await c().get({ limit: 2, ascending: 'true', since: '2026-03-01T10:00:04.500Z' });
        assert.deepEqual(ids(asc), [uuid(7), uuid(10)]);
        assert.deepEqual(ids(await c().url(asc.json().more)), [uuid(11), uuid(12)]);
        assert.equal(problem(await c().url('/xapi/statements?more=garbage')).code, 'DS_LRS_INVALID_CURSOR');
        const forged = Buffer.from(JSON.stringify({ q: { filter: { agent: { mbox: 'x' } }, limit: 1, format: 'exact' }, s: '2026-03-01T10:00:00Z', i: 'x' })).toString('base64url');
        assert.deepEqual(problem(await c().url(`/xapi/statements?more=${forged}`)), { status: 400, code: 'DS_LRS_INVALID_CURSOR', paths: ['/query/more'] });
      });

      test('XAPI-00149 no match: 200 with an empty statements list', async () => {
        const res = await c().get({ verb: 'http://x.org/never' });
        assert.deepEqual(res.json(), { statements: [], more: '' });
      });

      test('XAPI-00171 format=ids keeps identifiers only; XAPI-00169/00172 canonical picks one language', async () => {
        const s = (await c().get({ statementId: uuid(1), format: 'ids' })).json();
        assert.deepEqual(s.verb, { id: 'http://adlnet.gov/expapi/verbs/completed' });
        assert.deepEqual(s.object, { objectType: 'Activity', id: 'http://example.org/activities/course-1' });
        assert.deepEqual(s.actor, { objectType: 'Agent', mbox: 'mailto:learner1@example.org' });
        const fr = (await c().get({ statementId: uuid(1), format: 'canonical' }, { 'accept-language': 'fr-FR, en;q=0.5' })).json();
        assert.deepEqual(fr.verb.display, { 'fr-FR': 'a terminé' });
        assert.deepEqual(fr.object.definition.name, { 'fr-FR': 'Cours un' });
        // XAPI-00170: exact is as stored.
        assert.deepEqual((await c().get({ statementId: uuid(1), format: 'exact' })).json().verb.display, { 'en-US': 'completed', 'fr-FR': 'a terminé' });
      });

      test('XAPI-00150/00151 statementId or voidedStatementId with other filters → 400', async () => {
        assert.deepEqual(problem(await c().get({ statementId: uuid(1), verb: 'http://x.org/v' })), { status: 400, code: 'DS_LRS_INVALID_QUERY', paths: ['/query/verb'] });
        assert.deepEqual(problem(await c().get({ voidedStatementId: uuid(6), limit: '1' })).paths, ['/query/limit']);
        assert.equal((await c().get({ statementId: uuid(1), format: 'ids', attachments: 'false' })).statusCode, 200);
      });

      test('bad parameters are named: agent, registration, since, limit, unknown', async () => {
        assert.deepEqual(problem(await c().get({ agent: { mbox: 'nope' } })).paths, ['/query/agent/mbox']);
        assert.deepEqual(problem(await c().get({ agent: '{not json' })).paths, ['/query/agent']);
        assert.deepEqual(problem(await c().get({ registration: 'r' })).paths, ['/query/registration']);
        assert.deepEqual(problem(await c().get({ since: 'yesterday' })).paths, ['/query/since']);
        assert.deepEqual(problem(await c().get({ limit: '-1' })).paths, ['/query/limit']);
        assert.deepEqual(problem(await c().get({ colour: 'blue' })).paths, ['/query/colour']);
      });

      test('XAPI-00152/00153/00160 consistency header on every GET, never before a returned stored; Last-Modified', async () => {
        const res = await c().get({ statementId: uuid(1) });
        const through = String(res.headers['x-experience-api-consistent-through']);
        assert.match(through, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        assert.ok(new Date(through) >= new Date(res.json().stored));
        assert.equal(res.headers['last-modified'], new Date(res.json().stored).toUTCString());
        const missing = await c().get({ statementId: uuid(777) });
        assert.equal(missing.statusCode, 404);
        assert.ok(missing.headers['x-experience-api-consistent-through']);
      });

      test('HEAD answers the headers of GET without a body', async () => {
        const res = await c().url(`/xapi/statements?statementId=${uuid(1)}`, 'HEAD');
        assert.equal(res.statusCode, 200);
        assert.equal(res.body, '');
        assert.ok(res.headers['x-experience-api-consistent-through']);
        assert.equal((await c().url(`/xapi/statements?statementId=${uuid(6)}`, 'HEAD')).statusCode, 404);
      });

      test('XAPI-00094-like: contextActivities come back as arrays', async () => {
        const s = (await c().get({ statementId: uuid(2) })).json();
        assert.ok(Array.isArray(s.context.contextActivities.parent));
      });
    });
  }

  test('Lrs.query streams every match (the data plane uses it), filters from query parameters', async () => {
    const out: string[] = [];
    const filter = statementFilterFromParams({ agent: JSON.stringify(agent(10)), ascending: 'true' });
    for await (const s of h.lrs.query(filter, { pageSize: 2 })) out.push(s.id);
    assert.deepEqual(out, [uuid(10), uuid(11), uuid(12)]);
    assert.throws(() => statementFilterFromParams({ verb: 'nope' }), { code: 'DS_LRS_INVALID_QUERY' });
    assert.throws(() => statementFilterFromParams({ limit: '3' }), { code: 'DS_LRS_INVALID_QUERY' });
  });
});
