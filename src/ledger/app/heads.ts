import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Clock } from '../../kernel/index.js';
import { entryFromCanonical } from '../domain/log-entry.js';
import type { Receipt } from '../domain/receipt.js';
import { decodeTreeHead, TREE_HEAD_TYP, type TreeHead } from '../domain/tree-head.js';
import type { LedgerStore, StoredHead } from './ledger.store.js';
import { outOfRange, type Proofs } from './proofs.js';
import type { LedgerSigner } from './signer.js';

/** A signed tree head as the API serves it: the compact JWS and its payload's fields. */
export interface SignedTreeHead {
  head: string;
  size: number;
  rootHash: string;
  timestamp: string;
}

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');
const served = (h: StoredHead): SignedTreeHead => ({ head: h.jws, size: h.size, rootHash: b64(h.rootHash), timestamp: h.ts.toISOString() });

export function createHeads(deps: { db: Kysely<DB>; store: LedgerStore; clock: Clock; did: string; signer: LedgerSigner; proofs: Proofs }) {
  const { store, signer } = deps;

  /**
   * The signed head of the current size, signed now if the newest stored one is older. Signing happens outside
   * any transaction (the key store reads the database; PGlite has one connection), and the insert refuses a head
   * that would not be the newest, so sizes and timestamps only move forward.
   */
  async function latestHead(): Promise<SignedTreeHead> {
    const { state, newest } = await store.stateAndNewestHead();
    if (newest && newest.size >= state.size) return served(newest);
    const now = deps.clock.now();
    const ts = newest && newest.ts > now ? newest.ts : now;
    const payload: TreeHead = { iss: deps.did, size: state.size, rootHash: b64(state.root), timestamp: ts.toISOString() };
    const jws = await signer.sign(payload, TREE_HEAD_TYP);
    const signed = { size: state.size, rootHash: state.root, ts, jws };
    // Ours is the newest unless another signer (a concurrent call, another process) stored a newer one meanwhile.
    if (await store.insertHead(signed)) return served(signed);
    return served((await store.newestHead())!);
  }

  /**
   * Receipts of several entries against one head (the current one, signed now if needed): one signature, one read
   * of the entries, and proofs that share their reads of the tree. `path` names the index in errors.
   */
  async function receipts(indexes: readonly number[], path = '/params/index'): Promise<Receipt[]> {
    if (indexes.length === 0) return [];
    const head = await latestHead();
    const beyond = indexes.find((i) => i >= head.size);
    if (beyond !== undefined) throw outOfRange(path, `must be below the log size ${head.size} (${beyond} is not)`);
    const rows = new Map((await store.entriesAt([...new Set(indexes)])).map((r) => [r.idx, r]));
    const decoded = decodeTreeHead(head.head);
    if (!decoded.ok) throw new Error(`stored tree head of size ${head.size} is unreadable: ${decoded.reason}`);
    const key = await signer.publicKey(decoded.value.kid);
    const out: Receipt[] = [];
    // One after the other: the first proof reads the tree's chunks, the next ones find them cached.
    for (const index of indexes) {
      const row = rows.get(index);
      if (!row) throw new Error(`ledger entry ${index} is missing: run dases log verify`);
      const proof = await deps.proofs.inclusion(index, head.size);
      out.push({
        entry: entryFromCanonical(row.idx, row.canonical),
        treeHead: head.head,
        inclusionProof: proof.auditPath.map(b64),
        signer: { did: deps.did, kid: key.kid, publicKeyJwk: key.publicKeyJwk },
      });
    }
    return out;
  }

  const receipt = async (index: number): Promise<Receipt> => (await receipts([index]))[0]!;

  return { latestHead, receipt, receipts };
}
