import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError } from '../../kernel/index.js';
import { consistencyRanges, inclusionRanges } from '../domain/merkle-proofs.js';
import { completeSubtrees, foldSubtrees, nodeKey, type Hash, type LeafRange, type NodeId } from '../domain/merkle-tree.js';
import type { LedgerStore } from './ledger.store.js';

const CACHE_LIMIT = 200_000;

export const outOfRange = (path: string, message: string) => new AppError('DS_LEDGER_OUT_OF_RANGE', `${path}: ${message}`, [{ path, message }]);

/**
 * Answers proofs from stored complete subtrees. Stored nodes never change, so every node read through the
 * database handle (committed data only, never a caller's transaction) is cached for the life of the process.
 */
export function createProofs(deps: { db: Kysely<DB>; store: LedgerStore }) {
  const cache = new Map<number, Hash>();

  async function hashes(ids: NodeId[]): Promise<Map<number, Hash>> {
    const missing = ids.filter((n) => !cache.has(nodeKey(n.level, n.index)));
    if (missing.length) {
      const found = await deps.store.nodes(deps.db, missing);
      if (cache.size + found.size > CACHE_LIMIT) cache.clear();
      for (const [k, h] of found) cache.set(k, h);
    }
    const out = new Map<number, Hash>();
    for (const n of ids) {
      const k = nodeKey(n.level, n.index);
      const h = cache.get(k);
      if (!h) throw new Error(`ledger node (${n.level}, ${n.index}) is missing: run dases log verify`);
      out.set(k, h);
    }
    return out;
  }

  /** The hashes of the given ranges, one batched read for all the subtrees they are made of. */
  async function rangeHashes(ranges: LeafRange[]): Promise<Hash[]> {
    const parts = ranges.map((r) => completeSubtrees(r.lo, r.hi));
    const found = await hashes(parts.flat());
    return parts.map((p) => foldSubtrees(p.map((n) => found.get(nodeKey(n.level, n.index))!)));
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
