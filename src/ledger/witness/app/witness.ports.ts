import type { Kysely } from 'kysely';
import type { DB } from '../../../db/index.js';
import type { DidDocument } from '../../../identity/index.js';

/**
 * What witnessing needs of this node's own log: the ledger's `Ledger` satisfies it as is (declared here rather
 * than imported so that the ledger's index can re-export witnessing without an import cycle).
 */
export interface WitnessLedger {
  /** Appends inside the caller's transaction. */
  append(tx: Kysely<DB>, entry: { type: string; actor: string; subject: string; payload: Record<string, unknown> }): Promise<unknown>;
  /** The latest signed tree head (compact JWS) and its size. */
  latestHead(): Promise<{ head: string; size: number }>;
  /** RFC 9162 consistency proof between two sizes, raw hashes in RFC order. */
  consistencyProof(from: number, to: number): Promise<{ proof: Uint8Array[] }>;
}

/** Signs with the node's active key (identity's signer): a compact EdDSA JWS with `typ` and a full DID URL `kid`. */
export interface WitnessSigner {
  sign(payload: object, typ: string): Promise<string>;
}

export interface WitnessDirectory {
  get(did: string): Promise<{ did: string; status: 'active' | 'suspended'; endpoints: { dsp?: string } } | undefined>;
  listActive(): Promise<Array<{ did: string; endpoints: { dsp?: string } }>>;
}

export interface WitnessResolver {
  resolve(did: string): Promise<DidDocument>;
  invalidate(did: string): void;
}
