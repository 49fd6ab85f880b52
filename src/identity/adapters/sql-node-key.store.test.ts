import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { createSealer } from './master-key.js';
import { ACTIVE_KEY_MAX_AGE_MS, ACTIVE_KEY_STALE_MS, SqlNodeKeyStore } from './sql-node-key.store.js';

forEachEngine('SqlNodeKeyStore: the active key', (engine) => {
  let d: Database;
  const sealer = createSealer(randomBytes(32));
  // Two processes sharing the database, each with its own clock for the key's age.
  let nowA = 0;
  let nowB = 0;
  let nowC = 0;
  let a: SqlNodeKeyStore;
  let b: SqlNodeKeyStore;

  before(async () => {
    d = await openTestDatabase(engine);
    a = new SqlNodeKeyStore(d.db, sealer, { now: () => nowA });
    b = new SqlNodeKeyStore(d.db, sealer, { now: () => nowB });
    await Promise.all([a.ensureActive(new Date()), b.ensureActive(new Date())]);
  });
  after(() => d.close());

  it('is read once and shared by concurrent callers', async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => a.active()));
    assert.equal(new Set(keys.map((k) => k.kid)).size, 1);
    assert.equal(new Set(keys.map((k) => k.privateKey)).size, 1);
    assert.equal((await b.active()).kid, keys[0]!.kid);
  });

  it('changes at once in the process that rotates, and within the maximum age in the others', async () => {
    const before = (await a.active()).kid;
    assert.equal((await b.active()).kid, before);
    const rotated = await a.rotate(new Date());
    assert.notEqual(rotated, before);
    assert.equal((await a.active()).kid, rotated, 'the rotating process signs with the new key at once');
    nowB += ACTIVE_KEY_MAX_AGE_MS - 1;
    assert.equal((await b.active()).kid, before, 'another process may still use the retired (still published) key a moment');
    nowB += 1;
    assert.equal((await b.active()).kid, before, 'the first use once its copy is that old still signs with the copy, and reads the key again');
    let kid = before;
    for (let i = 0; i < 100 && kid === before; i++) {
      await new Promise((r) => setTimeout(r, 10));
      kid = (await b.active()).kid;
    }
    assert.equal(kid, rotated, 'the uses after that read sign with the new key');
    const listed = await b.list();
    assert.deepEqual(listed.map((k) => [k.kid, k.retired]).sort(), [[before, true], [rotated, false]].sort());
  });

  it('waits for the read when its copy is too old to use meanwhile', async () => {
    const before = (await b.active()).kid;
    const rotated = await a.rotate(new Date());
    nowB += ACTIVE_KEY_STALE_MS;
    assert.equal((await b.active()).kid, rotated);
    assert.notEqual(rotated, before);
  });

  it('signs with its copy while reading the key again fails, and reports the failure once the copy is too old', async () => {
    const other = await openTestDatabase(engine);
    const c = new SqlNodeKeyStore(other.db, sealer, { now: () => nowC });
    await c.ensureActive(new Date());
    const kid = (await c.active()).kid;
    await other.close();
    nowC += ACTIVE_KEY_MAX_AGE_MS;
    assert.equal((await c.active()).kid, kid, 'the read fails in the background; the copy signs');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await c.active()).kid, kid, 'and again, while it is not too old');
    nowC += ACTIVE_KEY_STALE_MS;
    await assert.rejects(c.active(), 'too old: the caller waits for the read, and sees it fail');
  });
});
