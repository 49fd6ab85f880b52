import { sql, type Kysely } from 'kysely';
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

export class SqlOutboxStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(tx: Kysely<DB>, row: { id: string; topic: string; url: string; audience: string; body: unknown; key: string | null; now: Date }): Promise<void> {
    await tx
      .insertInto('outbox')
      .values({ id: row.id, topic: row.topic, url: row.url, audience: row.audience, body: json(row.body), key: row.key, next_attempt_at: row.now, created_at: row.now })
      .execute();
  }

  /**
   * Leases up to `limit` due messages to `holder`. A message whose key has an older message still in the outbox
   * waits for it (per-key order); rows leased by another live process are skipped, not waited for.
   */
  async claim(holder: string, now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const until = new Date(now.getTime() + leaseMs);
    const rows = await sql<OutboxRow>`
      update outbox set lease_holder = ${holder}, lease_until = ${until}
      where seq in (
        select o.seq from outbox o
        where o.next_attempt_at <= ${now}
          and (o.lease_until is null or o.lease_until < ${now})
          and (o.key is null or not exists (select 1 from outbox p where p.key = o.key and p.seq < o.seq))
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

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('outbox').where('id', '=', id).execute();
  }

  async pending(): Promise<Array<{ id: string; topic: string; attempts: number; nextAttemptAt: Date; lastError: string | null }>> {
    const rows = await this.db.selectFrom('outbox').select(['id', 'topic', 'attempts', 'next_attempt_at', 'last_error']).orderBy('seq').execute();
    return rows.map((r) => ({ id: r.id, topic: r.topic, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error }));
  }
}
