import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../test/support/databases.js';
import { freePort } from '../../test/support/nodes.js';
import type { Database } from '../db/index.js';
import { createIdentity, type Identity } from '../identity/index.js';
import { ManualClock, randomIds, silentLogger } from '../kernel/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import { createParticipants, type Participants } from './index.js';

const skip = process.env.DASES_TEST_DATABASE_URL ? false : 'needs PostgreSQL (DASES_TEST_DATABASE_URL)';
const ADMIN = 'admin-key';
const clock = new ManualClock(new Date());

interface Proc {
  /** Where this process answers (the node's public URL may be another process's). */
  port: number;
  app: App;
  identity: Identity;
  participants: Participants;
}

/** One process of a node: identity, participants and a 'dsp' route, on `db`, answering on `port`. */
async function startProcess(db: Database, port: number, publicUrl: string, masterKey: string | undefined, name: string): Promise<Proc> {
  const identity = await createIdentity({
    db: db.db,
    clock,
    ids: randomIds,
    logger: silentLogger(),
    publicUrl,
    dataDir: null,
    masterKey,
    adminApiKey: ADMIN,
    didCacheTtlSeconds: 300,
    profile: { name, legalName: `Legal ${name}`, headquarters: 'FR-IDF', roles: ['data-provider', 'data-consumer'] },
  });
  const participants = createParticipants({ db: db.db, clock, logger: silentLogger(), identity });
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 65536, authenticator: identity.authenticatorFor(participants.directory) });
  await app.register(identity.routes);
  await app.register(participants.routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  app.get('/dsp/test-protected', { config: { auth: 'dsp' } }, async (req) => ({ caller: req.principal.kind === 'participant' ? req.principal.did : null }));
  await app.listen({ host: '127.0.0.1', port });
  return { port, app, identity, participants };
}

/**
 * Two processes of node A share one PostgreSQL database. Each remembers B's DID document once it has verified a
 * token of B, so later tokens are checked without resolving anything; the registry and the spent token ids stay
 * in the database, read on every request: what one process decides holds for the other's very next request.
 */
describe('participant checks across processes sharing one database', { skip }, () => {
  let shared: Database;
  let own: Database;
  let one: Proc;
  let two: Proc;
  let b: Proc;
  const call = (p: Proc, token: string) => fetch(`http://127.0.0.1:${p.port}/dsp/test-protected`, { headers: { authorization: `Bearer ${token}` } });
  const code = async (res: Response) => ((await res.json()) as { code?: string }).code;

  before(async () => {
    [shared, own] = await Promise.all([openTestDatabase('postgres'), openTestDatabase('pglite')]);
    const masterKey = randomBytes(32).toString('base64');
    const [p1, p2, p3] = await Promise.all([freePort(), freePort(), freePort()]);
    one = await startProcess(shared, p1, `http://127.0.0.1:${p1}`, masterKey, 'a');
    // The second process answers on a port of its own but is the same node (same DID, same keys).
    two = await startProcess(shared, p2, `http://127.0.0.1:${p1}`, masterKey, 'a');
    b = await startProcess(own, p3, `http://127.0.0.1:${p3}`, undefined, 'b');
    const added = await one.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { 'x-api-key': ADMIN }, payload: { did: b.identity.did } });
    assert.equal(added.statusCode, 201, added.body);
  });
  after(async () => {
    for (const p of [one, two, b]) await p?.app.close();
    await Promise.all([shared?.close(), own?.close()]);
  });

  it('a suspension decided on one process refuses the very next token on the other, and so does a spent token', async () => {
    const sign = () => b.identity.tokens.sign(one.identity.did);
    assert.equal(two.identity.did, one.identity.did);
    assert.equal((await call(two, await sign())).status, 200, 'first token: B resolved by the second process');
    const spent = await sign();
    assert.equal((await call(two, spent)).status, 200, 'B now known to the second process');
    const replay = await call(one, spent);
    assert.deepEqual([replay.status, await code(replay)], [401, 'DS_AUTH_TOKEN_REPLAYED']);

    await one.participants.suspend(b.identity.did, 'audit');
    const refused = await call(two, await sign());
    assert.deepEqual([refused.status, await code(refused)], [401, 'DS_AUTH_SUSPENDED_PARTICIPANT']);
    await one.participants.activate(b.identity.did);
    assert.equal((await call(two, await sign())).status, 200);
  });
});
