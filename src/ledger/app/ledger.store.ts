import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Hash, NodeId } from '../domain/merkle-tree.js';

/** A query runner: the node's database or a caller's transaction. */
export type Queryable = Kysely<DB>;

export interface EntryRow {
  idx: number;
  type: string;
  actor: string;
  subject: string;
  /** ISO 8601 with milliseconds, as the Clock gave it. */
  ts: string;
  canonical: string;
}

export interface StoredHead {
  size: number;
  rootHash: Hash;
  ts: Date;
  jws: string;
}

export interface EntryFilter {
  start?: number;
  /** Inclusive, as RFC 6962 get-entries. */
  end?: number;
  type?: string;
  subject?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

/** The stored nodes of one level over [lo, lo + count) as one buffer, or undefined when some are missing. */
export interface NodeWindow {
  level: number;
  lo: number;
  count: number;
  hashes: Buffer;
}

/** The stored nodes of one level in [lo, hi): first and last stored index, row count, hashes in index order. */
export interface NodeRun {
  level: number;
  lo: number;
  first: number | undefined;
  last: number | undefined;
  count: number;
  hashes: Buffer;
}

/**
 * A batch of leaves for the quick pass: either the canonical texts, each preceded by "\n", or the leaf hashes the
 * database computed from them (32 bytes each, in index order); and the indexes whose columns disagree with their text.
 */
export interface LeafBatch {
  count: number;
  first: number;
  text?: string;
  hashes?: Buffer;
  suspects: number[];
}

/** SHA-256 over the concatenated stored hashes of one level over a window, in index order. */
export interface NodeDigest {
  level: number;
  lo: number;
  count: number;
  digest: Hash | undefined;
}

/** The log's size, root and the right edge of its tree: one complete-subtree hash per set bit of size, highest level first. */
export interface LedgerState {
  size: number;
  root: Hash;
  frontier: Hash[];
}

/** Storage of the log: entries, complete-subtree nodes, the current size and root, signed heads. */
export interface LedgerStore {
  /** The size, root and right-edge subtree hashes (highest level first) as committed. */
  state(q: Queryable): Promise<LedgerState>;
  nodes(q: Queryable, ids: readonly NodeId[]): Promise<Map<number, Hash>>;
  /**
   * The state an append builds on, read in the statement that locks it for the rest of the transaction: appenders
   * of every process sharing the database are serialised from here to their commit; readers are not blocked.
   */
  lockState(tx: Queryable): Promise<LedgerState>;
  /** Committed nodes of several [lo, hi) windows, one per level given, in one round trip. */
  nodeRuns(windows: ReadonlyArray<{ level: number; lo: number; hi: number }>): Promise<NodeRun[]>;
  /** Writes entries and nodes and moves the state to `next`; call it after lockState in the same transaction. */
  append(tx: Queryable, entries: EntryRow[], nodes: Array<NodeId & { hash: Hash }>, next: LedgerState): Promise<void>;
  entries(filter: EntryFilter): Promise<EntryRow[]>;
  /** The entries at these indexes that exist, in index order. */
  entriesAt(indexes: readonly number[]): Promise<EntryRow[]>;
  newestHead(): Promise<StoredHead | undefined>;
  /** `state` and `newestHead` in one round trip (the committed state, and the newest head stored when it was read). */
  stateAndNewestHead(): Promise<{ state: LedgerState; newest: StoredHead | undefined }>;
  /**
   * Inserts the head unless one exists for that size, or a larger or later one exists (heads only move forward);
   * true when this head was inserted, and so is now the newest.
   */
  insertHead(head: StoredHead): Promise<boolean>;
  heads(): Promise<StoredHead[]>;
  // For verification, which reads everything as stored.
  entryBatch(lo: number, hi: number): Promise<EntryRow[]>;
  nodeWindows(lo: number, hi: number, maxLevel: number): Promise<NodeWindow[]>;
  leafBatch(lo: number, hi: number): Promise<LeafBatch>;
  /** As leafBatch, with SHA-256(0x00 ‖ canonical) computed by the database server from the stored text. */
  leafHashBatch(lo: number, hi: number): Promise<LeafBatch>;
  nodeDigests(lo: number, hi: number, maxLevel: number): Promise<NodeDigest[]>;
  nodeRows(level: number, lo: number, hi: number): Promise<Array<{ idx: number; hash: Hash }>>;
  leafIndexOf(hash: Hash): Promise<number | undefined>;
  /** Entries and nodes stored beyond a log of `size` leaves. */
  beyond(size: number): Promise<{ entries: number; firstEntry?: number; nodes: number }>;
}
