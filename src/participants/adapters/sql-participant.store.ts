import { sql, type Kysely } from 'kysely';
import { json, type DB } from '../../db/index.js';
import type { Participant, ParticipantEndpoints, ParticipantStatus } from '../domain/participant.js';

export interface ParticipantWrite {
  did: string;
  name: string;
  roles: string[];
  endpoints: ParticipantEndpoints;
  didDocument: unknown;
  credential: string;
  selfDescription: Record<string, unknown>;
  now: Date;
}

type Row = {
  did: string;
  name: string;
  roles: unknown;
  status: ParticipantStatus;
  status_reason: string | null;
  endpoints: unknown;
  self_description: unknown;
  verified_at: Date;
  added_at: Date;
};
const COLUMNS = ['did', 'name', 'roles', 'status', 'status_reason', 'endpoints', 'self_description', 'verified_at', 'added_at'] as const;
const toParticipant = (r: Row): Participant => ({
  did: r.did,
  name: r.name,
  roles: r.roles as string[],
  status: r.status,
  ...(r.status_reason ? { statusReason: r.status_reason } : {}),
  endpoints: r.endpoints as ParticipantEndpoints,
  selfDescription: r.self_description as Record<string, unknown>,
  verifiedAt: r.verified_at.toISOString(),
  addedAt: r.added_at.toISOString(),
});

export class SqlParticipantStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Runs `fn` in one transaction; `tx` goes on to the audit so the change and its record commit together. */
  transaction<T>(fn: (store: SqlParticipantStore, tx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this, this.db);
    return this.db.transaction().execute((tx) => fn(new SqlParticipantStore(tx), tx));
  }

  /** Inserts or refreshes (status and added_at are kept on refresh); tells which happened. */
  async upsert(p: ParticipantWrite): Promise<{ participant: Participant; created: boolean }> {
    const values = {
      did: p.did,
      name: p.name,
      roles: json(p.roles),
      endpoints: json(p.endpoints),
      did_document: json(p.didDocument),
      credential: p.credential,
      self_description: json(p.selfDescription),
      status: 'active' as const,
      verified_at: p.now,
      added_at: p.now,
      updated_at: p.now,
    };
    const row = await this.db
      .insertInto('participants')
      .values(values)
      .onConflict((oc) =>
        oc.column('did').doUpdateSet({
          name: values.name,
          roles: values.roles,
          endpoints: values.endpoints,
          did_document: values.did_document,
          credential: values.credential,
          self_description: values.self_description,
          verified_at: p.now,
          updated_at: p.now,
        }),
      )
      // xmax is 0 only for a freshly inserted row version: how PostgreSQL tells an insert from an update.
      .returning([...COLUMNS, sql<boolean>`(xmax = 0)`.as('created')])
      .executeTakeFirstOrThrow();
    return { participant: toParticipant(row), created: row.created };
  }

  async get(did: string): Promise<Participant | undefined> {
    const row = await this.db.selectFrom('participants').select(COLUMNS).where('did', '=', did).executeTakeFirst();
    return row && toParticipant(row);
  }

  async statusOf(did: string): Promise<ParticipantStatus | undefined> {
    return (await this.statusRead(did).executeTakeFirst())?.status;
  }

  /** The read of `statusOf` as a query, for a statement that reads it along with its own write (authentication). */
  statusRead(did: string) {
    return this.db.selectFrom('participants').select('status').where('did', '=', did);
  }

  async list(opts: { status?: ParticipantStatus | undefined; limit: number; offset: number }): Promise<{ items: Participant[]; total: number }> {
    let q = this.db.selectFrom('participants');
    if (opts.status) q = q.where('status', '=', opts.status);
    const [rows, count] = await Promise.all([
      q.select(COLUMNS).orderBy('added_at').orderBy('did').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toParticipant), total: Number(count.n) };
  }

  async setStatus(did: string, status: ParticipantStatus, reason: string | null, now: Date): Promise<Participant | undefined> {
    const row = await this.db.updateTable('participants').set({ status, status_reason: reason, updated_at: now }).where('did', '=', did).returning(COLUMNS).executeTakeFirst();
    return row && toParticipant(row);
  }

  /** The participant as it was, or undefined when there was none. */
  async delete(did: string): Promise<Participant | undefined> {
    const row = await this.db.deleteFrom('participants').where('did', '=', did).returning(COLUMNS).executeTakeFirst();
    return row && toParticipant(row);
  }
}
