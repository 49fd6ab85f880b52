import assert from 'node:assert/strict';
import { after, before, beforeEach, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import type { Database, DB } from '../db/index.js';
import { AppError, ManualClock, SequentialIds, contentHash, silentLogger, type Authenticator } from '../kernel/index.js';
import { createLedger } from '../ledger/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import { createCatalog, type CatalogAudit } from './index.js';

const auth: Authenticator = {
  async operator(key) {
    if (key === 'admin') return { kind: 'operator', keyId: 'a', name: 'admin', scopes: ['admin'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant() {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
};
const policy = { '@type': 'Offer', permission: [{ action: 'use' }] };

/**
 * A recording audit that writes into a real table through the transaction it is given, then fails on demand:
 * when it fails, its own row must vanish with the change (proof that both ran in one transaction).
 */
function recordingAudit() {
  const state = { failNext: false };
  const audit: CatalogAudit = {
    async record(tx, event) {
      await sql`insert into test_audit (type, subject, payload) values (${event.type}, ${event.subject}, ${JSON.stringify(event.payload)}::jsonb)`.execute(tx);
      if (state.failNext) {
        state.failNext = false;
        throw new Error('audit store unavailable');
      }
    },
  };
  return { audit, state };
}

async function catalogApp(d: Database, audit: CatalogAudit): Promise<App> {
  const catalog = createCatalog({ db: d.db, clock: new ManualClock(), ids: new SequentialIds(), logger: silentLogger(), node: { did: 'did:web:a.example', name: 'A', publicUrl: 'https://a.example' }, audit });
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth });
  await app.register(catalog.routes);
  await app.ready();
  return app;
}

forEachEngine('catalog changes recorded with the audit, in one transaction', (engine) => {
  let d: Database;
  let app: App;
  const rec = recordingAudit();
  const call = (method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url, headers: { 'x-api-key': 'admin' }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const events = async (db: Kysely<DB>) =>
    (await sql<{ type: string; subject: string; payload: Record<string, unknown> }>`select type, subject, payload from test_audit order by seq`.execute(db)).rows;
  let seen = 0;
  /** The events recorded since the previous call. */
  const fresh = async () => {
    const all = await events(d.db);
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };

  before(async () => {
    d = await openTestDatabase(engine);
    await sql`create table test_audit (seq serial primary key, type text not null, subject text not null, payload jsonb not null)`.execute(d.db);
    app = await catalogApp(d, rec.audit);
  });
  after(async () => {
    await app?.close();
    await d?.close();
  });
  beforeEach(() => {
    rec.state.failNext = false;
  });

  it('records exactly one event of the right type per write, with a summary and the content hash of the stored record', async () => {
    const ds = (await call('POST', '/api/v1/datasets', { title: { en: 'Skills', fr: 'Compétences' } })).json();
    const [published, ...rest] = await fresh();
    assert.equal(rest.length, 0);
    assert.equal(published?.type, 'dataset.published');
    assert.equal(published?.subject, ds.id);
    assert.deepEqual(published?.payload, { id: ds.id, kind: 'dataset', title: { en: 'Skills', fr: 'Compétences' }, version: 1, contentHash: contentHash((await call('GET', `/api/v1/datasets/${ds.id}`)).json()) });

    const svc = (await call('POST', '/api/v1/services', { title: 'API', endpointUrl: 'https://api.example' })).json();
    await call('PATCH', `/api/v1/datasets/${ds.id}`, { keywords: ['k'] });
    await call('PUT', `/api/v1/services/${svc.id}`, { title: 'API 2', endpointUrl: 'https://api.example' });
    const off = (await call('POST', '/api/v1/offerings', { title: 'Bundle', datasets: [ds.id], services: [svc.id], policy })).json();
    await call('PATCH', `/api/v1/offerings/${off.id}`, { title: 'Bundle 2' });
    const offNow = (await call('GET', `/api/v1/offerings/${off.id}`)).json();
    assert.equal((await call('DELETE', `/api/v1/offerings/${off.id}`)).statusCode, 204);
    assert.equal((await call('DELETE', `/api/v1/services/${svc.id}`)).statusCode, 204);
    assert.equal((await call('DELETE', `/api/v1/datasets/${ds.id}`)).statusCode, 204);
    const got = await fresh();
    assert.deepEqual(
      got.map((e) => [e.type, e.subject]),
      [
        ['service.published', svc.id],
        ['dataset.updated', ds.id],
        ['service.updated', svc.id],
        ['offering.published', off.id],
        ['offering.updated', off.id],
        ['offering.withdrawn', off.id],
        ['service.deleted', svc.id],
        ['dataset.deleted', ds.id],
      ],
    );
    const withdrawn = got[5]!.payload;
    assert.deepEqual(withdrawn, { id: off.id, title: { und: 'Bundle 2' }, version: 2, datasets: [ds.id], services: [svc.id], contentHash: contentHash(offNow) });
    assert.equal(got[2]!.payload.version, 2);
  });

  it('writes nothing, neither the change nor its record, when the audit fails', async () => {
    const ds = (await call('POST', '/api/v1/datasets', { title: 'Kept' })).json();
    await fresh();

    rec.state.failNext = true;
    const create = await call('POST', '/api/v1/datasets', { title: 'Never' });
    assert.equal(create.statusCode, 500);
    assert.equal(create.json().code, 'DS_HTTP_INTERNAL');
    assert.equal((await call('GET', '/api/v1/datasets?q=Never')).json().total, 0);

    rec.state.failNext = true;
    assert.equal((await call('PATCH', `/api/v1/datasets/${ds.id}`, { title: 'Changed' })).statusCode, 500);
    const after = (await call('GET', `/api/v1/datasets/${ds.id}`)).json();
    assert.deepEqual([after.version, after.title], [1, { und: 'Kept' }]);

    const off = (await call('POST', '/api/v1/offerings', { title: 'O', datasets: [ds.id], policy })).json();
    await fresh();
    rec.state.failNext = true;
    assert.equal((await call('DELETE', `/api/v1/offerings/${off.id}`)).statusCode, 500);
    assert.equal((await call('GET', `/api/v1/offerings/${off.id}`)).statusCode, 200, 'the offering survives');
    rec.state.failNext = true;
    assert.equal((await call('POST', '/api/v1/offerings', { title: 'O2', datasets: [ds.id], policy })).statusCode, 500);
    assert.equal((await call('GET', '/api/v1/offerings')).json().total, 1);
    rec.state.failNext = true;
    assert.equal((await call('PUT', `/api/v1/offerings/${off.id}`, { title: 'O3', datasets: [ds.id], policy })).statusCode, 500);
    assert.equal((await call('GET', `/api/v1/offerings/${off.id}`)).json().version, 1);
    assert.equal((await call('DELETE', `/api/v1/offerings/${off.id}`)).statusCode, 204);
    await fresh();
    rec.state.failNext = true;
    assert.equal((await call('DELETE', `/api/v1/datasets/${ds.id}`)).statusCode, 500);
    assert.equal((await call('GET', `/api/v1/datasets/${ds.id}`)).statusCode, 200, 'the dataset survives');

    assert.deepEqual(await fresh(), [], 'no record of a rolled-back change survives');
  });

  it('records nothing for a refused write', async () => {
    assert.equal((await call('POST', '/api/v1/datasets', { title: 'x', colour: 'red' })).statusCode, 400);
    assert.equal((await call('DELETE', '/api/v1/offerings/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.deepEqual(await fresh(), []);
  });
});

forEachEngine('catalog changes in the transparency log', (engine) => {
  let d: Database;
  it('appends each change to the real ledger, and a refused append leaves no change behind', async () => {
    d = await openTestDatabase(engine);
    try {
      const signer = { sign: async () => 'unused', publicKey: async () => ({ kid: 'k', publicKeyJwk: {} }) };
      const ledger = createLedger({ db: d.db, clock: new ManualClock(), logger: silentLogger(), did: 'did:web:a.example', signer });
      let actor = 'did:web:a.example';
      const app = await catalogApp(d, { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor })) });
      const call = (method: 'POST' | 'GET', url: string, payload?: object) => app.inject({ method, url, headers: { 'x-api-key': 'admin' }, ...(payload ? { payload } : {}) });
      const ds = (await call('POST', '/api/v1/datasets', { title: 'Logged' })).json();
      const [entry, ...none] = await ledger.entries();
      assert.equal(none.length, 0);
      assert.deepEqual([entry?.type, entry?.actor, entry?.subject, entry?.payload.contentHash], ['dataset.published', 'did:web:a.example', ds.id, contentHash(ds)]);
      // The ledger refuses an entry whose actor is not a DID: the dataset must not exist without its entry.
      actor = 'not a did';
      const refused = await call('POST', '/api/v1/datasets', { title: 'Unlogged' });
      assert.equal(refused.json().code, 'DS_LEDGER_INVALID_ENTRY');
      assert.equal((await call('GET', '/api/v1/datasets')).json().total, 1);
      assert.equal((await ledger.entries()).length, 1);
      await app.close();
    } finally {
      await d.close();
    }
  });
});
