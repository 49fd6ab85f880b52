import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { NewOutboxMessage, Outbox } from '../../outbox/index.js';
export type { OutboxMessage, OutboxOutcome } from '../../outbox/index.js';
export type NewReceiptMessage = NewOutboxMessage;

/** Structural subsets of identity, the ledger, the outbox and participants (the lead wires the real ones). */

/** identity.signer: compact EdDSA JWS, `kid` = `<did>#<thumbprint>`. */
export interface ReceiptsSigner {
  sign(payload: object, typ: string): Promise<string>;
}

/** identity.resolver (did:web, cached). */
export interface ReceiptsResolver {
  resolve(did: string): Promise<{ id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }>; service?: Array<{ type: string; serviceEndpoint: unknown }> }>;
  invalidate?(did: string): void;
}

export interface ReceiptsLogEntry {
  type: string;
  actor: string;
  subject: string;
  payload: Record<string, unknown>;
}

/** The node's transparency log (src/ledger `Ledger`). */
export interface ReceiptsLedger {
  append(tx: Kysely<DB>, entry: ReceiptsLogEntry): Promise<{ index: number }>;
  /** Several entries in one append, indexes in the order given. */
  appendMany(tx: Kysely<DB>, entries: readonly ReceiptsLogEntry[]): Promise<Array<{ index: number }>>;
  /** Per entry: the entry + one signed head for all + its inclusion proof + key, verifiable offline (src/ledger `verifyReceipt`). */
  receipts(indexes: readonly number[]): Promise<unknown[]>;
}

/** src/outbox: messages written in the caller's transaction, delivered after commit, retried; one outcome each. */
export type OutboxPort = Pick<Outbox, 'enqueueWith' | 'on'>;

export interface ReceiptsDirectory {
  get(did: string): Promise<{ did: string; status: 'active' | 'suspended'; endpoints: { dsp?: string | undefined } } | undefined>;
}

export type { Measurement } from '../../dataplane/index.js';
