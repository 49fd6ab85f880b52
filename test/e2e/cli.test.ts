import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startNodeProcess, type NodeProcess } from '../support/nodes.js';

/**
 * The `dases` command on a data directory: offline (it opens the directory itself), then while a node runs on it
 * (it must go through the node's HTTP API, PGlite allowing one process per directory), then offline again.
 */
describe('dases command', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dases-cli-'));
  let node: NodeProcess | undefined;
  after(async () => {
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an operator key offline, with the generated admin key file kept private', async () => {
    const r = await runCli(['keys', 'create', '--name', 'reporting', '--scopes', 'read', '--data', dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout) as { key: string; scopes: string[] };
    assert.match(created.key, /^dases_/);
    assert.deepEqual(created.scopes, ['read']);
    assert.equal(statSync(join(dataDir, 'admin-api-key')).mode & 0o777, 0o600);
  });

  it('talks to the running node over HTTP and keeps the identity it runs with', async () => {
    node = await startNodeProcess('cli', { DASES_DATA: dataDir }, { dataDir, keepAdminKeyFile: true });
    const listed = await runCli(['keys', 'list', '--data', dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok((JSON.parse(listed.stdout) as { items: Array<{ name: string }> }).items.some((k) => k.name === 'reporting'));
    const second = await runCli(['start', '--data', dataDir, '--port', '0']);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /already uses/);
    await node.stop({ keepData: true });
    const offline = await runCli(['identity', '--data', dataDir]);
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal((JSON.parse(offline.stdout) as { did: string }).did, node.did);
  });

  it('manages data-plane connections without ever printing a secret, and lists transfers', async () => {
    const add = await runCli(['connections', 'add', 'lms', '--kind', 'http', '--url', 'https://lms.example.org/api', '--header', 'Authorization: Bearer s3cret-token', '--data', dataDir]);
    assert.equal(add.code, 0, add.stderr);
    const shown = await runCli(['connections', 'show', 'lms', '--data', dataDir]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(!`${add.stdout}${shown.stdout}`.includes('s3cret-token'), 'the secret is never printed');
    assert.match(shown.stdout, /authorization/i);
    const transfers = await runCli(['transfers', 'list', '--data', dataDir]);
    assert.equal(transfers.code, 0, transfers.stderr);
    assert.deepEqual((JSON.parse(transfers.stdout) as { items: unknown[] }).items, []);
    const bad = await runCli(['transfers', 'start', 'urn:uuid:0', 'http://127.0.0.1:1/dsp', 'did:web:127.0.0.1%3A1', '--to', 'ftp://nowhere', '--data', dataDir]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--to must be/);
    assert.equal((await runCli(['connections', 'remove', 'lms', '--data', dataDir])).code, 0);
  });

  it('reports a refused command on stderr with a non-zero exit', async () => {
    const r = await runCli(['participants', 'add', 'did:web:', '--data', dataDir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /DS_IDENTITY_INVALID_DID|DS_HTTP_VALIDATION/);
  });
});
