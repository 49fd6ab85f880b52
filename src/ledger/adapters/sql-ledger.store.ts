import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { EntryFilter, EntryRow, LeafBatch, LedgerState, LedgerStore, NodeDigest, NodeRun, NodeWindow, Queryable, StoredHead } from '../app/ledger.store.js';
import { nodeKey, type Hash, type NodeId } from '../domain/merkle-tree.js';

/** bytea arrives as Buffer from pg and as Uint8Array from PGlite; the log works with Buffers. */
export const toBuffer = (v: Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
const hex = (h: Hash) => toBuffer(h).toString('hex');

/** The stored frontier: 32-byte hashes back to back. */
function splitFrontier(v: Uint8Array): Hash[] {
  const b = toBuffer(v);
  const out: Hash[] = [];
  for (let i = 0; i + 32 <= b.length; i += 32) out.push(b.subarray(i, i + 32));
  return out;
}
const stateRow = (q: Queryable) => q.selectFrom('ledger_state').select(['size', 'root_hash', 'frontier']);
const stateOf = (r: { size: number; root_hash: Uint8Array; frontier: Uint8Array }): LedgerState => ({ size: r.size, root: toBuffer(r.root_hash), frontier: splitFrontier(r.frontier) });
const ISO_TS = sql<string>`to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The rows of [lo, hi) in index order, with the tail their canonical text must end with. The tail is compared as
 * bytes: right() on text counts characters from the start, which costs more than the rest of the query on
 * non-ASCII texts.
 */
const leafWindow = (lo: number, hi: number) => sql`(select idx, canonical, actor,
    ',"subject":"' || subject || '","timestamp":"' || to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","type":"' || type || '"}' as suffix
  from ledger_entries where idx >= ${lo} and idx < ${hi} order by idx) e`;

/** Indexes whose columns do not plainly open and close their canonical text (checked exactly afterwards). */
const SUSPECTS = sql`array_agg(idx) filter (where not (
    starts_with(canonical, '{"actor":"' || actor || '","payload":')
    and substr(convert_to(canonical, 'UTF8'), octet_length(canonical) - octet_length(suffix) + 1) = convert_to(suffix, 'UTF8'))) as suspects`;

export class SqlLedgerStore implements LedgerStore {
  constructor(private readonly db: Kysely<DB>) {}

  async state(q: Queryable): Promise<LedgerState> {
    return stateOf(await stateRow(q).executeTakeFirstOrThrow());
  }

  async lockState(tx: Queryable): Promise<LedgerState> {
    // FOR UPDATE waits for an appender holding the row and then returns the row as that appender committed it
    // (READ COMMITTED rechecks the locked row), so the state read is never one an earlier append has moved past.
    return stateOf(await stateRow(tx).forUpdate().executeTakeFirstOrThrow());
  }

  async nodes(q: Queryable, ids: readonly NodeId[]): Promise<Map<number, Hash>> {
    const out = new Map<number, Hash>();
    if (ids.length === 0) return out;
    const rows = await sql<{ level: number; idx: number; hash: Uint8Array }>`
      select n.level, n.idx, n.hash from ledger_nodes n
      join unnest(${ids.map((i) => i.level)}::int2[], ${ids.map((i) => i.index)}::int8[]) as k(level, idx) on n.level = k.level and n.idx = k.idx`.execute(q);
    for (const r of rows.rows) out.set(nodeKey(r.level, r.idx), toBuffer(r.hash));
    return out;
  }

  async nodeRuns(windows: ReadonlyArray<{ level: number; lo: number; hi: number }>): Promise<NodeRun[]> {
    if (windows.length === 0) return [];
    const rows = await sql<{ level: number; lo: number; first: number | null; last: number | null; count: number; hashes: Uint8Array | null }>`
      select k.level, k.lo, s.first, s.last, s.count, s.hashes
      from unnest(${windows.map((w) => w.level)}::int2[], ${windows.map((w) => w.lo)}::int8[], ${windows.map((w) => w.hi)}::int8[]) as k(level, lo, hi)
      cross join lateral (
        select min(n.idx) as first, max(n.idx) as last, count(*)::int8 as count, string_agg(n.hash, ''::bytea order by n.idx) as hashes
        from ledger_nodes n where n.level = k.level and n.idx >= k.lo and n.idx < k.hi
      ) s`.execute(this.db);
    return rows.rows.map((r) => ({ level: r.level, lo: r.lo, first: r.first ?? undefined, last: r.last ?? undefined, count: r.count, hashes: r.hashes ? toBuffer(r.hashes) : Buffer.alloc(0) }));
  }

  async append(tx: Queryable, entries: EntryRow[], nodes: Array<NodeId & { hash: Hash }>, next: LedgerState): Promise<void> {
    // One statement whatever the batch size (a statement is atomic, and this one runs in the caller's transaction
    // under the append lock, whose hold time is what limits appenders). RFC 8785 text never holds a raw newline,
    // so the canonical texts travel as one newline-joined parameter (no per-element array escaping), split by the
    // database.
    await sql`with e as (
        insert into ledger_entries (idx, type, actor, subject, ts, canonical)
        select * from unnest(${entries.map((e) => e.idx)}::int8[], ${entries.map((e) => e.type)}::text[], ${entries.map((e) => e.actor)}::text[],
          ${entries.map((e) => e.subject)}::text[], ${entries.map((e) => e.ts)}::timestamptz[], string_to_array(${entries.map((e) => e.canonical).join('\n')}, E'\\n'))
      ), n as (
        insert into ledger_nodes (level, idx, hash)
        select l, i, decode(h, 'hex') from unnest(${nodes.map((n) => n.level)}::int2[], ${nodes.map((n) => n.index)}::int8[],
          string_to_array(${nodes.map((n) => hex(n.hash)).join(',')}, ',')) as t(l, i, h)
      )
      update ledger_state set size = ${next.size}, root_hash = ${toBuffer(next.root)}, frontier = ${Buffer.concat(next.frontier)} where id`.execute(tx);
  }

  async entries(f: EntryFilter): Promise<EntryRow[]> {
    let q = this.db.selectFrom('ledger_entries').select(['idx', 'type', 'actor', 'subject', ISO_TS.as('ts'), 'canonical']);
    if (f.start !== undefined) q = q.where('idx', '>=', f.start);
    if (f.end !== undefined) q = q.where('idx', '<=', f.end);
    if (f.type !== undefined) q = q.where('type', '=', f.type);
    if (f.subject !== undefined) q = q.where('subject', '=', f.subject);
    if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
    if (f.from !== undefined) q = q.where('ts', '>=', f.from);
    if (f.to !== undefined) q = q.where('ts', '<', f.to);
    return q.orderBy('idx').limit(f.limit).execute();
  }

  async entriesAt(indexes: readonly number[]): Promise<EntryRow[]> {
    if (indexes.length === 0) return [];
    if (indexes.length === 1) return this.db.selectFrom('ledger_entries').select(['idx', 'type', 'actor', 'subject', ISO_TS.as('ts'), 'canonical']).where('idx', '=', indexes[0]!).execute();
    return this.db
      .selectFrom('ledger_entries')
      .select(['idx', 'type', 'actor', 'subject', ISO_TS.as('ts'), 'canonical'])
      .where('idx', '=', sql<number>`any(${[...indexes]}::int8[])`)
      .orderBy('idx')
      .execute();
  }

  async newestHead(): Promise<StoredHead | undefined> {
    const r = await this.db.selectFrom('ledger_heads').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
    return r && { size: r.size, rootHash: toBuffer(r.root_hash), ts: r.ts, jws: r.jws };
  }

  async stateAndNewestHead(): Promise<{ state: LedgerState; newest: StoredHead | undefined }> {
    const r = await this.db
      .selectFrom('ledger_state as s')
      .leftJoinLateral((eb) => eb.selectFrom('ledger_heads').selectAll().orderBy('size', 'desc').limit(1).as('h'), (join) => join.onTrue())
      .select(['s.size', 's.root_hash', 's.frontier', 'h.size as head_size', 'h.root_hash as head_root', 'h.ts as head_ts', 'h.jws as head_jws'])
      .executeTakeFirstOrThrow();
    const newest = r.head_size === null || r.head_root === null || r.head_ts === null || r.head_jws === null ? undefined : { size: r.head_size, rootHash: toBuffer(r.head_root), ts: r.head_ts, jws: r.head_jws };
    return { state: stateOf(r), newest };
  }

  async insertHead(h: StoredHead): Promise<boolean> {
    const r = await sql<{ size: number }>`insert into ledger_heads (size, root_hash, ts, jws)
      select ${h.size}, ${toBuffer(h.rootHash)}, ${h.ts}, ${h.jws}
      where not exists (select 1 from ledger_heads where size >= ${h.size} or ts > ${h.ts})
      on conflict (size) do nothing
      returning size`.execute(this.db);
    return r.rows.length === 1;
  }

  async heads(): Promise<StoredHead[]> {
    const rows = await this.db.selectFrom('ledger_heads').selectAll().orderBy('size').execute();
    return rows.map((r) => ({ size: r.size, rootHash: toBuffer(r.root_hash), ts: r.ts, jws: r.jws }));
  }

  async entryBatch(lo: number, hi: number): Promise<EntryRow[]> {
    return this.db.selectFrom('ledger_entries').select(['idx', 'type', 'actor', 'subject', ISO_TS.as('ts'), 'canonical']).where('idx', '>=', lo).where('idx', '<', hi).orderBy('idx').execute();
  }

  async nodeWindows(lo: number, hi: number, maxLevel: number): Promise<NodeWindow[]> {
    // Per level, the nodes completed by leaves [lo, hi) are idx in [lo >> level, hi >> level): one index range
    // scan each, concatenated in the database so a whole window travels as one value.
    const rows = await sql<{ level: number; lo: number | null; count: number; hashes: Uint8Array | null }>`
      select l.level, s.lo, s.count, s.hashes from generate_series(0, ${maxLevel}::int) as l(level)
      cross join lateral (
        select min(n.idx) as lo, count(*)::int8 as count, string_agg(n.hash, ''::bytea order by n.idx) as hashes from ledger_nodes n
        where n.level = l.level and n.idx >= (${lo}::int8 >> l.level) and n.idx < (${hi}::int8 >> l.level)
      ) s`.execute(this.db);
    return rows.rows.map((r) => ({ level: r.level, lo: r.lo ?? 0, count: r.count, hashes: r.hashes ? toBuffer(r.hashes) : Buffer.alloc(0) }));
  }

  async leafBatch(lo: number, hi: number): Promise<LeafBatch> {
    // Each canonical text preceded by a newline, which RFC 8785 output never contains raw: the caller turns every
    // separator into the 0x00 leaf prefix and hashes in place. Rows whose columns do not plainly open and close
    // their canonical text are flagged for an exact check (plain concatenation is much cheaper than to_json, and
    // a column needing JSON escapes is merely flagged, never passed).
    const r = await sql<{ count: number; first: number | null; text: string | null; suspects: number[] | null }>`
      select count(*)::int8 as count, min(idx) as first, E'\\n' || string_agg(canonical, E'\\n') as text, ${SUSPECTS}
      from ${leafWindow(lo, hi)}`.execute(this.db);
    const row = r.rows[0]!;
    return { count: row.count, first: row.first ?? lo, text: row.text ?? '', suspects: (row.suspects ?? []).map(Number) };
  }

  async leafHashBatch(lo: number, hi: number): Promise<LeafBatch> {
    // The server hashes the stored text where it lies: 32 bytes per leaf cross the wire instead of the text, and
    // the hashing runs on the database's core while this process builds the interior levels.
    const r = await sql<{ count: number; first: number | null; hashes: Uint8Array | null; suspects: number[] | null }>`
      select count(*)::int8 as count, min(idx) as first,
        string_agg(sha256('\\x00'::bytea || convert_to(canonical, 'UTF8')), ''::bytea order by idx) as hashes, ${SUSPECTS}
      from ${leafWindow(lo, hi)}`.execute(this.db);
    const row = r.rows[0]!;
    return { count: row.count, first: row.first ?? lo, hashes: row.hashes ? toBuffer(row.hashes) : Buffer.alloc(0), suspects: (row.suspects ?? []).map(Number) };
  }

  async nodeDigests(lo: number, hi: number, maxLevel: number): Promise<NodeDigest[]> {
    const rows = await sql<{ level: number; lo: number | null; count: number; digest: Uint8Array | null }>`
      select l.level, s.lo, s.count, s.digest from generate_series(0, ${maxLevel}::int) as l(level)
      cross join lateral (
        select min(n.idx) as lo, count(*)::int8 as count, sha256(string_agg(n.hash, ''::bytea order by n.idx)) as digest from ledger_nodes n
        where n.level = l.level and n.idx >= (${lo}::int8 >> l.level) and n.idx < (${hi}::int8 >> l.level)
      ) s`.execute(this.db);
    return rows.rows.map((r) => ({ level: r.level, lo: r.lo ?? 0, count: r.count, digest: r.digest ? toBuffer(r.digest) : undefined }));
  }

  async nodeRows(level: number, lo: number, hi: number): Promise<Array<{ idx: number; hash: Hash }>> {
    const rows = await this.db.selectFrom('ledger_nodes').select(['idx', 'hash']).where('level', '=', level).where('idx', '>=', lo).where('idx', '<', hi).orderBy('idx').execute();
    return rows.map((r) => ({ idx: r.idx, hash: toBuffer(r.hash) }));
  }

  async leafIndexOf(hash: Hash): Promise<number | undefined> {
    const r = await this.db.selectFrom('ledger_nodes').select('idx').where('level', '=', 0).where('hash', '=', toBuffer(hash)).orderBy('idx').limit(1).executeTakeFirst();
    return r?.idx;
  }

  async beyond(size: number): Promise<{ entries: number; firstEntry?: number; nodes: number }> {
    const e = await sql<{ c: number; first: number | null }>`select count(*)::int8 as c, min(idx) as first from ledger_entries where idx >= ${size}`.execute(this.db);
    // A node (level, idx) lies beyond the log when its last leaf, (idx + 1) * 2^level - 1, is not below size.
    const n = await sql<{ c: number }>`select count(*)::int8 as c from ledger_nodes where (idx + 1) * (1::int8 << level) > ${size}::int8`.execute(this.db);
    const first = e.rows[0]?.first;
    return { entries: e.rows[0]?.c ?? 0, ...(first !== null && first !== undefined ? { firstEntry: first } : {}), nodes: n.rows[0]?.c ?? 0 };
  }
}
