import assert from 'node:assert/strict';
import { after, beforeEach, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { ManualClock, silentLogger } from '../../kernel/index.js';
import { createLedger, leafHash, nodeHash, type Ledger, type VerifyReport } from '../index.js';
import { SqlLedgerStore } from '../adapters/sql-ledger.store.js';
import { testSigner } from '../testing/ledger-test-kit.js';
import { quickCheck } from './verify-fast.js';

const ACTOR = 'did:web:node.example';
const SIZE = 100;

/** Tampering happens straight in the database, as an intruder or a careless operator would do it. */
forEachEngine('transparency log verification against tampering', (engine) => {
  let d: Database;
  let log: Ledger;

  beforeEach(async () => {
    await d?.close();
    d = await openTestDatabase(engine);
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    log = createLedger({ db: d.db, clock, logger: silentLogger(), did: ACTOR, signer: await testSigner(ACTOR) });
    for (let b = 0; b < SIZE; b += 10) {
      await d.db.transaction().execute((tx) => log.appendMany(tx, Array.from({ length: 10 }, (_, i) => ({ type: 'dataset.published', actor: ACTOR, subject: `urn:uuid:${b + i}`, payload: { n: b + i } }))));
      clock.advance(1000);
      if (b + 10 === 50 || b + 10 === SIZE) await log.latestHead();
    }
  });
  after(async () => d?.close());

  // The quick pass must itself notice every tampering: when it passes, the exact pass does not run.
  const quick = async () => {
    const store = new SqlLedgerStore(d.db);
    const state = await store.state(d.db);
    const [text, database] = await Promise.all(
      (['text', 'database'] as const).map(async (source) => (await quickCheck(store, state.size, await store.heads(), state.root, source)).clean),
    );
    assert.equal(text, database, 'leaves hashed here and by the database agree');
    return text;
  };
  const expectBad = async (r: VerifyReport, index: number, reason: string, quickSeesIt = true) => {
    // Head signatures are checked beside the quick pass, not by it.
    if (quickSeesIt) assert.equal(await quick(), false, 'the quick pass noticed');
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.firstBadIndex, index, JSON.stringify(r.problems));
    assert.equal(r.problems[0]?.reason, reason, JSON.stringify(r.problems));
  };
  const exec = (q: ReturnType<typeof sql>) => q.execute(d.db);

  it('passes an intact log, checking every head', async () => {
    const r = await log.verify();
    assert.deepEqual({ ok: r.ok, size: r.size, heads: r.checkedHeads, problems: r.problems }, { ok: true, size: SIZE, heads: 2, problems: [] });
    assert.equal(await quick(), true);
  });

  it('pinpoints an entry whose hashed payload was altered', async () => {
    await exec(sql`update ledger_entries set canonical = replace(canonical, '"n":37', '"n":370') where idx = 37`);
    await expectBad(await log.verify(), 37, 'altered');
  });

  it('pinpoints an entry whose filter column was altered', async () => {
    await exec(sql`update ledger_entries set subject = 'urn:uuid:x' where idx = 52`);
    const r = await log.verify();
    await expectBad(r, 52, 'altered');
    assert.match(r.problems[0]!.detail, /subject/);
  });

  it('pinpoints a deleted entry, in the middle and at the end', async () => {
    await exec(sql`delete from ledger_entries where idx in (64, 99)`);
    const r = await log.verify();
    await expectBad(r, 64, 'missing');
    assert.ok(r.problems.some((p) => p.index === 99 && p.reason === 'missing'));
  });

  it('pinpoints two entries whose contents were swapped', async () => {
    await exec(sql`update ledger_entries e set type = o.type, actor = o.actor, subject = o.subject, ts = o.ts, canonical = o.canonical
      from ledger_entries o where (e.idx, o.idx) in ((20, 70), (70, 20))`);
    const r = await log.verify();
    await expectBad(r, 20, 'reordered');
    assert.match(r.problems[0]!.detail, /index 70/);
  });

  it('pinpoints a rewritten interior node by the first leaf it covers, and a rewritten leaf hash', async () => {
    await exec(sql`update ledger_nodes set hash = sha256(hash) where level = 3 and idx = 5`);
    await expectBad(await log.verify(), 40, 'node-altered');
    await exec(sql`update ledger_nodes set hash = sha256(hash) where level = 0 and idx = 33`);
    await expectBad(await log.verify(), 33, 'altered');
    await exec(sql`delete from ledger_nodes where level = 1 and idx = 10`);
    await expectBad(await log.verify(), 20, 'node-missing');
  });

  it('catches an entry rewritten together with every stored hash through the signed heads', async () => {
    // The intruder recomputes the leaf, its ancestors and the stored root: only the signed heads still disagree.
    const canonical = (await d.db.selectFrom('ledger_entries').select('canonical').where('idx', '=', 77).executeTakeFirstOrThrow()).canonical.replace('"n":77', '"n":7700');
    await exec(sql`update ledger_entries set canonical = ${canonical} where idx = 77`);
    let h = leafHash(canonical);
    let index = 77;
    for (let level = 0; level < 7; level++) {
      await exec(sql`update ledger_nodes set hash = ${Buffer.from(h)} where level = ${level} and idx = ${index}`);
      const sibling = await d.db.selectFrom('ledger_nodes').select('hash').where('level', '=', level).where('idx', '=', index ^ 1).executeTakeFirst();
      if (!sibling) break;
      h = index % 2 === 1 ? nodeHash(Buffer.from(sibling.hash), h) : nodeHash(h, Buffer.from(sibling.hash));
      index = Math.floor(index / 2);
    }
    const r = await log.verify();
    assert.equal(r.ok, false);
    const head = r.problems.find((p) => p.reason === 'head-mismatch');
    assert.ok(head, JSON.stringify(r.problems));
    assert.equal(head.index, 50, 'the change lies after the last head that still matches');
  });

  it('reports a stored right edge that differs from the nodes it derives from (the next append would build on it)', async () => {
    await exec(sql`update ledger_state set frontier = sha256(substr(frontier, 1, 32)) || substr(frontier, 33)`);
    const r = await log.verify();
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => p.reason === 'state-mismatch' && /right edge/.test(p.detail)), JSON.stringify(r.problems));
  });

  it('derives the right edge of an existing log from its nodes (migration 0021), as appends keep it', async () => {
    const kept = (await d.db.selectFrom('ledger_state').select('frontier').executeTakeFirstOrThrow()).frontier;
    assert.equal(kept.length, 32 * 3, '100 = 64 + 32 + 4: three complete subtrees');
    const migration = readFileSync(new URL('../../../migrations/0021_ledger_frontier.sql', import.meta.url), 'utf8');
    const backfill = /^update ledger_state[\s\S]*?;$/m.exec(migration)?.[0];
    assert.ok(backfill, 'the migration derives the column with one update');
    await exec(sql`update ledger_state set frontier = ''::bytea`);
    await exec(sql.raw(backfill));
    const derived = (await d.db.selectFrom('ledger_state').select('frontier').executeTakeFirstOrThrow()).frontier;
    assert.deepEqual(Buffer.from(derived), Buffer.from(kept));
    assert.equal((await log.verify()).ok, true);
  });

  it('reports a forged head signature, a wrong stored root and rows beyond the size', async () => {
    await exec(sql`update ledger_heads set jws = jws || 'A' where size = 50`);
    await expectBad(await log.verify(), 49, 'head-signature', false);
    await exec(sql`update ledger_heads set jws = substr(jws, 1, length(jws) - 1) where size = 50`);
    await exec(sql`update ledger_state set root_hash = sha256(root_hash)`);
    assert.ok((await log.verify()).problems.some((p) => p.reason === 'state-mismatch'));
    await exec(sql`update ledger_state set size = 90`);
    const r = await log.verify();
    assert.ok(r.problems.some((p) => p.reason === 'beyond-size' && p.index === 90), JSON.stringify(r.problems));
  });
});
