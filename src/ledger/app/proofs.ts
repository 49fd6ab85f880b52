import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError } from '../../kernel/index.js';
import { consistencyRanges, inclusionRanges } from '../domain/merkle-proofs.js';
import { completeSubtrees, foldSubtrees, HASH_SIZE, nodeKey, type Hash, type LeafRange, type NodeId } from '../domain/merkle-tree.js';
import type { LedgerStore } from './ledger.store.js';

/** Nodes per cached chunk of one level (128 KiB of hashes). */
const CHUNK = 4096;
/** At most 512 chunks (64 MiB) are kept, least recently used evicted first: a log of 2^20 entries fits whole. */
const MAX_CHUNKS = 512;
/** Folds of right-edge ranges kept (each 32 bytes plus its key); cleared when full. */
const MAX_FOLDS = 50_000;

export const outOfRange = (path: string, message: string) => new AppError('DS_LEDGER_OUT_OF_RANGE', `${path}: ${message}`, [{ path, message }]);

/**
 * Answers proofs from stored complete subtrees. Stored nodes never change, so nodes read through the database
 * handle (committed data only, never a caller's transaction) are cached for the life of the process, in dense
 * per-level chunks read in one round trip. A range folded from several subtrees (the right edge of a size) is
 * immutable once that size exists, so its fold is cached too: a proof for a known size and cached nodes needs no
 * database round trip at all.
 */
export function createProofs(deps: { db: Kysely<DB>; store: LedgerStore }) {
  // Key level * 2^32 + chunk number; the value holds the stored prefix of the chunk (a chunk at the tree's right
  // edge is partial until later appends, and is read again when a node past its end is asked for).
  const chunks = new Map<number, Buffer>();
  const folds = new Map<string, Hash>();
  const chunkKey = (level: number, c: number) => level * 2 ** 32 + c;

  function cached(level: number, idx: number): Hash | undefined {
    const key = chunkKey(level, Math.floor(idx / CHUNK));
    const c = chunks.get(key);
    const off = (idx % CHUNK) * HASH_SIZE;
    if (!c || off + HASH_SIZE > c.length) return undefined;
    // Least recently used order: a hit moves the chunk to the end of the map.
    chunks.delete(key);
    chunks.set(key, c);
    return c.subarray(off, off + HASH_SIZE);
  }

  async function hashes(ids: NodeId[]): Promise<Map<number, Hash>> {
    const out = new Map<number, Hash>();
    const missing: NodeId[] = [];
    for (const n of ids) {
      const h = cached(n.level, n.index);
      if (h) out.set(nodeKey(n.level, n.index), h);
      else missing.push(n);
    }
    if (missing.length) {
      const wanted = new Map<number, { level: number; lo: number; hi: number }>();
      for (const n of missing) {
        const c = Math.floor(n.index / CHUNK);
        wanted.set(chunkKey(n.level, c), { level: n.level, lo: c * CHUNK, hi: (c + 1) * CHUNK });
      }
      const irregular: NodeId[] = [];
      for (const run of await deps.store.nodeRuns([...wanted.values()])) {
        // Only a gapless run from the chunk's start is cached; anything else (a damaged table) is read node by node.
        if (run.count > 0 && run.first === run.lo && run.last === run.lo + run.count - 1 && run.hashes.length === run.count * HASH_SIZE) {
          chunks.set(chunkKey(run.level, run.lo / CHUNK), run.hashes);
          while (chunks.size > MAX_CHUNKS) chunks.delete(chunks.keys().next().value!);
        }
      }
      for (const n of missing) {
        const h = cached(n.level, n.index);
        if (h) out.set(nodeKey(n.level, n.index), h);
        else irregular.push(n);
      }
      if (irregular.length) for (const [k, h] of await deps.store.nodes(deps.db, irregular)) out.set(k, h);
    }
    for (const n of ids) if (!out.has(nodeKey(n.level, n.index))) throw new Error(`ledger node (${n.level}, ${n.index}) is missing: run dases log verify`);
    return out;
  }

  /** The hashes of the given ranges, one batched read for all the subtrees they are made of. */
  async function rangeHashes(ranges: LeafRange[]): Promise<Hash[]> {
    const results: Array<Hash | undefined> = ranges.map((r) => folds.get(`${r.lo}:${r.hi}`));
    const todo = ranges.map((r, i) => ({ r, i, parts: results[i] ? [] : completeSubtrees(r.lo, r.hi) })).filter((t) => !results[t.i]);
    if (todo.length) {
      const found = await hashes(todo.flatMap((t) => t.parts));
      for (const t of todo) {
        const h = foldSubtrees(t.parts.map((n) => found.get(nodeKey(n.level, n.index))!));
        results[t.i] = h;
        if (t.parts.length > 1) {
          if (folds.size >= MAX_FOLDS) folds.clear();
          folds.set(`${t.r.lo}:${t.r.hi}`, h);
        }
      }
    }
    return results as Hash[];
  }

  // Sizes only grow: a requested size at most the largest one seen committed needs no state read.
  let knownSize = 0;
  async function currentSize(atLeast?: number): Promise<number> {
    if (atLeast !== undefined && atLeast <= knownSize) return knownSize;
    knownSize = Math.max(knownSize, (await deps.store.state(deps.db)).size);
    return knownSize;
  }

  return {
    rangeHashes,
    async inclusion(index: number, size?: number): Promise<{ index: number; size: number; leafHash: Hash; auditPath: Hash[] }> {
      const current = await currentSize(size);
      const n = size ?? current;
      if (n > current) throw outOfRange('/querystring/size', `must not exceed the log size ${current}`);
      if (index >= n) throw outOfRange('/querystring/index', `must be below the tree size ${n}`);
      const [leaf, ...auditPath] = await rangeHashes([{ lo: index, hi: index + 1 }, ...inclusionRanges(index, n)]);
      return { index, size: n, leafHash: leaf!, auditPath };
    },
    async consistency(from: number, to: number): Promise<{ from: number; to: number; proof: Hash[] }> {
      const current = await currentSize(to);
      if (to > current) throw outOfRange('/querystring/to', `must not exceed the log size ${current}`);
      if (from > to) throw outOfRange('/querystring/from', `must not exceed to (${to})`);
      return { from, to, proof: await rangeHashes(consistencyRanges(from, to)) };
    },
  };
}

export type Proofs = ReturnType<typeof createProofs>;
