import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Outbox } from '../../outbox/index.js';
export type { OutboxMessage, OutboxOutcome } from '../../outbox/index.js';

/**
 * What the contracts context needs from others, as structural subsets (the lead wires identity, the ledger, the
 * outbox and the participant directory).
 */

/** identity.signer: a compact EdDSA JWS with `typ` and a full DID URL `kid`. */
export interface ContractSigner {
  sign(payload: object, typ: string): Promise<string>;
  publicKey(kid?: string): Promise<{ kid: string; publicKeyJwk: JWK }>;
}

/** identity.resolver (did:web, cached). */
export interface ContractResolver {
  resolve(did: string): Promise<{ id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }> }>;
}

/** The transparency log: appends inside the caller's transaction. */
export interface ContractsLedger {
  append(tx: Kysely<DB>, entry: LedgerEntry): Promise<unknown>;
  /** Several entries under one hold of the log's append lock (used last in a transaction, to keep that hold short). */
  appendMany?(tx: Kysely<DB>, entries: readonly LedgerEntry[]): Promise<unknown>;
}

export interface LedgerEntry {
  type: string;
  actor: string;
  subject: string;
  payload: Record<string, unknown>;
}

/** The lead's outbox (src/outbox): POSTs the body to `url` with a node token for `audience`, after commit, with retries. */
export type OutboxPort = Pick<Outbox, 'enqueue' | 'on'>;

/** Where other parties are reached: trusted participants and their DSP base URL. */
export interface ContractDirectory {
  get(did: string): Promise<{ did: string; status: 'active' | 'suspended'; endpoints: { dsp?: string | undefined } } | undefined>;
}
