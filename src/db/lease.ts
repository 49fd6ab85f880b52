import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/**
 * Claims the named job lease for `ms` if it is free or expired, so that of several processes sharing a database
 * only one runs the job. Returns whether this holder got it.
 */
export async function withLease(db: Kysely<DB>, name: string, holder: string, now: Date, ms: number): Promise<boolean> {
  const until = new Date(now.getTime() + ms);
  const res = await sql<{ name: string }>`
    insert into job_leases (name, holder, lease_until) values (${name}, ${holder}, ${until})
    on conflict (name) do update set holder = excluded.holder, lease_until = excluded.lease_until
    where job_leases.lease_until < ${now} or job_leases.holder = ${holder}
    returning name`.execute(db);
  return res.rows.length === 1;
}
