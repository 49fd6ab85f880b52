import { hash as sha } from 'node:crypto';
import type { JWK } from 'jose';
import type { Logger } from '../../kernel/index.js';
import { foldSubtrees, HASH_SIZE, nodeHash, type Hash } from '../domain/merkle-tree.js';
import { decodeTreeHead, verifyTreeHeadJws } from '../domain/tree-head.js';
import type { EntryRow, LedgerState, LedgerStore, NodeWindow, Queryable, StoredHead } from './ledger.store.js';
import type { LedgerSigner } from './signer.js';

export type ProblemReason = 'missing' | 'altered' | 'reordered' | 'node-altered' | 'node-missing' | 'head-mismatch' | 'head-signature' | 'state-mismatch' | 'beyond-size';

export interface VerifyProblem {
  /** The first entry index the problem concerns. */
  index: number;
  reason: ProblemReason;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  size: number;
  checkedEntries: number;
  checkedHeads: number;
  firstBadIndex?: number;
  /** At most MAX_PROBLEMS, the lowest indexes of each kind first. */
  problems: VerifyProblem[];
  durationMs: number;
}

const BATCH = 32_768;
const MAX_PROBLEMS = 100;
const MAX_LOOKUPS = 20;
const ZERO = Buffer.alloc(HASH_SIZE);

interface Pending {
  level: number;
  hash: Hash;
  /** The stored subtree equals the recomputed one, all the way down. */
  ok: boolean;
}

/** Looks up stored node (level, idx) of the current batch: from the window, or from rows when the window has gaps. */
class StoredNodes {
  readonly #windows = new Map<number, NodeWindow>();
  readonly #rows = new Map<number, Map<number, Hash>>();
  constructor(windows: NodeWindow[], lo: number, hi: number, rows: Map<number, Map<number, Hash>>) {
    for (const w of windows) {
      const first = Math.floor(lo / 2 ** w.level);
      const expected = Math.floor(hi / 2 ** w.level) - first;
      if (w.count === expected && (expected === 0 || w.lo === first) && w.hashes.length === expected * HASH_SIZE) this.#windows.set(w.level, { ...w, lo: first });
    }
    this.#rows = rows;
  }
  static incomplete(windows: NodeWindow[], lo: number, hi: number): number[] {
    return windows.filter((w) => {
      const first = Math.floor(lo / 2 ** w.level);
      const expected = Math.floor(hi / 2 ** w.level) - first;
      return !(w.count === expected && (expected === 0 || w.lo === first) && w.hashes.length === expected * HASH_SIZE);
    }).map((w) => w.level);
  }
  /** 1 when equal, 0 when different, -1 when no such node is stored. */
  compare(level: number, idx: number, h: Hash): 1 | 0 | -1 {
    const w = this.#windows.get(level);
    if (w) {
      const off = (idx - w.lo) * HASH_SIZE;
      return Buffer.compare(h, w.hashes.subarray(off, off + HASH_SIZE)) === 0 ? 1 : 0;
    }
    const s = this.#rows.get(level)?.get(idx);
    return s === undefined ? -1 : Buffer.compare(h, s) === 0 ? 1 : 0;
  }
  leafWindow(): Buffer | undefined {
    return this.#windows.get(0)?.hashes;
  }
}

const quote = JSON.stringify;
/** The canonical text of an entry whose columns are these can only start and end so (RFC 8785 orders the keys). */
const columnsMatch = (r: EntryRow) =>
  r.canonical.startsWith(`{"actor":${quote(r.actor)},"payload":`) && r.canonical.endsWith(`,"subject":${quote(r.subject)},"timestamp":${quote(r.ts)},"type":${quote(r.type)}}`);

function columnDifference(r: EntryRow): string {
  try {
    const c = JSON.parse(r.canonical) as Record<string, unknown>;
    const names = (['type', 'actor', 'subject'] as const).filter((k) => c[k] !== r[k]);
    if (c.timestamp !== r.ts) names.push('ts' as never);
    return names.length ? `column ${names.join(', ')} differs from the hashed entry` : 'the hashed entry is not in canonical form';
  } catch {
    return 'the hashed entry is not JSON';
  }
}

export interface VerifyDeps {
  db: Queryable;
  store: LedgerStore;
  signer: LedgerSigner;
  did: string;
  logger: Logger;
  now: () => number;
  /** Where the quick pass computes leaf hashes (see LeafSource); the exact pass always hashes here. */
  leafSource?: 'text' | 'database';
}

/**
 * The exact pass of `dases log verify`: recomputes every leaf from the stored canonical text and every complete
 * subtree, compares each with its stored row, and tells a leaf that differs from one whose subtree was rewritten
 * (a node whose children both match). Slower than the quick pass; it runs when that one found something.
 */
export async function exactCheck(deps: VerifyDeps, state: LedgerState, heads: StoredHead[]): Promise<VerifyReport> {
  const started = deps.now();
  const { store } = deps;
  const n = state.size;
  const problems: VerifyProblem[] = [];
  const add = (p: VerifyProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let lookups = 0;
  const stack: Pending[] = [];
  const headQueue = heads.filter((h) => h.size <= n);
  for (const h of heads.filter((x) => x.size > n)) add({ index: n, reason: 'head-mismatch', detail: `a head was signed for size ${h.size}, beyond the log's ${n}` });
  let checkedHeads = 0;
  let lastGoodHead = 0;
  const keys = new Map<string, JWK>();
  const checkHead = async (h: StoredHead, root: Hash) => {
    checkedHeads += 1;
    const clean = stack.every((p) => p.ok);
    if (Buffer.compare(root, h.rootHash) !== 0 && clean) {
      add({ index: lastGoodHead, reason: 'head-mismatch', detail: `the root recomputed at size ${h.size} differs from the signed head's: an entry in [${lastGoodHead}, ${h.size}) was rewritten with its stored hashes` });
    } else if (Buffer.compare(root, h.rootHash) === 0) lastGoodHead = h.size;
    const problem = await headSignatureProblem(h, deps, keys);
    if (problem) add({ index: Math.max(0, h.size - 1), reason: 'head-signature', detail: problem });
  };
  while (headQueue[0]?.size === 0) await checkHead(headQueue.shift()!, foldSubtrees([]));

  const fetchBatch = (lo: number) => {
    const hi = Math.min(lo + BATCH, n);
    const maxLevel = Math.floor(Math.log2(Math.max(n, 1)));
    return Promise.all([store.entryBatch(lo, hi), store.nodeWindows(lo, hi, maxLevel)]);
  };
  const scratch = { buf: Buffer.alloc(64 * 1024) };
  let next = n > 0 ? fetchBatch(0) : undefined;
  for (let lo = 0; lo < n; lo += BATCH) {
    const hi = Math.min(lo + BATCH, n);
    const [rows, windows] = await next!;
    next = hi < n ? fetchBatch(hi) : undefined;
    const gaps = new Map<number, Map<number, Hash>>();
    for (const level of StoredNodes.incomplete(windows, lo, hi)) {
      const got = await store.nodeRows(level, Math.floor(lo / 2 ** level), Math.floor(hi / 2 ** level));
      gaps.set(level, new Map(got.map((r) => [r.idx, r.hash])));
    }
    const stored = new StoredNodes(windows, lo, hi, gaps);
    const suspects: Array<{ idx: number; leaf: Hash }> = [];
    let p = 0;
    for (let idx = lo; idx < hi; idx++) {
      const row = rows[p]?.idx === idx ? rows[p++] : undefined;
      let leaf: Hash = ZERO;
      let ok = false;
      if (!row) add({ index: idx, reason: 'missing', detail: `entry ${idx} is not stored` });
      else {
        leaf = hashLeaf(row.canonical, scratch);
        const cmp = stored.compare(0, idx, leaf);
        ok = cmp === 1;
        if (cmp === -1) add({ index: idx, reason: 'node-missing', detail: `the stored leaf hash of entry ${idx} is missing` });
        else if (cmp === 0) suspects.push({ idx, leaf });
        if (!columnsMatch(row)) {
          ok = false;
          add({ index: idx, reason: 'altered', detail: `entry ${idx}: ${columnDifference(row)}` });
        }
      }
      stack.push({ level: 0, hash: leaf, ok });
      while (stack.length > 1 && stack[stack.length - 1]!.level === stack[stack.length - 2]!.level) {
        const right = stack.pop()!;
        const left = stack.pop()!;
        const level = left.level + 1;
        const h = nodeHash(left.hash, right.hash);
        const at = Math.floor(idx / 2 ** level);
        const cmp = stored.compare(level, at, h);
        const childrenOk = left.ok && right.ok;
        if (childrenOk && cmp !== 1) {
          add({ index: at * 2 ** level, reason: cmp === -1 ? 'node-missing' : 'node-altered', detail: `stored node (level ${level}, index ${at}) ${cmp === -1 ? 'is missing' : 'differs from its recomputed hash'}` });
        }
        stack.push({ level, hash: h, ok: childrenOk && cmp === 1 });
      }
      while (headQueue[0]?.size === idx + 1) await checkHead(headQueue.shift()!, foldSubtrees(stack.map((s) => s.hash)));
    }
    for (const s of suspects) {
      const at = lookups++ < MAX_LOOKUPS ? await findLeaf(store, stored, s.leaf, lo) : undefined;
      if (at !== undefined && at !== s.idx) add({ index: s.idx, reason: 'reordered', detail: `entry ${s.idx} holds the entry hashed at index ${at}` });
      else add({ index: s.idx, reason: 'altered', detail: `entry ${s.idx} does not match its stored leaf hash` });
    }
  }

  const root = foldSubtrees(stack.map((s) => s.hash));
  if (Buffer.compare(root, state.root) !== 0 && stack.every((s) => s.ok)) add({ index: lastGoodHead, reason: 'state-mismatch', detail: 'the stored root of the current size differs from the recomputed root' });
  const edgeDiffers = state.frontier.length !== stack.length || stack.some((s, i) => Buffer.compare(s.hash, state.frontier[i]!) !== 0);
  if (edgeDiffers && stack.every((s) => s.ok)) add({ index: lastGoodHead, reason: 'state-mismatch', detail: 'the stored right edge of the tree (the state row\'s frontier, which the next append builds on) differs from the recomputed subtrees' });
  // Entries appended while verification ran are not beyond the log: compare with the size as it is now.
  const extra = await store.beyond(Math.max(n, (await store.state(deps.db)).size));
  if (extra.entries > 0) add({ index: extra.firstEntry ?? n, reason: 'beyond-size', detail: `${extra.entries} entries are stored beyond the log size ${n}` });
  if (extra.nodes > 0) add({ index: n, reason: 'beyond-size', detail: `${extra.nodes} tree nodes are stored beyond the log size ${n}` });

  problems.sort((a, b) => a.index - b.index);
  const report: VerifyReport = { ok: problems.length === 0, size: n, checkedEntries: n, checkedHeads, problems, durationMs: Math.round(deps.now() - started) };
  if (problems[0]) report.firstBadIndex = problems[0].index;
  if (!report.ok) deps.logger.warn({ firstBadIndex: report.firstBadIndex, problems: problems.length }, 'transparency log verification found problems');
  return report;
}

function hashLeaf(canonical: string, scratch: { buf: Buffer }): Hash {
  // One reused buffer: at most three UTF-8 bytes per UTF-16 unit, plus the 0x00 prefix.
  if (scratch.buf.length < 1 + canonical.length * 3) scratch.buf = Buffer.alloc(1 + canonical.length * 3);
  const buf = scratch.buf;
  buf[0] = 0x00;
  const len = buf.write(canonical, 1, 'utf8');
  return sha('sha256', buf.subarray(0, 1 + len), 'buffer');
}

async function findLeaf(store: LedgerStore, stored: StoredNodes, leaf: Hash, lo: number): Promise<number | undefined> {
  const w = stored.leafWindow();
  if (w) {
    for (let off = w.indexOf(leaf); off !== -1; off = w.indexOf(leaf, off + 1)) if (off % HASH_SIZE === 0) return lo + off / HASH_SIZE;
  }
  return store.leafIndexOf(leaf);
}

export async function headSignatureProblem(h: StoredHead, deps: { signer: LedgerSigner; did: string }, keys: Map<string, JWK>): Promise<string | undefined> {
  const decoded = decodeTreeHead(h.jws);
  if (!decoded.ok) return `head of size ${h.size}: ${decoded.reason}`;
  const { kid } = decoded.value;
  let key = keys.get(kid);
  if (!key) {
    try {
      key = (await deps.signer.publicKey(kid)).publicKeyJwk;
      keys.set(kid, key);
    } catch {
      return `head of size ${h.size}: ${kid} is not a key of this node`;
    }
  }
  const v = await verifyTreeHeadJws(h.jws, key);
  if (!v.ok) return `head of size ${h.size}: ${v.reason}`;
  const { head } = v.value;
  if (head.size !== h.size || head.rootHash !== Buffer.from(h.rootHash).toString('base64') || head.iss !== deps.did) return `head of size ${h.size}: the signed payload differs from the stored columns`;
  return undefined;
}
