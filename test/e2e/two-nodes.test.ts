import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { ManualClock, loadConfig, silentLogger } from '../../src/kernel/index.js';
import { buildNode, type DasesNode } from '../../src/node/node.js';
import { createServerDatabase, forEachEngine } from '../support/databases.js';
import { freePort, runCli, startNodeProcess, type NodeProcess } from '../support/nodes.js';

/**
 * Done-when of the backbone: two nodes on loopback with separate storage trust each other by DID, B browses and
 * crawls A's catalog over the Dataspace Protocol with signed tokens, and bad tokens are refused with 401.
 * A and B are real `dases start` processes; C and D are in-process nodes whose clock the test controls, used to
 * mint tokens that are expired, replayed, forged, from a stranger or from a suspended participant.
 */
forEachEngine('two nodes on loopback', (engine) => {
  let a: NodeProcess;
  let b: NodeProcess;
  let c: DasesNode;
  let d: DasesNode;
  const clock = new ManualClock(new Date());
  const dirs: string[] = [];

  const inProcessNode = async (name: string): Promise<DasesNode> => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), `dases-${name}-`));
    dirs.push(dataDir);
    const config = loadConfig({ DASES_ADMIN_API_KEY: `key-${name}`, DASES_CRAWL_INTERVAL: '0' }, { port: String(port), dataDir, name });
    const node = await buildNode({ config, clock, logger: silentLogger() });
    await node.listen();
    return node;
  };

  before(async () => {
    const envA: Record<string, string> = engine === 'postgres' ? { DATABASE_URL: await createServerDatabase() } : {};
    const envB: Record<string, string> = engine === 'postgres' ? { DATABASE_URL: await createServerDatabase() } : {};
    [a, b, c, d] = await Promise.all([
      startNodeProcess('training-body', { ...envA, DASES_LEGAL_NAME: 'Organisme de formation', DASES_HEADQUARTERS: 'FR-IDF' }),
      startNodeProcess('employment-agency', { ...envB, DASES_LEGAL_NAME: 'Mission locale', DASES_HEADQUARTERS: 'FR-ARA' }),
      inProcessNode('c'),
      inProcessNode('d'),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.close(), d?.close()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('derives each node identity from its URL and serves a verifiable DID document', async () => {
    assert.equal(a.did, `did:web:127.0.0.1%3A${new URL(a.url).port}`);
    const doc = (await (await fetch(`${a.url}/.well-known/did.json`)).json()) as { id: string; verificationMethod: unknown[] };
    assert.equal(doc.id, a.did);
    assert.ok(doc.verificationMethod.length >= 1);
  });

  it('lets each node add the other by DID (B through the CLI)', async () => {
    const added = await a.api('POST', '/api/v1/participants', { did: b.did });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const cli = await runCli(['participants', 'add', a.did, '--node', b.url, '--api-key', b.apiKey]);
    assert.equal(cli.code, 0, cli.stderr);
    const listed = await b.api('GET', '/api/v1/participants');
    const items = (listed.body.items ?? listed.body) as Array<{ did: string; name: string; status: string }>;
    const entry = items.find((p) => p.did === a.did);
    assert.equal(entry?.status, 'active');
    assert.equal(entry?.name, 'Organisme de formation');
  });

  it("lets B browse A's catalog over DSP and find it in its federated catalog", async () => {
    const ds = await a.api('POST', '/api/v1/datasets', {
      title: { fr: 'Compétences numériques des stagiaires', en: 'Digital skills of trainees' },
      description: { fr: 'Résultats des évaluations PIX', en: 'PIX assessment results' },
      keywords: ['compétences', 'numérique'],
      distributions: [{ format: 'application/json', source: { type: 'file', path: '/srv/exports/pix.json' } }],
    });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));
    const offering = await a.api('POST', '/api/v1/offerings', {
      datasets: [ds.body.id],
      policy: { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }] },
    });
    assert.equal(offering.status, 201, JSON.stringify(offering.body));

    const cat = await b.api('POST', '/api/v1/catalog/request', { counterPartyAddress: `${a.url}/dsp`, counterPartyId: a.did });
    assert.equal(cat.status, 200, JSON.stringify(cat.body));
    assert.equal(cat.body['@type'], 'Catalog');
    assert.equal(cat.body.participantId, a.did);
    const datasets = cat.body.dataset as Array<{ '@id': string; hasPolicy: Array<{ '@id': string }> }>;
    assert.equal(datasets.length, 1);
    assert.ok(datasets[0]!['@id'].endsWith(ds.body.id));
    assert.ok(datasets[0]!.hasPolicy[0]!['@id'].endsWith(offering.body.id));

    const crawl = await runCli(['catalog', 'crawl', '--node', b.url, '--api-key', b.apiKey]);
    assert.equal(crawl.code, 0, crawl.stderr);
    const found = await b.api('GET', `/api/v1/federated-catalog?q=${encodeURIComponent('compétence')}`);
    assert.equal(found.status, 200);
    assert.equal(found.body.total, 1);
    assert.equal(found.body.items[0].participant.did, a.did);
  });

  it("witnesses each other's transparency logs, whose first entries are the registry changes", async () => {
    const logA = await a.api('GET', '/api/v1/log/entries?type=participant.added');
    assert.ok((logA.body.entries as Array<{ subject: string }>).some((e) => e.subject === b.did), JSON.stringify(logA.body));
    for (const [witness, subject] of [
      [b, a],
      [a, b],
    ] as const) {
      const res = await witness.api('POST', '/api/v1/log/witness', { participant: subject.did });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.delivered, true);
      const head = await subject.api('GET', '/api/v1/log/head');
      assert.ok(res.body.size >= 1 && res.body.size <= head.body.size);
      const cosigned = await subject.api('GET', '/api/v1/log/cosignatures');
      assert.ok((cosigned.body.items as Array<{ witness: string }>).some((c) => c.witness === witness.did));
    }
    // A grows; B's second look checks consistency with the head it already holds.
    await a.api('POST', '/api/v1/datasets', { title: 'Encore', description: 'x', keywords: [], distributions: [] });
    const again = await b.api('POST', '/api/v1/log/witness', { participant: a.did });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const splits = await b.api('GET', '/api/v1/log/split-views');
    assert.equal(splits.body.total, 0);
  });

  const dspCall = (token: string | undefined) =>
    fetch(`${a.url}/dsp/catalog/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'], '@type': 'CatalogRequestMessage', filter: [] }),
    });
  const expect401 = async (res: Response, code: string) => {
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(((await res.json()) as { code: string }).code, code);
  };

  it('refuses missing, forged, expired, replayed and unknown-issuer tokens with 401', async () => {
    assert.equal((await a.api('POST', '/api/v1/participants', { did: c.did })).status, 201);
    await expect401(await dspCall(undefined), 'DS_AUTH_MISSING_CREDENTIALS');

    const good = await c.identity.tokens.sign(a.did);
    assert.equal((await dspCall(good)).status, 200);
    await expect401(await dspCall(good), 'DS_AUTH_TOKEN_REPLAYED');

    const [h, p, s] = (await c.identity.tokens.sign(a.did)).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 100 })).toString('base64url')}.${s}`;
    await expect401(await dspCall(tampered), 'DS_AUTH_INVALID_TOKEN');

    clock.advance(-10 * 60_000);
    const old = await c.identity.tokens.sign(a.did);
    clock.advance(10 * 60_000);
    await expect401(await dspCall(old), 'DS_AUTH_TOKEN_EXPIRED');

    await expect401(await dspCall(await d.identity.tokens.sign(a.did)), 'DS_AUTH_UNKNOWN_PARTICIPANT');
    await expect401(await dspCall(await c.identity.tokens.sign(b.did)), 'DS_AUTH_WRONG_AUDIENCE');
  });

  it('cuts a suspended participant off at once', async () => {
    const res = await a.api('POST', `/api/v1/participants/${encodeURIComponent(c.did)}/suspend`, { reason: 'contract ended' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await expect401(await dspCall(await c.identity.tokens.sign(a.did)), 'DS_AUTH_SUSPENDED_PARTICIPANT');
  });
});
