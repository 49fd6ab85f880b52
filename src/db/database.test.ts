import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createServerDatabase, forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import { openDatabase, type Database } from './database.js';
import { loadMigrations, migrate } from './migrate.js';
import { withLease } from './lease.js';

forEachEngine('database', (engine) => {
  let d: Database;
  before(async () => {
    d = await openTestDatabase(engine);
  });
  after(async () => d.close());

  it('records every migration once and applies nothing the second time', async () => {
    const rows = await d.db.selectFrom('schema_migrations').select(['version', 'name']).orderBy('version').execute();
    assert.deepEqual(
      rows.map((r) => r.version),
      loadMigrations().map((m) => m.version),
    );
    assert.deepEqual(await migrate(d), []);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'x' } : m));
    await assert.rejects(migrate(d, edited), /was edited after it was applied/);
  });

  it('keeps concurrent transactions isolated from each other', async () => {
    await sql`create table if not exists t_iso (n integer)`.execute(d.db);
    const slow = d.db.transaction().execute(async (tx) => {
      await sql`insert into t_iso values (1)`.execute(tx);
      await new Promise((r) => setTimeout(r, 30));
      throw new Error('roll back');
    });
    const other = d.db.transaction().execute(async (tx) => {
      await sql`insert into t_iso values (2)`.execute(tx);
    });
    await assert.rejects(slow, /roll back/);
    await other;
    const rows = await sql<{ n: number }>`select n from t_iso order by n`.execute(d.db);
    assert.deepEqual(rows.rows.map((r) => r.n), [2]);
  });

  it('gives a job lease to one holder until it expires', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    assert.equal(await withLease(d.db, 'job', 'a', t0, 1000), true);
    assert.equal(await withLease(d.db, 'job', 'b', new Date(t0.getTime() + 500), 1000), false);
    assert.equal(await withLease(d.db, 'job', 'a', new Date(t0.getTime() + 500), 1000), true);
    assert.equal(await withLease(d.db, 'job', 'b', new Date(t0.getTime() + 2000), 1000), true);
  });

  it('returns int8 and numeric as numbers on both engines', async () => {
    const r = await sql<{ a: number; b: number }>`select 5::int8 as a, 2.5::numeric as b`.execute(d.db);
    assert.deepEqual(r.rows[0], { a: 5, b: 2.5 });
  });
});

// PostgreSQL only: PGlite has one connection and nothing to gain.
describe('prepared statements [postgres]', { skip: process.env.DASES_TEST_DATABASE_URL ? false : 'no PostgreSQL: set DASES_TEST_DATABASE_URL or install Debian postgresql' }, () => {
  /** The statements prepared on the connection of one transaction, after running a parameterised query twice. */
  async function preparedAfterTwoRuns(preparedStatements: boolean) {
    const url = await createServerDatabase();
    const d = await openDatabase({ databaseUrl: url, poolSize: 1, preparedStatements });
    try {
      return await d.db.transaction().execute(async (tx) => {
        const sums = [];
        for (const n of [1, 41]) sums.push((await sql<{ sum: number }>`select ${n}::int + 1 as sum`.execute(tx)).rows[0]?.sum);
        for (let i = 0; i < 2; i++) await sql`select 7 as seven`.execute(tx);
        await sql`set local work_mem = '8MB'`.execute(tx);
        const listed = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements where statement like 'select $1::int + 1%'`.execute(tx);
        const others = await sql<{ statement: string }>`select statement from pg_prepared_statements where statement not like 'select $1::int + 1%' and statement not like '%pg_prepared_statements%' order by statement`.execute(tx);
        return { sums, names: listed.rows.map((r) => r.name), others: others.rows.map((r) => r.statement) };
      });
    } finally {
      await d.close();
      const admin = await openDatabase({ databaseUrl: process.env.DASES_TEST_DATABASE_URL, poolSize: 1 });
      await sql`drop database if exists ${sql.id(new URL(url).pathname.slice(1))} with (force)`.execute(admin.db);
      await admin.close();
    }
  }

  it('prepares a repeated parameterised statement once per connection, by the hash of its text', async () => {
    const on = await preparedAfterTwoRuns(true);
    assert.deepEqual(on.sums, [2, 42]);
    assert.equal(on.names.length, 1);
    assert.match(on.names[0] ?? '', /^dases_[A-Za-z0-9_-]{27}$/);
    // A statement without parameters is prepared too when it reads or writes data; BEGIN and SET are not.
    assert.deepEqual(on.others, ['select 7 as seven']);
  });

  it('prepares a statement of more than 32 parameters from its second use on, not a long list used once', async () => {
    const url = await createServerDatabase();
    const d = await openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      await d.db.transaction().execute(async (tx) => {
        // Texts of their own (a random alias): another test file's process has no say in what this one saw.
        const alias = `t${randomUUID().replace(/-/g, '')}`;
        const list = (n: number) => sql.join(Array.from({ length: n }, (_, i) => sql`${i}::int`));
        const wide = async () => (await sql<{ n: number }>`select cardinality(array[${list(40)}]) as ${sql.ref(alias)}`.execute(tx)).rows[0];
        const once = sql<{ n: number }>`select cardinality(array[${list(41)}]) as ${sql.ref(alias)}`;
        const prepared = async () =>
          (await sql<{ statement: string }>`select statement from pg_prepared_statements where statement like ${`%${alias}%`} and statement not like '%pg_prepared_statements%'`.execute(tx)).rows.map((r) => r.statement.match(/\$/g)?.length);
        await once.execute(tx);
        assert.deepEqual(await wide(), { [alias]: 40 });
        assert.deepEqual(await prepared(), [], 'neither is prepared on first use');
        assert.deepEqual(await wide(), { [alias]: 40 });
        assert.deepEqual(await prepared(), [40], 'the repeated one is, from its second use');
        assert.deepEqual(await wide(), { [alias]: 40 });
        assert.deepEqual(await prepared(), [40]);
      });
    } finally {
      await d.close();
      const admin = await openDatabase({ databaseUrl: process.env.DASES_TEST_DATABASE_URL, poolSize: 1 });
      await sql`drop database if exists ${sql.id(new URL(url).pathname.slice(1))} with (force)`.execute(admin.db);
      await admin.close();
    }
  });

  it('prepares a statement anew once its table changed shape under it (a migration run by another process)', async () => {
    const url = await createServerDatabase();
    const d = await openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      await sql`create table shape (id int primary key)`.execute(d.db);
      await sql`insert into shape values (1)`.execute(d.db);
      const read = async () => (await sql<Record<string, unknown>>`select * from shape where id = ${1}`.execute(d.db)).rows;
      assert.deepEqual(await read(), [{ id: 1 }]);
      await sql`alter table shape add column label text default 'x'`.execute(d.db);
      // PostgreSQL refuses the statement prepared for the old columns once; the next call prepares it anew.
      await assert.rejects(read(), /cached plan must not change result type/);
      assert.deepEqual(await read(), [{ id: 1, label: 'x' }]);
      assert.deepEqual(await read(), [{ id: 1, label: 'x' }]);
    } finally {
      await d.close();
      const admin = await openDatabase({ databaseUrl: process.env.DASES_TEST_DATABASE_URL, poolSize: 1 });
      await sql`drop database if exists ${sql.id(new URL(url).pathname.slice(1))} with (force)`.execute(admin.db);
      await admin.close();
    }
  });

  it('prepares nothing when turned off (poolers that cannot keep prepared statements)', async () => {
    const off = await preparedAfterTwoRuns(false);
    assert.deepEqual(off.sums, [2, 42]);
    assert.deepEqual(off.names, []);
    assert.deepEqual(off.others, []);
  });
});
