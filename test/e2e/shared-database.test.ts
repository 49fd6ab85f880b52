import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, silentLogger } from '../../src/kernel/index.js';
import { buildNode, type DasesNode } from '../../src/node/node.js';
import { createServerDatabase } from '../support/databases.js';
import { freePort } from '../support/nodes.js';
import { startAll } from '../support/start-all.js';

const skip = process.env.DASES_TEST_DATABASE_URL ? false : 'needs PostgreSQL (DASES_TEST_DATABASE_URL; npm test starts one when installed)';

/**
 * Two processes of one node (same public URL, same master key) on one PostgreSQL database, as behind a load
 * balancer: they start together without applying migrations twice or minting two keys, and a token spent on one
 * is refused by the other.
 */
describe('several node processes sharing one PostgreSQL database', { skip }, () => {
  let one: DasesNode;
  let two: DasesNode;
  let peer: DasesNode;
  const dirs: string[] = [];

  const start = async (name: string, env: Record<string, string>, port: number) => {
    const dataDir = mkdtempSync(join(tmpdir(), `dases-${name}-`));
    dirs.push(dataDir);
    const config = loadConfig({ DASES_CRAWL_INTERVAL: '0', DASES_ADMIN_API_KEY: 'shared-admin', ...env }, { port: String(port), dataDir, name });
    return buildNode({ config, logger: silentLogger() });
  };

  before(async () => {
    const databaseUrl = await createServerDatabase();
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const [p1, p2, p3] = await Promise.all([freePort(), freePort(), freePort()]);
    const shared = { DATABASE_URL: databaseUrl, DASES_MASTER_KEY: masterKey, DASES_URL: `http://127.0.0.1:${p1}` };
    [one, two] = await startAll([start('one', shared, p1), start('two', shared, p2)]);
    peer = await start('peer', {}, p3);
    await Promise.all([one.listen(), two.listen(), peer.listen()]);
  });
  after(async () => {
    await Promise.all([one?.close(), two?.close(), peer?.close()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('share one identity', async () => {
    assert.equal(one.did, two.did);
    const keys = await one.database.db.selectFrom('node_keys').select('kid').execute();
    assert.equal(keys.length, 1);
  });

  it('refuse on one process a token already spent on the other', async () => {
    const added = await one.app.inject({ method: 'POST', url: '/api/v1/participants', headers: { 'x-api-key': 'shared-admin' }, payload: { did: peer.did } });
    assert.equal(added.statusCode, 201, added.body);
    const token = await peer.identity.tokens.sign(one.did);
    const request = (node: DasesNode) =>
      node.app.inject({
        method: 'POST',
        url: '/dsp/catalog/request',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: { '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'], '@type': 'CatalogRequestMessage', filter: [] },
      });
    assert.equal((await request(one)).statusCode, 200);
    const replay = await request(two);
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().code, 'DS_AUTH_TOKEN_REPLAYED');
  });
});
