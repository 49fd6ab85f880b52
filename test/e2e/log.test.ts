import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/index.js';
import { runCli, startNodeProcess, type NodeProcess } from '../support/nodes.js';

/**
 * The transparency log as an operator and a counterparty use it: catalog changes land in the log, a receipt
 * verifies offline with `dases log verify-receipt`, and `dases log verify` pinpoints a row altered in storage.
 */
describe('transparency log from the command line', () => {
  let node: NodeProcess;
  before(async () => {
    node = await startNodeProcess('log');
  });
  after(async () => node.stop());

  it('records a published dataset and issues a receipt that verifies offline', async () => {
    const ds = await node.api('POST', '/api/v1/datasets', { title: 'Traces xAPI', description: 'Traces', keywords: [], distributions: [] });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));
    const listed = await node.api('GET', `/api/v1/log/entries?type=dataset.published&subject=${ds.body.id}`);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const entry = listed.body.entries[0];
    assert.equal(entry.actor, node.did);

    const receipt = await node.api('GET', `/api/v1/log/receipts/${entry.index}`);
    assert.equal(receipt.status, 200, JSON.stringify(receipt.body));
    const file = join(node.dataDir, 'receipt.json');
    writeFileSync(file, JSON.stringify(receipt.body));
    const didDoc = join(node.dataDir, 'did.json');
    writeFileSync(didDoc, await (await fetch(`${node.url}/.well-known/did.json`)).text());
    const good = await runCli(['log', 'verify-receipt', file, '--did-document', didDoc]);
    assert.equal(good.code, 0, good.stderr + good.stdout);

    writeFileSync(file, JSON.stringify({ ...receipt.body, entry: { ...receipt.body.entry, subject: 'someone-else' } }));
    const bad = await runCli(['log', 'verify-receipt', file]);
    assert.equal(bad.code, 1);
  });

  it('finds the first altered row with dases log verify', async () => {
    const ok = await runCli(['log', 'verify', '--node', node.url, '--api-key', node.apiKey]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).ok, true);

    await node.stop({ keepData: true });
    const database = await openDatabase({ dataDir: node.dataDir });
    const first = await sql<{ idx: number }>`select min(idx)::int8 as idx from ledger_entries where type = 'dataset.published'`.execute(database.db);
    const idx = first.rows[0]!.idx;
    await sql`update ledger_entries set canonical = replace(canonical, 'Traces xAPI', 'Traces effacées') where idx = ${idx}`.execute(database.db);
    await database.close();

    const tampered = await runCli(["log", "verify", "--data", node.dataDir, "--api-key", node.apiKey]);
    assert.ok(tampered.stdout, tampered.stderr);
    assert.equal(tampered.code, 1, tampered.stderr);
    const report = JSON.parse(tampered.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.firstBadIndex, idx);
  });
});
