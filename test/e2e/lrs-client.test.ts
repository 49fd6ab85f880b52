// Issue 8 end to end: a real xAPI client library from npm (@xapi/xapi) drives a node's LRS over HTTP, unchanged,
// in xAPI 1.0.3 and 2.0.0: statements (batch, single, queries with `more`), voiding, State, Activity Profile and
// Agent Profile documents with their concurrency rules, Activities and Agents, About.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import XAPIImport from '@xapi/xapi';
import { startNodeProcess, type NodeProcess } from '../support/nodes.js';

type Version = '1.0.3' | '2.0.0';
// The package is CommonJS whose module.exports is the client class; its types describe an ES default export.
const XAPI = XAPIImport as unknown as (typeof XAPIImport)['default'];
type Xapi = InstanceType<typeof XAPI>;
type Stored = { id?: string };
/** The HTTP status of a refusal (the fetch adapter rejects with the LRS's problem+json as the message). */
const statusOf = (e: unknown): number | undefined => {
  const r = (e as { response?: { status?: number } }).response?.status;
  if (r !== undefined) return r;
  try {
    return (JSON.parse((e as Error).message) as { status?: number }).status;
  } catch {
    return undefined;
  }
};
const refusedWith = (status: number) => (e: unknown) => statusOf(e) === status;

describe('an xAPI client library against the LRS of a node process', { timeout: 180_000 }, () => {
  let node: NodeProcess;
  let auth = '';
  let readOnly = '';

  before(async () => {
    node = await startNodeProcess('lrs');
    const c = await node.api('POST', '/api/v1/lrs/clients', { name: 'a cmi5 player', scopes: ['statements/read', 'statements/write', 'state', 'profile'] });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    auth = XAPI.toBasicAuth(c.body.key, c.body.secret);
    const r = await node.api('POST', '/api/v1/lrs/clients', { name: 'a dashboard', scopes: ['statements/read'] });
    readOnly = XAPI.toBasicAuth(r.body.key, r.body.secret);
  });
  after(async () => node?.stop());

  const client = (version: Version, credentials = auth): Xapi => new XAPI({ endpoint: `${node.url}/xapi/`, auth: credentials, version: version as '1.0.3', adapter: 'fetch' });

  for (const version of ['1.0.3', '2.0.0'] as const) {
    it(`${version}: statements in a batch and alone, queries page by page, voiding`, async () => {
      const xapi = client(version);
      const lea = { objectType: 'Agent' as const, name: 'Léa', account: { homePage: 'https://tb.example', name: `tb-${randomUUID()}` } };
      const course = `https://tb.example/courses/${randomUUID()}`;
      const statement = (verb: string, i: number) => ({
        id: randomUUID(),
        actor: lea,
        verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
        object: { objectType: 'Activity' as const, id: `${course}/modules/${i}`, definition: { name: { 'fr-FR': `Module ${i}` }, type: 'http://adlnet.gov/expapi/activities/module' } },
        context: { registration: randomUUID(), contextActivities: { parent: [{ id: course }] } },
        timestamp: new Date(Date.UTC(2026, 10, 24, 8, i)).toISOString(),
      });
      const batch = [statement('experienced', 1), statement('experienced', 2), statement('completed', 3)];
      const sent = await xapi.sendStatements({ statements: batch });
      assert.deepEqual(sent.data, batch.map((s) => s.id));
      assert.equal(sent.headers['x-experience-api-version'], version);
      const single = statement('passed', 4);
      assert.deepEqual((await xapi.sendStatement({ statement: single })).data, [single.id]);

      const one = await xapi.getStatement({ statementId: batch[0]!.id });
      assert.equal(one.data.id, batch[0]!.id);
      assert.deepEqual(one.data.actor, lea);
      assert.ok(one.data.stored && one.data.authority, 'the LRS stamps stored and authority');

      // Related activities: the course is a parent of every module statement.
      const page = await xapi.getStatements({ agent: lea, activity: course, related_activities: true, limit: 3, ascending: true });
      // One batch is stored at one instant: within it the order is the ids' (the cursor's tie-break).
      assert.deepEqual(page.data.statements.map((s: Stored) => s.id).sort(), batch.map((s) => s.id).sort());
      assert.ok(page.data.more, 'a more link to the rest');
      const rest = (await xapi.getMoreStatements({ more: page.data.more })) as unknown as { data: { statements: Stored[] } };
      assert.deepEqual(rest.data.statements.map((s: Stored) => s.id), [single.id]);
      const completed = await xapi.getStatements({ agent: lea, verb: 'http://adlnet.gov/expapi/verbs/completed' });
      assert.deepEqual(completed.data.statements.map((s: Stored) => s.id), [batch[2]!.id]);

      await xapi.voidStatement({ actor: lea, statementId: batch[2]!.id });
      const voided = await xapi.getVoidedStatement({ voidedStatementId: batch[2]!.id });
      assert.equal(voided.data.id, batch[2]!.id);
      await assert.rejects(xapi.getStatement({ statementId: batch[2]!.id }), refusedWith(404));
      // The voided statement is no longer listed; the statement voiding it is, as it refers to a match (xAPI §2.2.4.3).
      const after = (await xapi.getStatements({ agent: lea, verb: 'http://adlnet.gov/expapi/verbs/completed' })).data as { statements: Array<{ verb: { id: string }; object: { objectType?: string; id: string } }> };
      assert.deepEqual(after.statements.map((s) => [s.verb.id, s.object.objectType, s.object.id]), [['http://adlnet.gov/expapi/verbs/voided', 'StatementRef', batch[2]!.id]]);

      // The same id with other content is refused; a read-only client cannot write.
      await assert.rejects(xapi.sendStatement({ statement: { ...single, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } } }), refusedWith(409));
      await assert.rejects(client(version, readOnly).sendStatement({ statement: statement('attempted', 5) }), refusedWith(403));
      assert.equal((await client(version, readOnly).getStatement({ statementId: single.id })).data.id, single.id);
    });

    it(`${version}: state, activity profile and agent profile documents, activities and agents`, async () => {
      const xapi = client(version);
      const agent = { objectType: 'Agent' as const, mbox: `mailto:${randomUUID()}@learners.example` };
      const activityId = `https://tb.example/courses/${randomUUID()}`;
      await xapi.setState({ agent, activityId, stateId: 'bookmark', state: { page: 3 } });
      assert.deepEqual((await xapi.getState({ agent, activityId, stateId: 'bookmark' })).data, { page: 3 });
      await xapi.createState({ agent, activityId, stateId: 'bookmark', state: { scrolled: 0.4 } });
      assert.deepEqual((await xapi.getState({ agent, activityId, stateId: 'bookmark' })).data, { page: 3, scrolled: 0.4 }, 'POST merges JSON');
      await xapi.setState({ agent, activityId, stateId: 'progress', state: { done: 2 }, etag: '*', matchHeader: 'If-None-Match' }).catch(() => undefined);
      assert.deepEqual([...(await xapi.getStates({ agent, activityId })).data].sort(), ['bookmark', 'progress']);
      await xapi.deleteState({ agent, activityId, stateId: 'bookmark' });
      await assert.rejects(xapi.getState({ agent, activityId, stateId: 'bookmark' }), refusedWith(404));

      await xapi.createActivityProfile({ activityId, profileId: 'settings', profile: { theme: 'dark' } });
      await xapi.createActivityProfile({ activityId, profileId: 'settings', profile: { font: 'large' } });
      const profile = await xapi.getActivityProfile({ activityId, profileId: 'settings' });
      assert.deepEqual(profile.data, { theme: 'dark', font: 'large' });
      const etag = String(profile.headers.etag);
      // Concurrency: a stale ETag is refused with 412, the current one accepted.
      await xapi.setAgentProfile({ agent, profileId: 'cv', profile: { skills: ['ESCO:0a2c'] }, etag: '*', matchHeader: 'If-None-Match' });
      const cv = await xapi.getAgentProfile({ agent, profileId: 'cv' });
      await assert.rejects(xapi.setAgentProfile({ agent, profileId: 'cv', profile: { skills: [] }, etag, matchHeader: 'If-Match' }), refusedWith(412));
      await xapi.setAgentProfile({ agent, profileId: 'cv', profile: { skills: ['ESCO:0a2c', 'ESCO:77b1'] }, etag: String(cv.headers.etag), matchHeader: 'If-Match' });
      assert.deepEqual((await xapi.getAgentProfile({ agent, profileId: 'cv' })).data, { skills: ['ESCO:0a2c', 'ESCO:77b1'] });
      assert.deepEqual((await xapi.getAgentProfiles({ agent })).data, ['cv']);

      const person = await xapi.getAgent({ agent });
      assert.equal(person.data.objectType, 'Person');
      const about = await xapi.getAbout();
      assert.ok(about.data.version.some((v: string) => v.startsWith(version.slice(0, 3))), JSON.stringify(about.data));
    });
  }

  it('activities keep the definitions statements gave them', async () => {
    const xapi = client('1.0.3');
    const id = `https://tb.example/activities/${randomUUID()}`;
    await xapi.sendStatement({ statement: { actor: { mbox: 'mailto:kim@learners.example' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id, definition: { name: { 'fr-FR': 'Sécurité alimentaire' } } } } });
    await xapi.sendStatement({ statement: { actor: { mbox: 'mailto:kim@learners.example' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id, definition: { name: { 'en-GB': 'Food safety' } } } } });
    const activity = await xapi.getActivity({ activityId: id });
    assert.deepEqual(activity.data.definition?.name, { 'fr-FR': 'Sécurité alimentaire', 'en-GB': 'Food safety' });
  });
});
