import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../db/index.js';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { StatementFilter } from '../domain/statement-query.js';
import { buildStatementQuery } from './sql-statement.query.js';

// Every query pattern of GET /statements must be answerable from an index (issue 8: "no full scans for related_*
// queries"). With sequential scans priced out (enable_seqscan = off), PostgreSQL still picks one where no index
// can serve the filter, so a "Seq Scan" in the plan means an index is missing, whatever the table sizes.
const agent = 'mbox:mailto:lea@example.org';
const activity = 'https://edtech.example/activities/1';
const since = new Date('2026-01-01T00:00:00Z');
// Each pattern with the index that must drive it (an index scan of another index with a filter would walk it all).
const patterns: Array<[string, StatementFilter, string]> = [
  ['no filter', {}, 'lrs_statements_stored'],
  ['agent', { agent }, 'lrs_statement_agents_pkey'],
  ['related agents', { agent, relatedAgents: true }, 'lrs_statement_agents_pkey'],
  ['verb', { verb: 'http://adlnet.gov/expapi/verbs/completed' }, 'lrs_statements_verb'],
  ['activity', { activity }, 'lrs_statement_activities_pkey'],
  ['related activities', { activity, relatedActivities: true }, 'lrs_statement_activities_pkey'],
  ['registration', { registration: '0b4c3a9e-7c1d-4f5e-9a2b-1c2d3e4f5a6b' }, 'lrs_statements_registration'],
  ['since and until', { since, until: new Date('2026-02-01T00:00:00Z') }, 'lrs_statements_stored'],
  ['ascending since', { since, ascending: true }, 'lrs_statements_stored'],
  ['agent, verb and related activities', { agent, verb: 'http://adlnet.gov/expapi/verbs/completed', activity, relatedActivities: true }, 'lrs_statement_agents_pkey'],
];

forEachEngine('statement queries use indexes only', (engine) => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase(engine);
    // Enough rows, with statistics, that the planner costs indexes as it would on a real store (an empty table
    // without statistics gets default guesses).
    await sql`insert into lrs_statements (id, statement, stored, verb_id, registration, ref_id, is_voiding)
      select 's' || i, '{}'::jsonb, timestamptz '2026-01-01' + i * interval '1 minute', 'http://adlnet.gov/expapi/verbs/v' || (i % 20),
        case when i % 3 = 0 then 'r' || (i % 500) end, case when i % 50 = 0 then 's' || (i - 1) end, false
      from generate_series(1, 5000) i`.execute(database.db);
    for (const [table, key] of [['lrs_statement_agents', 'agent_key'], ['lrs_statement_activities', 'activity_id']] as const) {
      await sql`insert into ${sql.table(table)} (statement_id, kind, ${sql.ref(key)}, stored)
        select 's' || i, k, 'key' || (i % 300), timestamptz '2026-01-01' + i * interval '1 minute'
        from generate_series(1, 5000) i, (values ('direct'), ('related')) kinds(k)`.execute(database.db);
    }
    await sql`analyze`.execute(database.db);
  });
  after(async () => {
    await database.close();
  });

  for (const [name, filter, index] of patterns) {
    for (const cursor of [undefined, { stored: since, id: 'b1f0c1de-0000-4000-8000-000000000000' }]) {
      test(`${name}${cursor ? ' (next page)' : ''}`, async () => {
        const plan = await database.db.transaction().execute(async (tx) => {
          await sql`set local enable_seqscan = off`.execute(tx);
          const r = await sql<{ 'QUERY PLAN': string }>`explain ${buildStatementQuery(filter, cursor, 10)}`.execute(tx);
          return r.rows.map((row) => row['QUERY PLAN']).join('\n');
        });
        assert.doesNotMatch(plan, /Seq Scan/, plan);
        assert.match(plan, new RegExp(`(Index (Only )?Scan (Backward )?using|Bitmap Index Scan on) ${index} `), plan);
      });
    }
  }
});
