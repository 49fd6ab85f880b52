import { sql, type Kysely, type OperationNodeSource } from 'kysely';
import { json, type DB } from '../../db/index.js';

export interface OutboxRow {
  id: string;
  topic: string;
  url: string;
  audience: string;
  body: unknown;
  key: string | null;
  attempts: number;
  outcome: unknown;
}

export interface NewRow {
  id: string;
  topic: string;
  url: string;
  audience: string;
  body: unknown;
  key: string | null;
}

/** A lease taken at insert: who holds it, until when, and the messages of that holder already delivered. */
export interface Lease {
  holder: string;
  until: Date;
  done: readonly string[];
}

export class SqlOutboxStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(tx: Kysely<DB>, row: NewRow & { now: Date }): Promise<void> {
    await tx
      .insertInto('outbox')
      .values({ id: row.id, topic: row.topic, url: row.url, audience: row.audience, body: json(row.body), key: row.key, next_attempt_at: row.now, created_at: row.now })
      .execute();
  }

  /**
   * Inserts a message already leased to `lease.holder` when no other message of its key is in the outbox, so its
   * process can send it after commit without claiming it. Messages of the key in `lease.done` (delivered, awaiting
   * removal) are removed by this statement, committing with it: an older message never outlives a newer one sent.
   * Only sound when every message of the key is enqueued under one row lock the caller holds, so that an older one
   * cannot be uncommitted and invisible here. Returns whether the message was leased.
   */
  async insertLeased(tx: Kysely<DB>, row: NewRow & { now: Date }, lease: Lease): Promise<{ leased: boolean; removed: string[] }> {
    const r = await sql<{ leased: boolean; removed: string[] }>`
      with gone as (delete from outbox where ${row.key}::text is not null and key = ${row.key}::text and id = any(${[...lease.done]}::text[]) and lease_holder = ${lease.holder} returning id),
      free as (select (${row.key}::text is null or not exists (select 1 from outbox p where p.key = ${row.key}::text and p.id <> all(${[...lease.done]}::text[]))) as yes)
      insert into outbox (id, topic, url, audience, body, key, next_attempt_at, created_at, lease_holder, lease_until)
      select ${row.id}, ${row.topic}, ${row.url}, ${row.audience}, ${json(row.body)}::jsonb, ${row.key}, ${row.now}, ${row.now},
        case when free.yes then ${lease.holder} end, case when free.yes then ${lease.until}::timestamptz end
      from free
      returning lease_holder is not null as leased, array(select id from gone) as removed`.execute(tx);
    return { leased: r.rows[0]?.leased === true, removed: r.rows[0]?.removed ?? [] };
  }

  /**
   * Runs the caller's `write` (a statement with RETURNING) and inserts `rows` in the same statement, only if `write`
   * returned a row, in the order given (per-key order). With `lease`, the first message of each key is leased as
   * insertLeased does (same condition), and every message in `lease.done` is removed (a statement of its own, so
   * no transaction of the caller's is held up by those rows). Returns the ids inserted, leased and removed.
   */
  async insertWith(db: Kysely<DB>, write: OperationNodeSource, rows: readonly NewRow[], now: Date, lease?: Lease): Promise<{ inserted: string[]; leased: Set<string>; removed: string[] }> {
    // Only the first message of a key in this batch may be leased: the others wait for it.
    const keys = new Set<string>();
    const first = rows.map((x) => {
      if (x.key === null) return true;
      if (keys.has(x.key)) return false;
      keys.add(x.key);
      return true;
    });
    const r = await sql<{ id: string; leased: boolean; removed: string[] }>`
      with w as (${write}), changed as (select count(*) as n from w),
      gone as (delete from outbox where id = any(${[...(lease?.done ?? [])]}::text[]) and lease_holder = ${lease?.holder ?? null}::text
        and exists (select 1 from changed where n > 0) returning id)
      insert into outbox (id, topic, url, audience, body, key, next_attempt_at, created_at, lease_holder, lease_until)
      select m.id, m.topic, m.url, m.audience, m.body::jsonb, m.key, ${now}, ${now},
        case when f.yes then ${lease?.holder ?? null}::text end, case when f.yes then ${lease?.until ?? null}::timestamptz end
      from changed, unnest(${rows.map((x) => x.id)}::text[], ${rows.map((x) => x.topic)}::text[], ${rows.map((x) => x.url)}::text[],
        ${rows.map((x) => x.audience)}::text[], ${rows.map((x) => json(x.body))}::text[], ${rows.map((x) => x.key)}::text[], ${first}::bool[])
        with ordinality as m(id, topic, url, audience, body, key, first, ord)
      cross join lateral (select m.first and (m.key is null or not exists (select 1 from outbox p where p.key = m.key and p.id <> all(${[...(lease?.done ?? [])]}::text[]))) as yes) f
      where changed.n > 0
      order by m.ord
      returning id, lease_holder is not null as leased, array(select id from gone) as removed`.execute(db);
    return { inserted: r.rows.map((x) => x.id), leased: new Set(r.rows.filter((x) => x.leased).map((x) => x.id)), removed: r.rows[0]?.removed ?? [] };
  }

  /**
   * Removes the messages `done` (delivered and handled by `holder`) and leases up to `limit` due messages to
   * `holder`, in one statement. A message whose key has an older message still in the outbox waits for it (per-key
   * order; the ones removed here no longer count); rows leased by another live process are skipped, not waited for.
   */
  async claim(holder: string, now: Date, leaseMs: number, limit: number, done: readonly string[] = []): Promise<OutboxRow[]> {
    const until = new Date(now.getTime() + leaseMs);
    const rows = await sql<OutboxRow>`
      with removed as (delete from outbox where id = any(${[...done]}::text[]) and lease_holder = ${holder} returning id)
      update outbox set lease_holder = ${holder}, lease_until = ${until}
      where seq in (
        select o.seq from outbox o
        where o.next_attempt_at <= ${now}
          and (o.lease_until is null or o.lease_until < ${now})
          and o.id <> all(${[...done]}::text[])
          and (o.key is null or not exists (select 1 from outbox p where p.key = o.key and p.seq < o.seq and p.id <> all(${[...done]}::text[])))
        order by o.next_attempt_at, o.seq
        limit ${limit}
        for update skip locked
      )
      returning id, topic, url, audience, body, key, attempts, outcome`.execute(this.db);
    return rows.rows;
  }

  async reschedule(id: string, holder: string, attempts: number, at: Date, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ attempts, next_attempt_at: at, last_error: error.slice(0, 2000), lease_holder: null, lease_until: null })
      .where('id', '=', id)
      .where('lease_holder', '=', holder)
      .execute();
  }

  /** Keeps the outcome so that a failing handler is retried without sending the message again. */
  async recordOutcome(id: string, holder: string, attempts: number, outcome: unknown, retryAt: Date, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ attempts, outcome: json(outcome), next_attempt_at: retryAt, last_error: error.slice(0, 2000), lease_holder: null, lease_until: null })
      .where('id', '=', id)
      .where('lease_holder', '=', holder)
      .execute();
  }

  async pending(): Promise<Array<{ id: string; topic: string; attempts: number; nextAttemptAt: Date; lastError: string | null }>> {
    const rows = await this.db.selectFrom('outbox').select(['id', 'topic', 'attempts', 'next_attempt_at', 'last_error']).orderBy('seq').execute();
    return rows.map((r) => ({ id: r.id, topic: r.topic, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error }));
  }
}
