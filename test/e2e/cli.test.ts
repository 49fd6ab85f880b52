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

  it('reports a refused command on stderr with a non-zero exit', async () => {
    const r = await runCli(['participants', 'add', 'did:web:', '--data', dataDir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /DS_IDENTITY_INVALID_DID|DS_HTTP_VALIDATION/);
  });
});
