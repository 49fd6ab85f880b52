import { AppError, type Clock } from '../../kernel/index.js';
import { canonicalEntry, checkNewEntry, type LogEntry, type NewLogEntry } from '../domain/log-entry.js';
import { foldSubtrees, leafHash, nodeHash, type Hash, type NodeId } from '../domain/merkle-tree.js';
import type { EntryRow, LedgerStore, Queryable } from './ledger.store.js';

/** The right edge of a tree of `size` leaves: one complete subtree per set bit of size, highest level first. */
export function frontier(size: number): NodeId[] {
  const out: NodeId[] = [];
  for (let level = Math.floor(Math.log2(Math.max(size, 1))) + 1; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) out.push({ level, index: Math.floor(size / width) - 1 });
  }
  return out;
}

function refuse(errors: ReturnType<typeof checkNewEntry>): never {
  const unknownType = errors.find((e) => e.path.endsWith('/type'));
  const code = unknownType ? 'DS_LEDGER_UNKNOWN_TYPE' : 'DS_LEDGER_INVALID_ENTRY';
  throw new AppError(code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/**
 * Appends entries inside the caller's transaction, so a record and its log entry commit together or not at all.
 * It locks and reads the state (size, root and right-edge subtrees) in one statement, computes every subtree the
 * new leaves complete, and writes entries, nodes and the new state in one more.
 */
export async function appendEntries(deps: { store: LedgerStore; clock: Clock }, tx: Queryable, items: readonly NewLogEntry[], pathOf: (i: number) => string): Promise<LogEntry[]> {
  const errors = items.flatMap((e, i) => checkNewEntry(e).map((x) => ({ ...x, path: `${pathOf(i)}${x.path}` })));
  if (errors.length) refuse(errors);
  if (items.length === 0) return [];
  // Every statement from here to the caller's commit holds the state row: two round trips, and callers append
  // last in their transactions (appendMany once rather than several appends) to keep that hold short.
  const { size, frontier: edgeHashes } = await deps.store.lockState(tx);
  const edge = frontier(size);
  if (edgeHashes.length !== edge.length) throw new Error(`the stored right edge has ${edgeHashes.length} hashes for size ${size}, not ${edge.length}: run dases log verify`);
  const pending = new Map<number, Hash>();
  edge.forEach((n, i) => pending.set(n.level, edgeHashes[i]!));
  const rows: EntryRow[] = [];
  const nodes: Array<NodeId & { hash: Hash }> = [];
  const out: LogEntry[] = [];
  for (const [j, item] of items.entries()) {
    const idx = size + j;
    const body = { type: item.type, actor: item.actor, timestamp: deps.clock.now().toISOString(), subject: item.subject, payload: item.payload };
    let canonical: string;
    try {
      canonical = canonicalEntry(body);
    } catch (e) {
      const path = `${pathOf(j)}/payload`;
      throw new AppError('DS_LEDGER_INVALID_ENTRY', `${path}: ${(e as Error).message}`, [{ path, message: `has no RFC 8785 JSON form: ${(e as Error).message}` }]);
    }
    rows.push({ idx, type: body.type, actor: body.actor, subject: body.subject, ts: body.timestamp, canonical });
    out.push({ index: idx, ...(JSON.parse(canonical) as typeof body) });
    let h = leafHash(canonical);
    let level = 0;
    let index = idx;
    nodes.push({ level, index, hash: h });
    // A right child completes its parent; climb while the subtree just finished is one.
    while (index % 2 === 1) {
      h = nodeHash(pending.get(level)!, h);
      pending.delete(level);
      level += 1;
      index = (index - 1) / 2;
      nodes.push({ level, index, hash: h });
    }
    pending.set(level, h);
  }
  const right = [...pending.entries()].sort((a, b) => b[0] - a[0]).map(([, h]) => h);
  await deps.store.append(tx, rows, nodes, { size: size + items.length, root: foldSubtrees(right), frontier: right });
  return out;
}
