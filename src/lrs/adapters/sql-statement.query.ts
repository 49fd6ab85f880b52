import { sql, type RawBuilder } from 'kysely';
import type { Cursor } from '../app/ports.js';
import type { StatementFilter } from '../domain/statement-query.js';

interface QueryRow { id: string; statement: unknown; stored: Date; voided: boolean; is_voiding: boolean; attachment_hashes: unknown }
type Fragment = RawBuilder<unknown>;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const and = (xs: Fragment[]) => (xs.length ? sql.join(xs, sql` and `) : sql`true`);

/** Filters on one statement row (alias given), other than the one driving the scan. */
function criteria(f: StatementFilter, alias: string, skip: 'agent' | 'activity' | undefined): Fragment[] {
  const a = sql.raw(alias);
  const out: Fragment[] = [];
  if (f.agent !== undefined && skip !== 'agent') out.push(sql`${a}.id in (select x.statement_id from lrs_statement_agents x where x.kind = ${f.relatedAgents ? 'related' : 'direct'} and x.agent_key = ${f.agent})`);
  if (f.activity !== undefined && skip !== 'activity') out.push(sql`${a}.id in (select x.statement_id from lrs_statement_activities x where x.kind = ${f.relatedActivities ? 'related' : 'direct'} and x.activity_id = ${f.activity})`);
  if (f.verb !== undefined) out.push(sql`${a}.verb_id = ${f.verb}`);
  if (f.registration !== undefined) out.push(sql`${a}.registration = ${f.registration}`);
  return out;
}

/** Time window and cursor on a (stored, id) pair of columns. */
function window(f: StatementFilter, after: Cursor | undefined, stored: Fragment, id: Fragment): Fragment[] {
  const out: Fragment[] = [];
  if (f.since) out.push(sql`${stored} > ${ts(f.since)}`);
  if (f.until) out.push(sql`${stored} <= ${ts(f.until)}`);
  if (after) out.push(f.ascending ? sql`(${stored}, ${id}) > (${ts(after.stored)}, ${after.id})` : sql`(${stored}, ${id}) < (${ts(after.stored)}, ${after.id})`);
  return out;
}

/**
 * The SQL of one statements page, index-driven: with an agent (or else an activity) filter the scan walks the side
 * table's (kind, key, stored, statement_id) index in cursor order and stops at the page size; verb, registration
 * and unfiltered pages walk partial indexes of lrs_statements. Never a full scan.
 *
 * xAPI 1.0.3 Communication §2.1.3 "Filter Conditions for StatementRefs": a statement that targets another (a
 * StatementRef object, voiding statements included) meets the non-time filters when its target does, and so on
 * along chains of references; those come from a recursive query over the ref_id index, then both sets are
 * ordered and cut together.
 */
export function buildStatementQuery(f: StatementFilter, after: Cursor | undefined, limit: number): RawBuilder<QueryRow> {
  const asc = f.ascending === true;
  const dir = sql.raw(asc ? 'asc' : 'desc');
  const columns = sql`s.id, s.statement, s.stored, s.voided, s.is_voiding, s.attachment_hashes`;
  const filtered = f.agent !== undefined || f.activity !== undefined || f.verb !== undefined || f.registration !== undefined;
  const sWindow = window(f, after, sql`s.stored`, sql`s.id`);
  if (!filtered) {
    return sql<QueryRow>`select ${columns} from lrs_statements s where not s.voided and ${and(sWindow)} order by s.stored ${dir}, s.id ${dir} limit ${limit}`;
  }
  const driver = f.agent !== undefined ? 'agent' : f.activity !== undefined ? 'activity' : undefined;
  let direct: Fragment;
  if (driver) {
    const [table, key, value, related] = driver === 'agent'
      ? [sql`lrs_statement_agents`, sql`d.agent_key`, f.agent as string, f.relatedAgents]
      : [sql`lrs_statement_activities`, sql`d.activity_id`, f.activity as string, f.relatedActivities];
    const conditions = [sql`d.kind = ${related ? 'related' : 'direct'}`, sql`${key} = ${value}`, sql`not s.voided`, ...window(f, after, sql`d.stored`, sql`d.statement_id`), ...criteria(f, 's', driver)];
    direct = sql`select s.id from ${table} d join lrs_statements s on s.id = d.statement_id where ${and(conditions)} order by d.stored ${dir}, d.statement_id ${dir} limit ${limit}`;
  } else {
    direct = sql`select s.id from lrs_statements s where not s.voided and ${and([...sWindow, ...criteria(f, 's', undefined)])} order by s.stored ${dir}, s.id ${dir} limit ${limit}`;
  }
  return sql<QueryRow>`with recursive refs(id) as (
      select s.id from lrs_statements s join lrs_statements t on t.id = s.ref_id where s.ref_id is not null and ${and(criteria(f, 't', undefined))}
      union
      select s.id from lrs_statements s join refs r on s.ref_id = r.id
    ),
    direct as (${direct}),
    candidates(id) as (select id from direct union select id from refs)
    select ${columns} from candidates c join lrs_statements s on s.id = c.id
    where not s.voided and ${and(sWindow)}
    order by s.stored ${dir}, s.id ${dir} limit ${limit}`;
}
