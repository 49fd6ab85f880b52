import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine, openTestDatabase, type Engine } from '../../test/support/databases.js';
import { freePort } from '../../test/support/nodes.js';
import type { Database } from '../db/index.js';
import { createIdentity, type Identity } from '../identity/index.js';
import { ManualClock, contentHash, randomIds, silentLogger } from '../kernel/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import { createParticipants, type ParticipantAudit } from './index.js';

const ADMIN = 'admin-key';
const clock = new ManualClock(new Date());

interface Shell {
  url: string;
  app: App;
  identity: Identity;
  database: Database;
}

/** A node shell on loopback (identity, participants, DSP version document) whose registry records into `audit`. */
async function startNode(name: string, engine: Engine, audit?: ParticipantAudit): Promise<Shell> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const identity = await createIdentity({ db: database.db, clock, ids: randomIds, logger: silentLogger(), publicUrl: url, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider'] } });
  const participants = createParticipants({ db: database.db, clock, logger: silentLogger(), identity, ...(audit ? { audit } : {}) });
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 65536, authenticator: identity.authenticatorFor(participants.directory) });
  await app.register(identity.routes);
  await app.register(participants.routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  await app.listen({ host: '127.0.0.1', port });
  return { url, app, identity, database };
}

forEachEngine('participant registry changes recorded with the audit, in one transaction', (engine) => {
  let a: Shell;
  let b: Shell;
  const state = { failNext: false };
  // Writes into a real table through the transaction it is given, then fails on demand: its row must vanish too.
  const audit: ParticipantAudit = {
    async record(tx, event) {
      await sql`insert into test_audit (type, subject, payload) values (${event.type}, ${event.subject}, ${JSON.stringify(event.payload)}::jsonb)`.execute(tx);
      if (state.failNext) {
        state.failNext = false;
        throw new Error('audit store unavailable');
      }
    },
  };
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => a.app.inject({ method, url, headers: { 'x-api-key': ADMIN }, ...(payload ? { payload } : {}) });
  let seen = 0;
  const fresh = async () => {
    const all = (await sql<{ type: string; subject: string; payload: Record<string, unknown> }>`select type, subject, payload from test_audit order by seq`.execute(a.database.db)).rows;
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };

  before(async () => {
    a = await startNode('a', engine, audit);
    await sql`create table test_audit (seq serial primary key, type text not null, subject text not null, payload jsonb not null)`.execute(a.database.db);
    b = await startNode('b', 'pglite');
  });
  after(async () => {
    for (const n of [a, b]) {
      await n?.app.close();
      await n?.database.close();
    }
  });

  it('records one event of the right type per change, with a summary and the content hash of the stored record', async () => {
    const enc = encodeURIComponent(b.identity.did);
    assert.equal((await api('POST', '/api/v1/participants', { did: b.identity.did })).statusCode, 201);
    const stored = (await api('GET', `/api/v1/participants/${enc}`)).json();
    const [added, ...none] = await fresh();
    assert.equal(none.length, 0);
    assert.deepEqual(added, {
      type: 'participant.added',
      subject: b.identity.did,
      payload: { did: b.identity.did, name: 'Legal b', roles: ['data-provider'], status: 'active', contentHash: contentHash(stored) },
    });
    assert.equal((await api('POST', '/api/v1/participants', { url: b.url })).statusCode, 200);
    assert.equal((await api('POST', `/api/v1/participants/${enc}/suspend`, { reason: 'audit pending' })).statusCode, 200);
    assert.equal((await api('POST', `/api/v1/participants/${enc}/activate`)).statusCode, 200);
    assert.equal((await api('DELETE', `/api/v1/participants/${enc}`)).statusCode, 204);
    const got = await fresh();
    assert.deepEqual(got.map((e) => [e.type, e.subject]), [
      ['participant.refreshed', b.identity.did],
      ['participant.suspended', b.identity.did],
      ['participant.activated', b.identity.did],
      ['participant.removed', b.identity.did],
    ]);
    assert.deepEqual([got[1]!.payload.status, got[1]!.payload.reason], ['suspended', 'audit pending']);
    assert.equal(JSON.stringify(got).includes('eyJ'), false, 'no credential (a JWT) is copied into the log');
    assert.equal((await api('DELETE', `/api/v1/participants/${enc}`)).statusCode, 404);
    assert.deepEqual(await fresh(), [], 'a refused change records nothing');
  });

  it('writes nothing, neither the change nor its record, when the audit fails', async () => {
    const enc = encodeURIComponent(b.identity.did);
    state.failNext = true;
    assert.equal((await api('POST', '/api/v1/participants', { did: b.identity.did })).statusCode, 500);
    assert.equal((await api('GET', `/api/v1/participants/${enc}`)).statusCode, 404);
    assert.equal((await api('POST', '/api/v1/participants', { did: b.identity.did })).statusCode, 201);
    await fresh();
    for (const [method, path, body] of [
      ['POST', `/api/v1/participants/${enc}/suspend`, { reason: 'x' }],
      ['DELETE', `/api/v1/participants/${enc}`, undefined],
    ] as const) {
      state.failNext = true;
      assert.equal((await api(method, path, body)).statusCode, 500, `${method} ${path}`);
      const p = await api('GET', `/api/v1/participants/${enc}`);
      assert.equal(p.statusCode, 200);
      assert.equal(p.json().status, 'active');
    }
    assert.deepEqual(await fresh(), [], 'no record of a rolled-back change survives');
  });
});
