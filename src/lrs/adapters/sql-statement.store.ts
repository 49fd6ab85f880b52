import { sql } from 'kysely';
import { json } from '../../db/index.js';
import type { Attachment, Cursor, NewStatement, StatementStore, StoredStatement, Tx } from '../app/ports.js';
import type { StatementFilter } from '../domain/statement-query.js';
import type { Statement } from '../domain/statement.prepare.js';
import { buildStatementQuery } from './sql-statement.query.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for the widest table. */
const CHUNK = 2000;

interface Row { id: string; statement: unknown; stored: Date; voided: boolean; is_voiding: boolean; attachment_hashes: unknown }

export const toStored = (r: Row): StoredStatement => ({
  statement: r.statement as Statement,
  stored: r.stored,
  voided: r.voided,
  isVoiding: r.is_voiding,
  attachmentHashes: (r.attachment_hashes as string[] | null) ?? [],
});

const chunks = <T>(xs: T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

export function createSqlStatementStore(db: Tx): StatementStore {
  return {
    // Column arrays through unnest(): a handful of bind parameters per INSERT however many rows, which is what
    // makes 1,000-statement batches cheap (a VALUES list would bind every cell separately).
    async insert(tx, rows) {
      const inserted = new Set<string>();
      for (const part of chunks(rows)) {
        const r = await sql<{ id: string }>`insert into lrs_statements (id, statement, stored, verb_id, registration, ref_id, is_voiding, attachment_hashes)
          select * from unnest(${part.map((x) => x.statement.id)}::text[], ${part.map((x) => json(x.statement))}::jsonb[], ${part.map((x) => x.stored.toISOString())}::timestamptz[],
            ${part.map((x) => x.index.verbId)}::text[], ${part.map((x) => x.index.registration)}::text[], ${part.map((x) => x.index.refId)}::text[],
            ${part.map((x) => x.index.isVoiding)}::boolean[], ${part.map((x) => json(x.attachmentHashes))}::jsonb[])
          on conflict (id) do nothing returning id`.execute(tx);
        for (const { id } of r.rows) inserted.add(id);
      }
      const fresh = rows.filter((r) => inserted.has(r.statement.id));
      for (const [table, column, pick] of [['lrs_statement_agents', 'agent_key', (r: NewStatement) => r.index.agents], ['lrs_statement_activities', 'activity_id', (r: NewStatement) => r.index.activities]] as const) {
        const ids: string[] = [];
        const kinds: string[] = [];
        const keys: string[] = [];
        const stored: string[] = [];
        for (const r of fresh) {
          const at = r.stored.toISOString();
          for (const kind of ['direct', 'related'] as const) for (const key of pick(r)[kind]) { ids.push(r.statement.id); kinds.push(kind); keys.push(key); stored.push(at); }
        }
        if (ids.length === 0) continue;
        await sql`insert into ${sql.table(table)} (statement_id, kind, ${sql.ref(column)}, stored)
          select * from unnest(${ids}::text[], ${kinds}::text[], ${keys}::text[], ${stored}::timestamptz[])`.execute(tx);
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
