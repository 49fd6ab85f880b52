import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase, type Engine } from '../../test/support/databases.js';
import { freePort } from '../../test/support/nodes.js';
import { startAll } from '../../test/support/start-all.js';
import type { Database } from '../db/index.js';
import { createIdentity, type Identity } from '../identity/index.js';
import { ManualClock, randomIds, silentLogger } from '../kernel/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import { createParticipants, type Participants } from '../participants/index.js';
import { createPeople, type People } from './index.js';

const ADMIN = 'admin-key';
const PASSWORD = 'correct horse battery';
const clock = new ManualClock(new Date());

/** What the tests read from JSON answers. */
type Body = Record<string, unknown> & { code?: string; personId?: string; items?: Array<Record<string, string>> };

interface TestNode {
  url: string;
  app: App;
  identity: Identity;
  participants: Participants;
  people: People;
  database: Database;
}

/** A real node on loopback: identity, participants and people (the intermediary role on or off). */
async function startNode(name: string, engine: Engine, intermediary: boolean): Promise<TestNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const roles = intermediary ? ['personal-data-intermediary' as const] : ['data-provider' as const];
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles } });
  const participants = createParticipants({ db, clock, logger, identity });
  const people = createPeople({ db, clock, ids: randomIds, logger, node: { did: identity.did, publicUrl: url }, intermediary, tokens: identity.tokens, participants: participants.directory, sessionTtlSeconds: 3600, scryptCost: 2 ** 10 });
  const { app } = await createHttpApp({ logger, bodyLimit: 65536, authenticator: { ...identity.authenticatorFor(participants.directory), person: (t) => people.authenticate(t) } });
  for (const routes of [identity.routes, participants.routes, people.routes]) await app.register(routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  await app.listen({ host: '127.0.0.1', port });
  return { url, app, identity, participants, people, database };
}

forEachEngine('identifier links confirmed by the participant, node to node', (engine) => {
  let i: TestNode;
  let tb: TestNode;
  let ag: TestNode;

  /** The person's side goes over real HTTP too, with the session cookie as the dashboard sends it. */
  const asPerson = async (cookie: string, method: string, path: string, body?: object) => {
    const res = await fetch(`${i.url}${path}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Body) };
  };
  const signUpAndIn = async (login: string) => {
    const up = await fetch(`${i.url}/api/v1/me/sign-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }) });
    assert.equal(up.status, 201);
    const { personId } = (await up.json()) as { personId: string };
    const res = await fetch(`${i.url}/api/v1/me/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }) });
    assert.equal(res.status, 201);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    assert.match(cookie, /^dases_session=[A-Za-z0-9_-]{43}$/);
    return { personId, cookie };
  };
  const openLink = async (cookie: string, participant: TestNode) => {
    const res = await asPerson(cookie, 'POST', '/api/v1/me/links', { participant: participant.identity.did });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; code: string; expiresAt: string };
  };
  /** The participant's own systems call their node's management API. */
  const confirmAt = async (node: TestNode, body: { intermediary: string; code: string; subjectId: string }) => {
    const res = await fetch(`${node.url}/api/v1/person-links`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ADMIN }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const refused = (res: { status: number; body: Body }, remoteStatus: number, remoteCode: string) => {
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.code, 'DS_PEOPLE_LINK_REFUSED');
    assert.deepEqual(res.body.errors, [
      { path: '/remote/status', message: String(remoteStatus) },
      { path: '/remote/code', message: remoteCode },
    ]);
  };

  before(async () => {
    [i, tb, ag] = await startAll([startNode('intermediary', engine, true), startNode('training-body', engine, false), startNode('agency', engine, false)], async (n) => (await n.app.close(), await n.database.close()));
    for (const [a, b] of [[i, tb], [i, ag], [tb, i], [ag, i], [ag, tb], [tb, ag]] as const) await a.participants.add(b.identity.did);
  });
  after(async () => {
    for (const n of [i, tb, ag]) {
      await n?.app.close();
      await n?.database.close();
    }
  });

  it('Léa links her id at the training body: TB confirms at I with the code she brought, both sides keep the link', async () => {
    const lea = await signUpAndIn('lea');
    const { id, code } = await openLink(lea.cookie, tb);
    // She reads the code to TB's staff, who may type it in lower case and without dashes.
    const res = await confirmAt(tb, { intermediary: i.identity.did, code: code.toLowerCase().replace(/-/g, ''), subjectId: 'tb-123' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual({ ...res.body, id: undefined, confirmedAt: undefined }, { id: undefined, intermediary: i.identity.did, subjectId: 'tb-123', linkId: id, confirmedAt: undefined });

    const mine = await asPerson(lea.cookie, 'GET', '/api/v1/me/links');
    assert.deepEqual(mine.body?.items?.map((l) => [l.id, l.participantDid, l.status, l.subjectId]), [[id, tb.identity.did, 'confirmed', 'tb-123']]);
    assert.equal(await i.people.personOfSubject(tb.identity.did, 'tb-123'), lea.personId);
    assert.equal(await i.people.subjectAt(lea.personId, tb.identity.did), 'tb-123');
    assert.equal(await i.people.personOfSubject(ag.identity.did, 'tb-123'), undefined, 'a subject id means something only at its participant');
    const held = await fetch(`${tb.url}/api/v1/person-links?intermediary=${encodeURIComponent(i.identity.did)}`, { headers: { 'x-api-key': ADMIN } });
    assert.deepEqual(((await held.json()) as { items: unknown[]; total: number }).items, [res.body]);

    refused(await confirmAt(tb, { intermediary: i.identity.did, code, subjectId: 'tb-123' }), 404, 'DS_PEOPLE_LINK_CODE_UNKNOWN');
    const again = await asPerson(lea.cookie, 'POST', '/api/v1/me/links', { participant: tb.identity.did });
    assert.deepEqual([again.status, again.body?.code], [409, 'DS_PEOPLE_ALREADY_LINKED']);
  });

  it('only the participant the link was opened for can confirm it, and only while I trusts it', async () => {
    const lea = await signUpAndIn('lea-2');
    const { code } = await openLink(lea.cookie, ag);
    refused(await confirmAt(tb, { intermediary: i.identity.did, code, subjectId: 'tb-777' }), 403, 'DS_PEOPLE_LINK_WRONG_PARTICIPANT');
    await i.participants.suspend(ag.identity.did, 'audit');
    refused(await confirmAt(ag, { intermediary: i.identity.did, code, subjectId: 'ag-9' }), 401, 'DS_AUTH_SUSPENDED_PARTICIPANT');
    await i.participants.activate(ag.identity.did);
    const ok = await confirmAt(ag, { intermediary: i.identity.did, code, subjectId: 'ag-9' });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(await i.people.personOfSubject(ag.identity.did, 'ag-9'), lea.personId);
    assert.equal(await i.people.personOfSubject(tb.identity.did, 'tb-777'), undefined);
  });

  it('refuses an expired code, a subject id already linked to someone else, and a node that is not an intermediary', async () => {
    const tom = await signUpAndIn('tom');
    const first = await openLink(tom.cookie, tb);
    clock.advance(15 * 60_000);
    refused(await confirmAt(tb, { intermediary: i.identity.did, code: first.code, subjectId: 'tb-456' }), 410, 'DS_PEOPLE_LINK_CODE_EXPIRED');
    const second = await openLink(tom.cookie, tb);
    refused(await confirmAt(tb, { intermediary: i.identity.did, code: second.code, subjectId: 'tb-123' }), 409, 'DS_PEOPLE_SUBJECT_TAKEN');
    refused(await confirmAt(ag, { intermediary: tb.identity.did, code: second.code, subjectId: 'x' }), 409, 'DS_PEOPLE_NOT_INTERMEDIARY');
    assert.equal((await confirmAt(tb, { intermediary: i.identity.did, code: second.code, subjectId: 'tb-456' })).status, 201, 'the refused code is still usable');
    const links = await i.people.links(tom.personId);
    assert.deepEqual(links.map((l) => [l.id, l.status, l.subjectId]), [[second.id, 'confirmed', 'tb-456'], [first.id, 'revoked', undefined]], 'opening a new link replaced the expired one');
  });

  it('a revoked link no longer maps the subject; a garbled code is refused without reaching any link', async () => {
    const lea = await fetch(`${i.url}/api/v1/me/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'lea', password: PASSWORD }) });
    const cookie = (lea.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const me = await asPerson(cookie, 'GET', '/api/v1/me');
    const [link] = await i.people.links(me.body?.personId as string);
    assert.equal((await asPerson(cookie, 'DELETE', `/api/v1/me/links/${link?.id}`)).status, 204);
    assert.equal(await i.people.personOfSubject(tb.identity.did, 'tb-123'), undefined);
    refused(await confirmAt(tb, { intermediary: i.identity.did, code: 'not a code', subjectId: 'tb-123' }), 404, 'DS_PEOPLE_LINK_CODE_UNKNOWN');
  });
});
