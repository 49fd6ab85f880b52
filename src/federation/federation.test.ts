import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Database } from '../db/index.js';
import { json } from '../db/index.js';
import { createDsp, type DirectoryParticipant } from '../dsp/index.js';
import { InMemoryCatalog, offered, testApp, testTokens } from '../dsp/testing/dsp-test-kit.js';
import { ManualClock, silentLogger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import { freePort } from '../../test/support/nodes.js';
import { crawlJob } from './app/crawl.job.js';
import { createFederation } from './index.js';

const PROVIDER = 'did:web:provider.test';
const DOWN = 'did:web:down.test';
const OP = { 'x-api-key': 'test-operator' };

async function addParticipantRow(d: Database, did: string, name: string, at: Date) {
  // The participants table belongs to another context; the foreign keys of ours only need the row to exist.
  await d.db
    .insertInto('participants')
    .values({ did, name, roles: json([]), endpoints: json({}), did_document: json({}), credential: 'x', self_description: json({}), status: 'active', status_reason: null, verified_at: at, added_at: at, updated_at: at })
    .execute();
}

forEachEngine('federated catalog', (engine) => {
  let d: Database;
  let provider: App;
  let consumer: App;
  let directory: DirectoryParticipant[];
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const catalog = new InMemoryCatalog([
    ...Array.from({ length: 55 }, (_, i) => offered(i + 1)),
    offered(100, { title: { fr: 'Compétences numériques des enseignants' }, description: { fr: 'Référentiel des compétences' }, keywords: ['numérique'] }),
  ]);
  const tokens = testTokens('did:web:consumer.test');
  let federation: ReturnType<typeof createFederation>;

  before(async () => {
    d = await openTestDatabase(engine);
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await testApp(createDsp({ catalog, tokens: testTokens(), node: { did: PROVIDER, publicUrl }, logger: silentLogger() }).routes);
    await provider.listen({ port, host: '127.0.0.1' });
    const downPort = await freePort();
    directory = [
      { did: PROVIDER, name: 'Provider', endpoints: { dsp: `${publicUrl}/dsp` } },
      { did: DOWN, name: 'Down', endpoints: { dsp: `http://127.0.0.1:${downPort}/dsp` } },
      { did: 'did:web:nodsp.test', name: 'No DSP', endpoints: {} },
    ];
    for (const p of directory) await addParticipantRow(d, p.did, p.name, clock.now());
    const dsp = createDsp({ catalog: new InMemoryCatalog([]), tokens, node: { did: 'did:web:consumer.test', publicUrl: 'http://127.0.0.1:1' }, logger: silentLogger() });
    federation = createFederation({ db: d.db, clock, logger: silentLogger(), participants: { listActive: async () => directory }, client: dsp.client, crawlIntervalSeconds: 0, holder: 'test' });
    consumer = await testApp(async (app) => {
      await dsp.routes(app);
      await federation.routes(app);
    });
    await consumer.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await consumer?.close();
    await provider?.close();
    await d?.close();
  });

  const search = async (q: string) => (await consumer.inject({ method: 'GET', url: `/api/v1/federated-catalog?${q}`, headers: OP })).json();

  it('crawls every page of each participant, records a failing one, and searches in French', async () => {
    const res = await consumer.inject({ method: 'POST', url: '/api/v1/federated-catalog/crawl', headers: OP });
    assert.equal(res.statusCode, 200);
    const [ok, failed, ...rest] = res.json().participants;
    assert.equal(rest.length, 0, 'participants without a DSP endpoint are skipped');
    assert.deepEqual([ok.status, ok.datasetCount, ok.pages], ['ok', 56, 2]);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error, /DS_DSP_REMOTE_UNREACHABLE/);
    assert.ok(tokens.audiences.every((a) => a === PROVIDER || a === DOWN));

    const hits = await search('q=compétence');
    assert.equal(hits.total, 1);
    assert.equal(hits.items[0].title, 'Compétences numériques des enseignants');
    assert.deepEqual(hits.items[0].participant, { did: PROVIDER, name: 'Provider' });
    assert.equal(hits.items[0].datasetId, 'urn:uuid:10000000-0000-4000-8000-000000000064');
    assert.equal(hits.items[0].fetchedAt, '2026-03-01T10:00:00.000Z');
    assert.equal(hits.items[0].dataset['@type'], 'Dataset');
    assert.equal((await search('q=enseignement%20supérieur%20inexistant')).total, 0);
    assert.equal((await search(`participant=${encodeURIComponent(PROVIDER)}&limit=10`)).total, 56);

    const sources = (await consumer.inject({ method: 'GET', url: '/api/v1/federated-catalog/sources', headers: OP })).json().items;
    const byDid = Object.fromEntries(sources.map((s: { participant: { did: string } }) => [s.participant.did, s]));
    assert.equal(byDid[PROVIDER].lastStatus, 'ok');
    assert.equal(byDid[PROVIDER].datasetCount, 56);
    assert.equal(byDid[DOWN].lastStatus, 'failed');
  });

  it('removes datasets the provider no longer offers on the next crawl', async () => {
    catalog.items = catalog.items.filter((o) => !o.dataset.title.fr?.startsWith('Compétences'));
    clock.advance(60_000);
    const [ok] = await federation.crawl();
    assert.equal(ok!.datasetCount, 55);
    assert.equal((await search('q=compétence')).total, 0);
    assert.equal((await search('limit=1')).total, 55);
  });

  it('hides datasets of participants that are no longer active', async () => {
    const saved = directory;
    directory = saved.filter((p) => p.did !== PROVIDER);
    try {
      assert.equal((await search('limit=1')).total, 0);
    } finally {
      directory = saved;
    }
  });

  it('lets the management API browse a counterparty catalog, following pages on request', async () => {
    const body = { counterPartyAddress: directory[0]!.endpoints.dsp, counterPartyId: PROVIDER };
    const first = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/request', headers: OP, payload: body });
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().dataset.length, 50);
    const all = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/request', headers: OP, payload: { ...body, all: true } });
    assert.equal(all.json().dataset.length, 55);
    const one = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/dataset', headers: OP, payload: { ...body, datasetId: 'urn:uuid:10000000-0000-4000-8000-000000000002' } });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json()['@id'], 'urn:uuid:10000000-0000-4000-8000-000000000002');
    const missing = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/dataset', headers: OP, payload: { ...body, datasetId: 'urn:uuid:nope' } });
    assert.equal(missing.statusCode, 502);
    assert.equal(missing.json().code, 'DS_DSP_REMOTE_ERROR');
    assert.ok(missing.json().errors.some((e: { path: string; message: string }) => e.path === '/remote/status' && e.message === '404'));
    assert.ok(missing.json().errors.some((e: { path: string; message: string }) => e.path === '/remote/code' && e.message === 'DS_DSP_NOT_FOUND'));
    const badAddr = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/request', headers: OP, payload: { ...body, counterPartyAddress: 'ftp://x' } });
    assert.equal(badAddr.statusCode, 400);
    assert.equal(badAddr.json().errors[0].path, '/counterPartyAddress');
    const badDid = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/request', headers: OP, payload: { ...body, counterPartyId: 'did:key:z6Mk' } });
    assert.equal(badDid.json().errors[0].path, '/counterPartyId');
    const down = await consumer.inject({ method: 'POST', url: '/api/v1/catalog/request', headers: OP, payload: { counterPartyAddress: directory[1]!.endpoints.dsp, counterPartyId: DOWN } });
    assert.equal(down.json().code, 'DS_DSP_REMOTE_UNREACHABLE');
  });

  it('runs the periodic crawl only in the process holding the lease', async () => {
    const runs: string[] = [];
    const job = (holder: string) => crawlJob({ db: d.db, clock, logger: silentLogger(), holder, intervalSeconds: 3600, crawl: async () => void runs.push(holder) });
    await job('a').tick();
    await job('b').tick();
    await job('a').tick();
    assert.deepEqual(runs, ['a', 'a']);
    clock.advance(3_600_001);
    await job('b').tick();
    assert.deepEqual(runs, ['a', 'a', 'b']);
    const off = job('c');
    off.start(); // interval 3600 s: timers are unref'd, so this test process can still end
    off.stop();
  });
});
