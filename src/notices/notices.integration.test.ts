import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine, openTestDatabase, type Engine } from '../../test/support/databases.js';
import { createCatalog, type CatalogReader } from '../catalog/index.js';
import type { Database } from '../db/index.js';
import { AppError, ManualClock, SequentialIds, silentLogger, type Authenticator } from '../kernel/index.js';
import { createHttpApp, type App } from '../node/http-app.js';
import type { ParticipantDirectory } from '../participants/index.js';
import { createNotices, noticeHash, type NoticesCatalog, type NoticesParticipants, type PrivacyNotice } from './index.js';

// The real catalog reader and participant directory fit the ports (checked by the compiler).
export const fitsPorts = (c: CatalogReader, p: ParticipantDirectory): [NoticesCatalog, NoticesParticipants] => [c, p];

const I = 'did:web:i.example';
const AG = 'did:web:ag.example';
const OTHER = 'did:web:other.example';
/** Operator keys and node tokens: a double of identity's authenticator (token -> DID). */
const auth: Authenticator = {
  async operator(key) {
    if (key === 'admin') return { kind: 'operator', keyId: 'a', name: 'admin', scopes: ['admin'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant(token) {
    const did = { 'token-i': I, 'token-other': OTHER, 'token-ag': AG }[token];
    if (!did) throw new AppError('DS_AUTH_INVALID_TOKEN');
    return { kind: 'participant', did, jti: token };
  },
};
/** Participants as src/participants stores them: the verified self-description (gx:LegalPerson subject). */
const subject = (legalName: string, hq: string, roles: string[]) => ({ 'gx:legalName': legalName, 'gx:headquartersAddress': { type: 'gx:Address', 'gx:countryCode': hq.slice(0, 2), 'gx:countrySubdivisionCode': hq }, 'dases:roles': roles });
const directory = new Map<string, Awaited<ReturnType<NoticesParticipants['get']>>>([
  [I, { did: I, name: 'Intermediary', roles: ['personal-data-intermediary'], endpoints: { dsp: 'http://127.0.0.1:4003/dsp' }, selfDescription: subject('Intermédiaire I', 'FR-IDF', ['personal-data-intermediary']) }],
  [AG, { did: AG, name: 'AG', roles: ['data-consumer'], endpoints: { dsp: 'http://127.0.0.1:4002/dsp' }, selfDescription: subject('Mission locale AG', 'FR-HDF', ['data-consumer']) }],
  [OTHER, { did: OTHER, name: 'Other', roles: ['data-consumer'], endpoints: {}, selfDescription: subject('Other', 'FR-IDF', ['data-consumer']) }],
]);
const participants: NoticesParticipants = { get: async (did) => directory.get(did) };
const admin = { 'x-api-key': 'admin' };
const personalData = { categories: ['identification', 'training results'], retentionDays: 365, automatedDecisions: 'none', specialCategories: false };
const useFor = (purposes: string[], duty?: unknown) => ({ '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: purposes }], ...(duty ? { duty: [duty] } : {}) }] });
const deleteAfter = (d: string) => ({ action: 'delete', constraint: [{ leftOperand: 'elapsedTime', operator: 'gteq', rightOperand: { '@value': d, '@type': 'http://www.w3.org/2001/XMLSchema#duration' } }] });

forEachEngine('notices (catalog, versions, routes)', (engine: Engine) => {
  let d: Database;
  let app: App;
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let dataset: string;
  let offering: string;
  let plain: string;
  const call = (method: string, url: string, payload?: unknown, headers: Record<string, string> = admin) =>
    app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const resolve = (body: Record<string, unknown>, token = 'token-i') => call('POST', '/dsp/notices/resolve', body, { authorization: `Bearer ${token}` });
  const problem = (res: { statusCode: number; body: string; json(): { code: string; errors?: Array<{ path: string }> } }, status: number, code: string, path?: string) => {
    assert.equal(res.statusCode, status, res.body);
    assert.equal(res.json().code, code);
    if (path) assert.ok(res.json().errors?.some((e) => e.path === path), JSON.stringify(res.json().errors));
  };
  const request = () => ({ datasetId: dataset, consumerDid: AG, purpose: 'guidance' });

  before(async () => {
    d = await openTestDatabase(engine);
    const ids = new SequentialIds();
    const catalog = createCatalog({ db: d.db, clock, ids, logger: silentLogger(), node: { did: 'did:web:tb.example', name: 'TB', publicUrl: 'https://tb.example' } });
    const notices = createNotices({
      db: d.db, clock, ids, logger: silentLogger(), node: { did: 'did:web:tb.example', publicUrl: 'https://tb.example' },
      profile: async () => ({ legalName: 'Organisme TB', headquarters: 'FR-IDF', legalAddress: 'FR-IDF', contact: 'contact@tb.example' }),
      dpoContact: 'dpo@tb.example', catalog: catalog.reader, participants,
    });
    ({ app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth }));
    await app.register(catalog.routes);
    await app.register(notices.routes);
    await app.ready();
    dataset = (await call('POST', '/api/v1/datasets', { title: { fr: 'Parcours de formation', en: 'Training records' }, containsPersonalData: true, personalData })).json().id;
    offering = (await call('POST', '/api/v1/offerings', { datasets: [dataset], policy: useFor(['guidance']) })).json().id;
    plain = (await call('POST', '/api/v1/datasets', { title: 'Open skills list' })).json().id;
    await call('POST', '/api/v1/offerings', { datasets: [plain], policy: useFor(['guidance']) });
  });
  after(async () => {
    await app?.close();
    await d?.close();
  });

  let first: PrivacyNotice;
  it('resolves a notice from the catalog for an intermediary, its hash covering the content as sent', async () => {
    const res = await resolve(request());
    assert.equal(res.statusCode, 200, res.body);
    first = res.json();
    assert.equal(first.version, 1);
    assert.equal(noticeHash(first.content), first.hash);
    assert.match(first.hash, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(first.content.processing, { datasetId: dataset, offerId: `urn:uuid:${offering}`, consumerDid: AG, purpose: 'guidance' });
    assert.deepEqual(first.content.recipients.parties, [{ did: AG, legalName: 'Mission locale AG', country: 'FR' }]);
    assert.deepEqual(first.content.retention, { duration: 'P365D', days: 365, source: 'dataset' });
    assert.deepEqual(first.content.withdrawal, { intermediaryDid: I, url: 'http://127.0.0.1:4003/me/' });
    assert.equal(first.content.complaint.source, 'headquarters');
    assert.deepEqual(first.missing, []);
  });

  it('keeps the version while the content is the same, and writes a new one when the policy changes', async () => {
    clock.advance(60_000);
    const again = (await resolve({ ...request(), offerId: `urn:uuid:${offering}`, intermediary: { did: I, withdrawUrl: 'http://127.0.0.1:4003/me/' } })).json();
    assert.deepEqual([again.id, again.version, again.hash, again.createdAt], [first.id, 1, first.hash, first.createdAt]);
    // A change the notice does not show (keywords) keeps the version.
    await call('PATCH', `/api/v1/datasets/${dataset}`, { keywords: ['formation'] });
    assert.equal((await resolve(request())).json().version, 1);
    await call('PATCH', `/api/v1/offerings/${offering}`, { policy: useFor(['guidance'], deleteAfter('P90D')) });
    const second = (await resolve(request())).json();
    assert.deepEqual([second.id, second.version], [first.id, 2]);
    assert.notEqual(second.hash, first.hash);
    assert.deepEqual(second.content.retention, { duration: 'P90D', days: 90, source: 'policy' });
    const current = (await call('GET', `/api/v1/notices/${first.id}`)).json();
    assert.deepEqual([current.version, current.currentVersion, current.hash], [2, 2, second.hash]);
    const old = (await call('GET', `/api/v1/notices/${first.id}?version=1`)).json();
    assert.deepEqual([old.version, old.hash, old.content.retention.source, noticeHash(old.content)], [1, first.hash, 'dataset', first.hash]);
  });

  it('keeps versions immutable in the database', async () => {
    await assert.rejects(sql`update privacy_notice_versions set hash = 'x' where notice_id = ${first.id}`.execute(d.db), /immutable/);
    await assert.rejects(sql`delete from privacy_notice_versions where notice_id = ${first.id}`.execute(d.db), /immutable/);
  });

  it('writes one version when the same new content is resolved twice at once', async () => {
    await call('PATCH', `/api/v1/offerings/${offering}`, { policy: useFor(['guidance'], deleteAfter('P30D')) });
    const [a, b] = await Promise.all([resolve(request()), resolve(request())]);
    assert.deepEqual([a.json().version, b.json().version], [3, 3]);
    const rows = await sql<{ n: number }>`select count(*)::int as n from privacy_notice_versions where notice_id = ${first.id}`.execute(d.db);
    assert.equal(rows.rows[0]?.n, 3);
  });

  it('lists current versions with what is missing, and renders them for people', async () => {
    const other = (await resolve({ ...request(), consumerDid: 'did:web:unknown.example' })).json();
    assert.deepEqual(other.missing.map((m: { field: string }) => m.field).sort(), ['/internationalTransfers/outsideEea', '/recipients/parties/0/legalName']);
    const all = (await call('GET', '/api/v1/notices')).json();
    assert.deepEqual([all.total, all.items.map((n: PrivacyNotice) => n.id)], [2, [other.id, first.id]]);
    const todo = (await call('GET', '/api/v1/notices?incomplete=true')).json();
    assert.deepEqual(todo.items.map((n: PrivacyNotice) => n.id), [other.id]);
    assert.equal((await call('GET', `/api/v1/notices?consumerDid=${encodeURIComponent(AG)}&datasetId=${dataset}`)).json().total, 1);
    const fr = (await call('GET', `/api/v1/notices/${first.id}/text?lang=fr`)).json();
    assert.equal(fr.title, 'Information sur vos données : Parcours de formation');
    assert.match(fr.sections.find((s: { id: string }) => s.id === 'retention').sentences[0], /30 jours/);
  });

  it('refuses what it cannot answer, naming the field', async () => {
    problem(await resolve({ ...request(), datasetId: '00000000-0000-4000-8000-0000000000ff' }), 404, 'DS_NOTICE_DATASET_NOT_FOUND', '/body/datasetId');
    problem(await resolve({ ...request(), datasetId: plain }), 422, 'DS_NOTICE_NOT_PERSONAL_DATA', '/body/datasetId');
    problem(await resolve({ ...request(), offerId: 'urn:uuid:00000000-0000-4000-8000-0000000000ff' }), 404, 'DS_NOTICE_OFFER_NOT_FOUND', '/body/offerId');
    problem(await resolve({ ...request(), purpose: 'marketing' }), 422, 'DS_NOTICE_PURPOSE_NOT_PERMITTED', '/body/purpose');
    problem(await resolve({ ...request(), consumerDid: 'not a did' }), 400, 'DS_HTTP_VALIDATION', '/body/consumerDid');
    problem(await resolve({ ...request(), colour: 'red' }), 400, 'DS_HTTP_VALIDATION');
    problem(await resolve({ ...request(), intermediary: { did: OTHER } }), 403, 'DS_NOTICE_WRONG_INTERMEDIARY', '/body/intermediary/did');
    problem(await resolve({ ...request(), intermediary: { did: I, withdrawUrl: 'javascript:alert(1)' } }), 400, 'DS_HTTP_VALIDATION', '/body/intermediary/withdrawUrl');
    problem(await resolve(request(), 'token-ag'), 403, 'DS_NOTICE_NOT_INTERMEDIARY');
    problem(await resolve(request(), 'nope'), 401, 'DS_AUTH_INVALID_TOKEN');
    problem(await call('POST', '/dsp/notices/resolve', request(), {}), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call('GET', '/api/v1/notices', undefined, {}), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call('GET', '/api/v1/notices', undefined, { authorization: 'Bearer token-i' }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    problem(await call('GET', '/api/v1/notices/00000000-0000-4000-8000-0000000000ff'), 404, 'DS_NOTICE_NOT_FOUND', '/params/id');
    problem(await call('GET', `/api/v1/notices/${first.id}?version=9`), 404, 'DS_NOTICE_NOT_FOUND', '/querystring/version');
    problem(await call('GET', '/api/v1/notices/nope'), 400, 'DS_HTTP_VALIDATION', '/params/id');
    // A second offer makes the choice of offer explicit.
    await call('POST', '/api/v1/offerings', { datasets: [dataset], policy: useFor(['research']) });
    problem(await resolve(request()), 422, 'DS_NOTICE_OFFER_AMBIGUOUS', '/body/offerId');
    assert.equal((await resolve({ ...request(), offerId: offering })).json().id, first.id, 'a bare UUID names the offer too');
  });
});
