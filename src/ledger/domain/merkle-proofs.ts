import { timingSafeEqual } from 'node:crypto';
import { HASH_SIZE, nodeHash, rangeRoot, splitPoint, type Hash, type LeafRange } from './merkle-tree.js';

/**
 * Proof producers and verifiers of RFC 9162 §2.1.3 and §2.1.4. Producers return the leaf ranges whose MTH make up
 * the proof, in the RFC's order, so the log can answer them from stored complete subtrees; `…FromLeaves` variants
 * evaluate them over an in-memory list.
 */

/** PATH(m, D[n]) of §2.1.3.1 as ranges: the sibling nearest the leaf first. */
export function inclusionRanges(m: number, n: number): LeafRange[] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m >= 0 && m < n)) throw new RangeError(`no inclusion proof for leaf ${m} in a tree of ${n}`);
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = n;
  const stack: LeafRange[] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < lo + k) {
      stack.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      stack.push({ lo, hi: lo + k });
      lo += k;
    }
  }
  // The recursion appends on the way back up, so the deepest sibling comes first.
  while (stack.length) out.push(stack.pop()!);
  return out;
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of §2.1.4.1 as ranges. Empty when m is 0 or m = n. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m >= 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const stack: LeafRange[] = [];
  let lo = 0;
  let hi = n;
  let b = true;
  while (m !== hi) {
    const k = splitPoint(hi - lo);
    if (m <= lo + k) {
      stack.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      stack.push({ lo, hi: lo + k });
      lo += k;
      b = false;
    }
  }
  const out: LeafRange[] = b ? [] : [{ lo, hi }];
  while (stack.length) out.push(stack.pop()!);
  return out;
}

export const inclusionProofFromLeaves = (m: number, leaves: readonly Hash[]): Hash[] => inclusionRanges(m, leaves.length).map((r) => rangeRoot(leaves, r.lo, r.hi));
export const consistencyProofFromLeaves = (m: number, leaves: readonly Hash[]): Hash[] =>
  consistencyRanges(m, leaves.length).map((r) => rangeRoot(leaves, r.lo, r.hi));

export const hashEquals = (a: Hash, b: Hash): boolean => a.length === HASH_SIZE && b.length === HASH_SIZE && timingSafeEqual(a, b);

const isHash = (h: unknown): h is Hash => h instanceof Uint8Array && h.length === HASH_SIZE;
const lsb = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** The root an inclusion proof leads to (§2.1.3.2 steps 1-4), or undefined when the proof cannot be walked. */
export function rootFromInclusionProof(index: number, size: number, leaf: Hash, proof: readonly Hash[]): Hash | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || !isHash(leaf)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (!isHash(p) || sn === 0) return undefined;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** §2.1.3.2: true when `proof` proves leaf `leaf` at `index` in the tree of `size` leaves with root `root`. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  const r = rootFromInclusionProof(index, size, leaf, proof);
  return r !== undefined && isHash(root) && hashEquals(r, root);
}

/**
 * §2.1.4.2 for 0 < first < second; the trivial cases as CT verifiers treat them: first = second needs equal roots
 * and an empty proof, first = 0 an empty proof (the empty tree is a prefix of every tree).
 */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || second < first) return false;
  if (!isHash(firstRoot) || !isHash(secondRoot)) return false;
  if (first === second) return proof.length === 0 && hashEquals(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0 || !proof.every(isHash)) return false;
  // Step 2: when the first tree is a complete subtree of the second, its root is the proof's implicit first node.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashEquals(fr, firstRoot) && hashEquals(sr, secondRoot);
}

function isPowerOfTwo(x: number): boolean {
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
