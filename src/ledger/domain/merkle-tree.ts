import { hash } from 'node:crypto';

/**
 * Merkle Tree Hash exactly as RFC 9162 §2.1.1 (SHA-256, leaves prefixed 0x00, interior nodes 0x01), so the
 * Certificate Transparency test vectors apply. Tree positions are "complete subtrees": node (level L, index i)
 * is MTH of the 2^L leaves [i·2^L, (i+1)·2^L). Every other range hash is folded from those.
 */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;
/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = hash('sha256', new Uint8Array(0), 'buffer');

const encoder = new TextEncoder();

export function leafHash(data: Uint8Array | string): Hash {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const buf = Buffer.allocUnsafe(1 + bytes.length);
  buf[0] = 0x00;
  buf.set(bytes, 1);
  return hash('sha256', buf, 'buffer');
}

// One scratch buffer for interior nodes: hashing is synchronous, so no call can interleave with another.
const pair = Buffer.alloc(1 + 2 * HASH_SIZE);
pair[0] = 0x01;

export function nodeHash(left: Hash, right: Hash): Hash {
  pair.set(left, 1);
  pair.set(right, 1 + HASH_SIZE);
  return hash('sha256', pair, 'buffer');
}

/** The largest power of two strictly smaller than n (n ≥ 2), the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over a list of leaf hashes (RFC 9162 §2.1.1). Used by tests and small trees; the log stores nodes. */
export function merkleRoot(leafHashes: readonly Hash[]): Hash {
  return rangeRoot(leafHashes, 0, leafHashes.length);
}

export function rangeRoot(leafHashes: readonly Hash[], lo: number, hi: number): Hash {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[lo]!;
  const k = splitPoint(n);
  return nodeHash(rangeRoot(leafHashes, lo, lo + k), rangeRoot(leafHashes, lo + k, hi));
}

export interface NodeId {
  level: number;
  index: number;
}

/** A leaf range [lo, hi): the unit proofs are made of. */
export interface LeafRange {
  lo: number;
  hi: number;
}

/**
 * The complete subtrees that make up [lo, hi), left to right. Every range the RFC 9162 proof recursions ask for
 * starts at a multiple of a power of two at least as large as its length, so the decomposition is by the binary
 * digits of the length.
 */
export function completeSubtrees(lo: number, hi: number): NodeId[] {
  const out: NodeId[] = [];
  let at = lo;
  while (at < hi) {
    let size = 1;
    while (at % (size * 2) === 0 && at + size * 2 <= hi) size *= 2;
    out.push({ level: Math.log2(size), index: at / size });
    at += size;
  }
  return out;
}

/** MTH of a range from its complete subtrees: the split point of MTH is always the largest one, so fold right. */
export function foldSubtrees(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

export const nodeKey = (level: number, index: number): number => index * 64 + level;
