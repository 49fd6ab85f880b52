// Issue 7 end to end, the insertion scenario: three node processes (an intermediary, a training body, an agency
// (mission locale)) and a person in a real browser. Léa signs up at the intermediary, links her ids at the training
// body and at the agency (each confirms), consents on the dashboard after reading the notice, and the agency receives
// her training record. She withdraws: the running transfer stops within a second and the next one is refused. Her
// export lists both transfers; she asks for erasure and each organisation confirms.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkip, launchBrowser } from '../support/browser.js';
import { startNodeProcess, type NodeProcess } from '../support/nodes.js';
import { pollUntil } from '../support/poll.js';

const skip = browserSkip();
const e = encodeURIComponent;

describe('the insertion scenario: consent in the browser, transfers under it, withdrawal, export', { timeout: 300_000, skip }, () => {
  let intermediary: NodeProcess;
  let training: NodeProcess;
  let agency: NodeProcess;
  let records: Server;
  let recordsUrl = '';
  const served: string[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let datasetId = '';
  let agreementId = '';
  let consentId = '';
  const transfers: string[] = [];

  const transfer = (n: NodeProcess, id: string) => n.api('GET', `/api/v1/transfers/${e(id)}`).then((r) => r.body);
  const untilState = (n: NodeProcess, id: string, state: string, timeoutMs = 30_000, intervalMs = 20) =>
    pollUntil(async () => {
      const t = await transfer(n, id);
      return t?.state === state ? t : undefined;
    }, { what: `${id} ${state}`, timeoutMs, intervalMs });
  const startTransfer = () =>
    agency.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${training.url}/dsp`, counterPartyId: training.did, format: 'HttpData-PULL', consent: { intermediary: intermediary.did, id: consentId } });
  const read = async (address: { endpoint: string; endpointProperties: Array<{ name: string; value: string }> }) =>
    fetch(address.endpoint, { headers: { authorization: `Bearer ${address.endpointProperties.find((p) => p.name === 'authorization')!.value}` }, signal: AbortSignal.timeout(10_000) });

  before(async () => {
    // The training body's own system: one record per learner, by its own id.
    records = createServer((req, res) => {
      served.push(req.url ?? '');
      const m = /^\/learners\/([^/]+)\/record$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ learner: decodeURIComponent(m[1]!), course: 'CAP Cuisine', completed: '2026-06-30', skills: ['http://data.europa.eu/esco/skill/0a2c6d4e'] }));
    });
    await new Promise<void>((r) => records.listen(0, '127.0.0.1', r));
    recordsUrl = `http://127.0.0.1:${(records.address() as { port: number }).port}`;
    const fast = { DASES_SCRYPT_COST: '16384' };
    [intermediary, training, agency] = await Promise.all([
      startNodeProcess('intermediary', { ...fast, DASES_ROLES: 'personal-data-intermediary', DASES_LEGAL_NAME: 'Mes Données Formation SCIC' }),
      startNodeProcess('training', { ...fast, DASES_ROLES: 'data-provider', DASES_LEGAL_NAME: 'Centre de Formation Rive Gauche', DASES_HEADQUARTERS: 'FR-IDF', DASES_CONTACT: 'dpo@cfrg.example', DASES_DPO_CONTACT: 'dpo@cfrg.example' }),
      startNodeProcess('agency', { ...fast, DASES_ROLES: 'data-consumer', DASES_LEGAL_NAME: 'Mission Locale de Paris', DASES_HEADQUARTERS: 'FR-IDF' }),
    ]);
    for (const a of [intermediary, training, agency]) {
      for (const b of [intermediary, training, agency]) {
        if (a === b) continue;
        const r = await a.api('POST', '/api/v1/participants', { did: b.did });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
    }
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([intermediary, training, agency].map((n) => n?.stop()));
    await new Promise((r) => records?.close(r));
  });

  it('the training body offers its training records, personal data, for guidance; the agency agrees to the terms', async () => {
    const ds = await training.api('POST', '/api/v1/datasets', {
      title: { en: 'Training records', fr: 'Parcours de formation' },
      containsPersonalData: true,
      personalData: { categories: ['training history', 'qualifications'], retentionDays: 365, automatedDecisions: 'none' },
      distributions: [{ format: 'HttpData-PULL', mediaType: 'application/json', source: { type: 'rest', url: `${recordsUrl}/learners/{subject}/record`, api: true } }],
    });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));
    datasetId = `urn:uuid:${ds.body.id}`;
    const policy = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'guidance' }] }] };
    const off = await training.api('POST', '/api/v1/offerings', { title: 'Records for guidance', datasets: [ds.body.id], policy });
    assert.equal(off.status, 201, JSON.stringify(off.body));
    const n = await agency.api('POST', '/api/v1/negotiations?wait=true&timeout=30', { counterPartyAddress: `${training.url}/dsp`, counterPartyId: training.did, offerId: `urn:uuid:${off.body.id}`, purpose: 'guidance' });
    assert.equal(n.body?.state, 'FINALIZED', JSON.stringify(n.body));
    agreementId = n.body.agreementId;
    // Without the person's consent, the agency gets nothing.
    const without = await agency.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${training.url}/dsp`, counterPartyId: training.did, format: 'HttpData-PULL' });
    assert.equal(without.status, 201);
    const refused = await untilState(agency, without.body.id, 'TERMINATED');
    assert.match(refused.reason ?? '', /personal data/);
  });

  it('Léa signs up on her phone, in English from her browser, and links her ids: each organisation confirms', async () => {
    await page.goto(`${intermediary.url}/me/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('button', { name: /create one/i }).click();
    await page.getByLabel('Login').fill('lea.martin');
    await page.getByLabel(/first name/i).fill('Léa');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByText('Hello Léa.').waitFor();
    for (const [org, subjectId] of [[training, 'tb-123'], [agency, 'ag-9']] as const) {
      await page.getByRole('link', { name: 'My organisations' }).click();
      await page.getByLabel(/identifier \(did:web/i).fill(org.did);
      const opened = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/links') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Get a code' }).click();
      const code = ((await (await opened).json()) as { code: string }).code;
      await page.getByText(code).waitFor();
      assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      // She gives the code to the organisation through its own systems; they know her as `subjectId`.
      const confirmed = await org.api('POST', '/api/v1/person-links', { intermediary: intermediary.did, code, subjectId });
      assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));
    }
    await page.getByRole('link', { name: 'My organisations' }).click();
    await page.reload();
    await page.getByRole('link', { name: 'My organisations' }).click();
    await page.getByText('tb-123').waitFor();
    await page.getByText('ag-9').waitFor();
  });

  it('the agency asks for her consent; she reads the notice on the dashboard and agrees', async () => {
    const asked = await agency.api('POST', '/api/v1/consent-requests', { intermediary: intermediary.did, provider: training.did, datasetId, purpose: 'guidance', subjectId: 'ag-9' });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    consentId = asked.body.id;
    await page.getByRole('link', { name: 'My consents' }).click();
    const card = page.locator(`[data-consent="${consentId}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Mission Locale de Paris asks for data held by Centre de Formation Rive Gauche/);
    await card.getByText(/Read the full information/).click();
    await card.locator('.notice-body section').first().waitFor();
    const notice = (await card.locator('.notice-body').textContent()) ?? '';
    assert.match(notice, /Centre de Formation Rive Gauche/);
    assert.match(notice, /guidance/);
    assert.match(notice, /withdraw/i);
    await card.getByRole('button', { name: 'I agree' }).click();
    await page.getByText('Your consent is recorded.').waitFor();
    await card.getByRole('button', { name: 'I withdraw my consent' }).waitFor();
    // The training body learns of it from the intermediary's signed notice.
    await pollUntil(async () => {
      const r = await training.api('GET', '/api/v1/consents');
      return r.body?.items?.some((c: { id: string; status: string }) => c.id === consentId && c.status === 'granted');
    }, { what: 'the training body to hold the granted consent', timeoutMs: 15_000 });
  });

  it("the agency receives Léa's training record, and only hers, under her consent", async () => {
    for (let i = 0; i < 2; i++) {
      const started = await startTransfer();
      assert.equal(started.status, 201, JSON.stringify(started.body));
      transfers.push(started.body.id);
      await untilState(agency, started.body.id, 'STARTED');
      const address = (await agency.api('GET', `/api/v1/transfers/${e(started.body.id)}/data-address`)).body;
      const res = await read(address);
      assert.equal(res.status, 200);
      assert.deepEqual((await res.json()).learner, 'tb-123');
    }
    assert.deepEqual([...new Set(served)], ['/learners/tb-123/record']);
    // The first one is done; the second stays open (an API, until terminated).
    assert.equal((await agency.api('POST', `/api/v1/transfers/${e(transfers[0]!)}/terminate`, {})).status, 200);
    await untilState(agency, transfers[0]!, 'TERMINATED');
  });

  it('she withdraws: the running transfer stops within a second and the next one is refused', async () => {
    const running = await transfer(agency, transfers[1]!);
    assert.equal(running.state, 'STARTED');
    const address = (await agency.api('GET', `/api/v1/transfers/${e(transfers[1]!)}/data-address`)).body;
    page.once('dialog', (d) => void d.accept());
    const card = page.locator(`[data-consent="${consentId}"]`);
    const withdrawn = page.waitForResponse((r) => r.url().endsWith('/withdraw') && r.request().method() === 'POST');
    await card.getByRole('button', { name: 'I withdraw my consent' }).click();
    assert.equal((await withdrawn).status(), 200);
    const at = Date.now();
    const providerSide = await pollUntil(async () => {
      const list = await training.api('GET', `/api/v1/transfers?agreementId=${e(agreementId)}&state=TERMINATED`);
      return list.body?.items?.find((t: { consumerPid?: string }) => t.consumerPid === transfers[1]);
    }, { what: 'the running transfer to be terminated by the training body', timeoutMs: 5_000, intervalMs: 10 });
    const took = Date.now() - at;
    assert.ok(took < 1000, `terminated ${took} ms after the withdrawal`);
    assert.equal(providerSide.code, 'dases:consent-stopped');
    assert.ok([403, 410].includes((await read(address)).status), 'the data plane refuses the stopped transfer');
    await untilState(agency, transfers[1]!, 'TERMINATED');
    // The next transfer: the intermediary issues no token for a withdrawn consent.
    const next = await startTransfer();
    assert.ok(next.status >= 400 && next.status < 500, JSON.stringify(next.body));
    assert.match(next.body.code, /^DS_CONSENT_/);
    await page.getByText('Your consent is withdrawn.', { exact: false }).waitFor();
  });

  it('her history and her export list both transfers', async () => {
    await page.getByRole('link', { name: 'Who received my data' }).click();
    await page.locator('tbody tr').nth(1).waitFor();
    assert.ok((await page.locator('tbody tr').count()) >= 2);
    const cookies = await context.cookies(intermediary.url);
    const session = cookies.find((c) => c.name === 'dases_session');
    assert.ok(session, 'signed in with a session cookie');
    const res = await fetch(`${intermediary.url}/api/v1/me/export`, { headers: { cookie: `dases_session=${session.value}` } });
    assert.equal(res.status, 200);
    const exported = (await res.json()) as { consents: Array<{ id: string; receipts?: unknown[] }>; exchanges: Array<{ transferId: string }> };
    assert.ok(exported.consents.some((c) => c.id === consentId));
    const exchanged = new Set(exported.exchanges.map((x) => x.transferId));
    assert.equal(exchanged.size, 2, JSON.stringify(exported.exchanges));
    // The training body logged every report it sent, in its own transparency log.
    const logged = await training.api('GET', '/api/v1/log/entries?type=exchange.reported&limit=100');
    assert.equal(logged.status, 200, JSON.stringify(logged.body));
    const entries = logged.body.entries as Array<{ payload: { consentId: string; state: string } }>;
    assert.ok(entries.length >= 4 && entries.every((x) => x.payload.consentId === consentId), JSON.stringify(entries));
  });

  it('she asks for erasure on the dashboard; each organisation receives the signed request and confirms', async () => {
    await page.getByRole('link', { name: 'My rights' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Ask for erasure' }).click();
    await page.getByText('Your request is sent.').waitFor();
    for (const [org, subjectId] of [[training, 'tb-123'], [agency, 'ag-9']] as const) {
      const received = await pollUntil(async () => (await org.api('GET', '/api/v1/erasure-requests')).body?.items?.[0], { what: `${subjectId}: the erasure request`, timeoutMs: 15_000 });
      assert.deepEqual([received.subjectId, received.intermediary, received.status], [subjectId, intermediary.did, 'received']);
      // The organisation erases in its own systems, then confirms: a signed answer goes back.
      const done = await org.api('POST', `/api/v1/erasure-requests/${e(received.id)}/confirm`, { outcome: 'erased' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
    }
    await pollUntil(async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'My rights' }).waitFor();
      const text = (await page.locator('ul.requests li').first().textContent()) ?? '';
      return /closed/.test(text) && (text.match(/confirmed/g) ?? []).length === 2;
    }, { what: 'both confirmations on the dashboard', timeoutMs: 15_000, intervalMs: 200 });
  });
});
