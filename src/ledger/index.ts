import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import { AppError, type Clock, type Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { SqlLedgerStore } from './adapters/sql-ledger.store.js';
import { appendEntries } from './app/append.js';
import { createHeads, type SignedTreeHead } from './app/heads.js';
import type { EntryFilter } from './app/ledger.store.js';
import { createProofs } from './app/proofs.js';
import type { LedgerSigner } from './app/signer.js';
import { verifyLog, type VerifyReport } from './app/verify.js';
import { isRegisteredType } from './domain/entry-types.js';
import { entryFromCanonical, type LogEntry, type NewLogEntry } from './domain/log-entry.js';
import type { Hash } from './domain/merkle-tree.js';
import type { Receipt } from './domain/receipt.js';
import { ledgerRoutes } from './http/ledger.routes.js';

export { registerEntryType, entryTypes, isRegisteredType } from './domain/entry-types.js';
export { canonicalEntry, hashedForm, type LogEntry, type LogEntryBody, type NewLogEntry } from './domain/log-entry.js';
export { leafHash, nodeHash, merkleRoot, rangeRoot, EMPTY_ROOT, HASH_SIZE, type Hash } from './domain/merkle-tree.js';
export {
  inclusionRanges,
  consistencyRanges,
  inclusionProofFromLeaves,
  consistencyProofFromLeaves,
  rootFromInclusionProof,
  verifyInclusion,
  verifyConsistency,
} from './domain/merkle-proofs.js';
export { verifyTreeHeadJws, decodeTreeHead, TREE_HEAD_TYP, type TreeHead, type Checked } from './domain/tree-head.js';
export { verifyReceipt, fromBase64, type Receipt, type ReceiptOptions, type ReceiptDidDocument, type KeyBinding } from './domain/receipt.js';
export type { LedgerSigner } from './app/signer.js';
export type { SignedTreeHead } from './app/heads.js';
export type { VerifyReport, VerifyProblem, ProblemReason } from './app/verify.js';
export type { EntryFilter } from './app/ledger.store.js';

/** Filters of `entries`: as EntryFilter, with a default limit. */
export type LogEntryFilter = Omit<EntryFilter, 'limit'> & { limit?: number };

export interface Ledger {
  /** Appends inside the caller's transaction `tx` (the record and its entry commit together or not at all). */
  append(tx: Kysely<DB>, entry: NewLogEntry): Promise<LogEntry>;
  appendMany(tx: Kysely<DB>, entries: readonly NewLogEntry[]): Promise<LogEntry[]>;
  latestHead(): Promise<SignedTreeHead>;
  /** `size` defaults to the current size. Hashes are raw bytes. */
  inclusionProof(index: number, size?: number): Promise<{ index: number; size: number; leafHash: Hash; auditPath: Hash[] }>;
  consistencyProof(from: number, to: number): Promise<{ from: number; to: number; proof: Hash[] }>;
  receipt(index: number): Promise<Receipt>;
  /** Receipts of several entries against one signed head (one signature, one read of the entries). */
  receipts(indexes: readonly number[]): Promise<Receipt[]>;
  verify(): Promise<VerifyReport>;
  entries(filter?: LogEntryFilter): Promise<LogEntry[]>;
  routes: (app: App) => Promise<void>;
}

export interface LedgerDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  /** The node's DID: the issuer of its tree heads. */
  did: string;
  signer: LedgerSigner;
  /** The database engine: on a PostgreSQL server, `verify` has the server hash the leaves (see LeafSource). */
  engine?: 'pglite' | 'postgres';
}

/**
 * The node's transparency log (RFC 9162 Merkle tree): appends in the callers' transactions, signed tree heads,
 * inclusion and consistency proofs, receipts and a full verification of what is stored.
 */
export function createLedger(deps: LedgerDeps): Ledger {
  const store = new SqlLedgerStore(deps.db);
  const proofs = createProofs({ db: deps.db, store });
  const heads = createHeads({ db: deps.db, store, clock: deps.clock, did: deps.did, signer: deps.signer, proofs });
  const ledger: Omit<Ledger, 'routes'> = {
    append: async (tx, entry) => (await appendEntries({ store, clock: deps.clock }, tx, [entry], () => ''))[0]!,
    appendMany: (tx, entries) => appendEntries({ store, clock: deps.clock }, tx, entries, (i) => `/${i}`),
    latestHead: () => heads.latestHead(),
    inclusionProof: (index, size) => proofs.inclusion(index, size),
    consistencyProof: (from, to) => proofs.consistency(from, to),
    receipt: (index) => heads.receipt(index),
    receipts: (indexes) => heads.receipts(indexes, '/indexes'),
    verify: () =>
      verifyLog({ db: deps.db, store, signer: deps.signer, did: deps.did, logger: deps.logger, now: () => performance.now(), leafSource: deps.engine === 'postgres' ? 'database' : 'text' }),
    async entries(filter = {}) {
      if (filter.type !== undefined && !isRegisteredType(filter.type)) {
        throw new AppError('DS_LEDGER_UNKNOWN_TYPE', `/type: unknown entry type "${filter.type}"`, [{ path: '/type', message: 'unknown entry type' }]);
      }
      const rows = await store.entries({ ...filter, limit: filter.limit ?? 100 });
      return rows.map((r) => entryFromCanonical(r.idx, r.canonical));
    },
  };
  return { ...ledger, routes: ledgerRoutes(ledger) };
}

export { createWitnessing, type Witnessing, type WitnessingDeps, type WitnessOutcome } from './witness/index.js';
