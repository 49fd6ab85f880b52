import { sql } from 'kysely';
import { json } from '../../db/index.js';
import type { Attachment, Cursor, NewStatement, StatementStore, StoredStatement, Tx } from '../app/ports.js';
import type { StatementFilter } from '../domain/statement-query.js';
import type { Statement } from '../domain/statement.prepare.js';
import { buildStatementQuery } from './sql-statement.query.js';

/** Statements per INSERT: bounds the size of one statement's JSON parameter. */
const CHUNK = 2000;

interface Row { id: string; statement: unknown; stored: Date; voided: boolean; is_voiding: boolean; attachment_hashes: unknown }

export const toStored = (r: Row): StoredStatement => ({
  statement: r.statement as Statement,
  stored: r.stored,
  voided: r.voided,
  isVoiding: r.is_voiding,
  attachmentHashes: (r.attachment_hashes as string[] | null) ?? [],
});

/** The rows of a side table (agents or activities) as three parallel arrays: statement id, kind, key. */
function sideRows(rows: NewStatement[], pick: (r: NewStatement) => { direct: string[]; related: string[] }): { ids: string[]; kinds: string[]; keys: string[] } {
  const out = { ids: [] as string[], kinds: [] as string[], keys: [] as string[] };
  for (const r of rows) {
    const keys = pick(r);
    for (const kind of ['direct', 'related'] as const) {
      for (const key of keys[kind]) {
        out.ids.push(r.statement.id);
        out.kinds.push(kind);
        out.keys.push(key);
      }
    }
  }
  return out;
}

const chunks = <T>(xs: T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

export function createSqlStatementStore(db: Tx): StatementStore {
  return {
    // One statement per chunk: the rows as one JSON document (jsonb_to_recordset), which the driver sends as it
    // is, where a jsonb[] array would have every statement's text escaped again into an array literal; the index
    // rows as short text arrays, kept only for the statements this INSERT actually added (a concurrent writer may
    // have stored some ids first: `on conflict do nothing` leaves them out of `s`).
    async insert(tx, rows) {
      const inserted = new Set<string>();
      for (const part of chunks(rows)) {
        const doc = part.map((x) => ({ id: x.statement.id, statement: x.statement, stored: x.stored.toISOString(), verb_id: x.index.verbId, registration: x.index.registration, ref_id: x.index.refId, is_voiding: x.index.isVoiding, attachment_hashes: x.attachmentHashes }));
        const side = { agents: sideRows(part, (r) => r.index.agents), activities: sideRows(part, (r) => r.index.activities) };
        const r = await sql<{ id: string }>`with r as (
            select * from jsonb_to_recordset(${json(doc)}::jsonb) as r(id text, statement jsonb, stored timestamptz, verb_id text, registration text, ref_id text, is_voiding boolean, attachment_hashes jsonb)
          ), s as (
            insert into lrs_statements (id, statement, stored, verb_id, registration, ref_id, is_voiding, attachment_hashes)
            select id, statement, stored, verb_id, registration, ref_id, is_voiding, attachment_hashes from r
            on conflict (id) do nothing returning id, stored
          ), agents as (
            insert into lrs_statement_agents (statement_id, kind, agent_key, stored)
            select x.id, x.kind, x.key, s.stored from unnest(${side.agents.ids}::text[], ${side.agents.kinds}::text[], ${side.agents.keys}::text[]) as x(id, kind, key) join s on s.id = x.id
          ), activities as (
            insert into lrs_statement_activities (statement_id, kind, activity_id, stored)
            select x.id, x.kind, x.key, s.stored from unnest(${side.activities.ids}::text[], ${side.activities.kinds}::text[], ${side.activities.keys}::text[]) as x(id, kind, key) join s on s.id = x.id
          )
          select id from s`.execute(tx);
        for (const { id } of r.rows) inserted.add(id);
      }
      return inserted;
    },

    async getMany(tx, ids) {
      const out = new Map<string, StoredStatement>();
      if (ids.length === 0) return out;
      for (const part of chunks(ids, 5000)) {
        const rows = await tx.selectFrom('lrs_statements').select(['id', 'statement', 'stored', 'voided', 'is_voiding', 'attachment_hashes']).where('id', 'in', part).execute();
        for (const r of rows) out.set(r.id, toStored(r));
      }
      return out;
    },

    async markVoided(tx, ids) {
      if (ids.length === 0) return;
      await tx.updateTable('lrs_statements').set({ voided: true }).where('id', 'in', ids).where('is_voiding', '=', false).execute();
    },

    async targetedByVoiding(tx, ids) {
      if (ids.length === 0) return [];
      const rows = await tx.selectFrom('lrs_statements').select('ref_id').where('is_voiding', '=', true).where('ref_id', 'in', ids).execute();
      return rows.map((r) => r.ref_id).filter((x): x is string => x !== null);
    },

    async putAttachments(tx, attachments, at) {
      for (const part of chunks(attachments, 500)) {
        if (part.length === 0) continue;
        await tx.insertInto('lrs_attachments').values(part.map((a) => ({ sha2: a.sha2, content_type: a.contentType, content: a.content, created_at: at })))
          .onConflict((oc) => oc.column('sha2').doNothing()).execute();
      }
    },

    async attachments(hashes) {
      if (hashes.length === 0) return [];
      const rows = await db.selectFrom('lrs_attachments').select(['sha2', 'content_type', 'content']).where('sha2', 'in', hashes).execute();
      return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: Buffer.from(r.content) }));
    },

    async get(id) {
      const r = await db.selectFrom('lrs_statements').select(['id', 'statement', 'stored', 'voided', 'is_voiding', 'attachment_hashes']).where('id', '=', id).executeTakeFirst();
      return r ? toStored(r) : undefined;
    },

    async query(filter: StatementFilter, after: Cursor | undefined, limit: number) {
      const rows = await buildStatementQuery(filter, after, limit).execute(db);
      return rows.rows.map(toStored);
    },
  };
}
