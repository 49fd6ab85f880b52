import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Database } from '../../db/index.js';
import { AppError, ManualClock, SequentialIds } from '../../kernel/index.js';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import { createSqlStatementStore } from '../adapters/sql-statement.store.js';
import { agent, statement, uuid } from '../testing/statement-fixtures.js';
import type { StatementStore } from './ports.js';
import { createStatementWriter } from './statement-writer.js';
import { checkRequest } from './store-statements.js';

/** Group commit: a burst shares transactions, yet each request keeps its own all-or-nothing answer. */
forEachEngine('LRS statement writer (group commit)', (engine) => {
  let database: Database;
  let store: StatementStore;
  let inserts: number;
  let n = 0;
  before(async () => {
    database = await openTestDatabase(engine);
    const sql = createSqlStatementStore(database.db);
    // The real store, counting the transactions that insert statements.
    store = { ...sql, insert: (tx, rows) => ((inserts += 1), sql.insert(tx, rows)) };
  });
  after(async () => {
    await database.close();
  });
  beforeEach(() => {
    inserts = 0;
  });

  const writer = () => createStatementWriter({ db: database.db, clock: new ManualClock('2026-03-01T10:00:00Z'), ids: new SequentialIds(), store });
  const request = (statements: Array<Record<string, unknown>>) =>
    checkRequest({ statements: structuredClone(statements), pathOf: (i) => (statements.length > 1 ? `/body/${i}` : '/body'), version: '1.0.3', authority: agent('lrs'), parts: [] });
  const id = () => uuid(50_000 + ++n);
  const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? `${e.code} ${e.errors?.map((x) => x.path).join(',')}` : String(e)));

  test('a burst of 50 requests is written in a few transactions, every statement stored', async () => {
    const w = writer();
    const ids = Array.from({ length: 50 }, id);
    const answers = await Promise.all(ids.map(async (x) => w.write(await request([statement({ id: x })]))));
    assert.deepEqual(answers, ids.map((x) => [x]));
    assert.ok(inserts <= 3, `${inserts} transactions for 50 requests`);
    assert.equal((await store.getMany(database.db, ids)).size, 50);
  });

  test('a request that conflicts fails alone: the rest of its group is stored', async () => {
    const w = writer();
    const taken = id();
    await w.write(await request([statement({ id: taken })]));
    const others = [id(), id(), id()];
    const results = await Promise.all([
      codeOf(w.write(await request([statement({ id: others[0] })]))),
      codeOf(w.write(await request([statement({ id: others[1] }), statement({ id: taken, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } })]))),
      codeOf(w.write(await request([statement({ id: others[2] })]))),
    ]);
    assert.deepEqual(results, ['ok', 'DS_LRS_STATEMENT_CONFLICT /body/1/id', 'ok']);
    const stored = await store.getMany(database.db, others);
    assert.deepEqual([...stored.keys()].sort(), [others[0], others[2]].sort(), 'the failed request wrote nothing');
  });

  test('two requests naming one id: the same content is stored once, other content conflicts', async () => {
    const w = writer();
    const same = id();
    const [a, b] = await Promise.all([w.write(await request([statement({ id: same })])), w.write(await request([statement({ id: same })]))]);
    assert.deepEqual([a, b], [[same], [same]]);
    const other = id();
    const results = await Promise.all([codeOf(w.write(await request([statement({ id: other })]))), codeOf(w.write(await request([statement({ id: other, actor: agent(2) })])))]);
    assert.deepEqual(results, ['ok', 'DS_LRS_STATEMENT_CONFLICT /body/id']);
  });

  test('voiding in the same burst as its target voids it; voiding a voiding statement fails alone', async () => {
    const w = writer();
    const [target, voider, bad, bystander] = [id(), id(), id(), id()];
    const voiding = (x: string, ref: string) => ({ id: x, actor: agent(1), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: ref } });
    const results = await Promise.all([
      codeOf(w.write(await request([statement({ id: target })]))),
      codeOf(w.write(await request([voiding(voider, target)]))),
      codeOf(w.write(await request([voiding(bad, voider)]))),
      codeOf(w.write(await request([statement({ id: bystander })]))),
    ]);
    assert.deepEqual(results, ['ok', 'ok', 'DS_LRS_VOIDING_INVALID /body/object/id', 'ok']);
    const stored = await store.getMany(database.db, [target, voider, bad, bystander]);
    assert.equal(stored.get(target)?.voided, true);
    assert.equal(stored.has(bad), false);
    assert.equal(stored.has(bystander), true);
  });

  test('consistent-through stays before the stored time of the transaction under way', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const w = createStatementWriter({ db: database.db, clock, ids: new SequentialIds(), store });
    assert.equal(w.consistentThrough().toISOString(), '2026-03-01T10:00:00.000Z');
    const x = id();
    const pending = w.write(await request([statement({ id: x })]));
    assert.equal(w.consistentThrough().toISOString(), '2026-03-01T09:59:59.999Z', 'the statement being written is not yet visible');
    await pending;
    assert.equal((await store.get(x))?.stored.toISOString(), '2026-03-01T10:00:00.000Z');
    assert.equal(w.consistentThrough().toISOString(), '2026-03-01T10:00:00.000Z');
  });
});
