import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { json, type DB } from '../../db/index.js';
import { foldActivities, mergeActivityDefinition, type ActivityDefinition, type ActivityInput } from '../domain/document-activity.js';
import type { DocumentKey, StoredDocument } from '../domain/document.js';
import type { DocumentChange, DocumentQuery, DocumentStore } from '../domain/document.store.js';

type DocRow = DB['lrs_documents'];
type Selected = { content_type: string; content: Uint8Array; etag: string; updated: Date };

const toDoc = (r: Selected): StoredDocument => ({ contentType: r.content_type, content: new Uint8Array(r.content), etag: r.etag, updated: r.updated });
/** pg sends a Buffer as bytea; a bare Uint8Array it would not. PGlite accepts either. */
const toBytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Thrown inside a transaction when a concurrent insert won the race for a new document: the change is retried. */
class LostInsertRace extends Error {}

function byKey<O>(q: SelectQueryBuilder<DB, 'lrs_documents', O>, k: DocumentKey) {
  return q
    .where('kind', '=', k.kind)
    .where('activity_id', '=', k.activityId)
    .where('agent_key', '=', k.agentKey)
    .where('registration', '=', k.registration)
    .where('doc_id', '=', k.docId);
}

export class SqlDocumentStore implements DocumentStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(key: DocumentKey): Promise<StoredDocument | undefined> {
    const row = await byKey(this.db.selectFrom('lrs_documents').select(['content_type', 'content', 'etag', 'updated']), key).executeTakeFirst();
    return row ? toDoc(row) : undefined;
  }

  async list(q: DocumentQuery): Promise<{ ids: string[]; lastModified?: Date }> {
    let s = this.db
      .selectFrom('lrs_documents')
      .select(['doc_id', sql<Date>`max(updated)`.as('updated')])
      .where('kind', '=', q.kind)
      .where('activity_id', '=', q.activityId)
      .where('agent_key', '=', q.agentKey);
    if (q.registration !== undefined) s = s.where('registration', '=', q.registration);
    if (q.since !== undefined) s = s.where('updated', '>', q.since);
    const rows = await s.groupBy('doc_id').orderBy('doc_id').execute();
    const times = rows.map((r) => new Date(r.updated).getTime());
    return times.length > 0 ? { ids: rows.map((r) => r.doc_id), lastModified: new Date(Math.max(...times)) } : { ids: [] };
  }

  async change(key: DocumentKey, decide: (existing: StoredDocument | undefined) => DocumentChange): Promise<void> {
    // Two first writes of one document can race past the row lock (there is no row yet); the loser retries and then
    // decides against the winner's document, as if it had come second.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((tx) => this.changeIn(tx, key, decide));
      } catch (e) {
        if (!(e instanceof LostInsertRace) || attempt >= 3) throw e;
      }
    }
  }

  private async changeIn(tx: Kysely<DB>, key: DocumentKey, decide: (existing: StoredDocument | undefined) => DocumentChange): Promise<void> {
    const row = await byKey(tx.selectFrom('lrs_documents').select(['content_type', 'content', 'etag', 'updated']), key).forUpdate().executeTakeFirst();
    const next = decide(row ? toDoc(row) : undefined);
    if (next === 'keep') return;
    if (next === null) {
      if (row) await tx.deleteFrom('lrs_documents').where('kind', '=', key.kind).where('activity_id', '=', key.activityId).where('agent_key', '=', key.agentKey).where('registration', '=', key.registration).where('doc_id', '=', key.docId).execute();
      return;
    }
    const values = { content_type: next.contentType, content: toBytes(next.content), etag: next.etag, updated: next.updated };
    if (row) {
      await tx.updateTable('lrs_documents').set(values).where('kind', '=', key.kind).where('activity_id', '=', key.activityId).where('agent_key', '=', key.agentKey).where('registration', '=', key.registration).where('doc_id', '=', key.docId).execute();
      return;
    }
    const inserted = await tx
      .insertInto('lrs_documents')
      .values({ kind: key.kind, activity_id: key.activityId, agent_key: key.agentKey, registration: key.registration, doc_id: key.docId, ...values } satisfies Record<keyof DocRow, unknown>)
      .onConflict((oc) => oc.columns(['kind', 'activity_id', 'agent_key', 'registration', 'doc_id']).doNothing())
      .returning('doc_id')
      .executeTakeFirst();
    if (!inserted) throw new LostInsertRace();
  }

  async deleteAll(q: DocumentQuery): Promise<void> {
    let d = this.db.deleteFrom('lrs_documents').where('kind', '=', q.kind).where('activity_id', '=', q.activityId).where('agent_key', '=', q.agentKey);
    if (q.registration !== undefined) d = d.where('registration', '=', q.registration);
    if (q.since !== undefined) d = d.where('updated', '>', q.since);
    await d.execute();
  }

  async activityDefinition(id: string): Promise<ActivityDefinition | undefined> {
    const row = await this.db.selectFrom('lrs_activity_definitions').select('definition').where('id', '=', id).executeTakeFirst();
    return row ? (row.definition as ActivityDefinition) : undefined;
  }
}

/**
 * Folds the definitions of a batch of statements' activities into the canonical definitions, inside the caller's
 * transaction (the statements and what they taught the LRS commit together). Most statements repeat what is known:
 * a first read without locks finds that out and writes nothing, so concurrent writers about one activity do not
 * queue on its row. Only when something changes are the rows locked (in id order: no deadlock between batches)
 * and the merge redone on what they hold. Without `at`, the database's transaction time stamps the change.
 */
export async function recordActivityDefinitions(tx: Kysely<DB>, activities: readonly ActivityInput[], at?: Date): Promise<void> {
  const folded = foldActivities(activities);
  if (folded.size === 0) return;
  const unchanged = (old: ActivityDefinition | undefined, id: string) => old !== undefined && JSON.stringify(old) === JSON.stringify(mergeActivityDefinition(old, folded.get(id)!));
  const seen = await definitionsOf(tx, [...folded.keys()], false);
  const ids = [...folded.keys()].filter((id) => !unchanged(seen.get(id), id)).sort();
  if (ids.length === 0) return;
  const held = await definitionsOf(tx, ids, true);
  const stamp = at ?? sql<Date>`now()`;
  const fresh = ids.filter((id) => !held.has(id));
  if (fresh.length > 0) {
    // A concurrent batch may create the same activity first: ours then waits for it, inserts nothing, and merges
    // into what that batch stored (below), so no language is lost to the race.
    const rows = fresh.map((id) => ({ id, definition: json(folded.get(id)!), updated: stamp }));
    const inserted = await tx.insertInto('lrs_activity_definitions').values(rows).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
    const won = new Set(inserted.map((r) => r.id));
    for (const [id, d] of await definitionsOf(tx, fresh.filter((id) => !won.has(id)), true)) held.set(id, d);
  }
  for (const [id, old] of held) {
    if (unchanged(old, id)) continue;
    await tx.updateTable('lrs_activity_definitions').set({ definition: json(mergeActivityDefinition(old, folded.get(id)!)), updated: stamp }).where('id', '=', id).execute();
  }
}

async function definitionsOf(db: Kysely<DB>, ids: string[], lock: boolean): Promise<Map<string, ActivityDefinition>> {
  if (ids.length === 0) return new Map();
  let q = db.selectFrom('lrs_activity_definitions').select(['id', 'definition']).where('id', 'in', ids).orderBy('id');
  if (lock) q = q.forUpdate();
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.id, r.definition as ActivityDefinition]));
}

/** The canonical definitions of these activity ids (for statements asked for in `format=canonical`); unknown ids are absent. */
export async function readActivityDefinitions(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, ActivityDefinition>> {
  return definitionsOf(db, [...new Set(ids)], false);
}
