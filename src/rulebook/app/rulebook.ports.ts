import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { DidDocument } from '../../identity/index.js';
import type { Outbox } from '../../outbox/index.js';
export type { OutboxMessage, OutboxOutcome } from '../../outbox/index.js';

/**
 * What the rulebook context needs from others, as structural subsets (the node wires identity, the ledger,
 * the outbox, the participant registry and the contracts context).
 */

/** The transparency log: appends inside the caller's transaction. */
export interface RulebookLedger {
  append(tx: Kysely<DB>, entry: { type: string; actor: string; subject: string; payload: Record<string, unknown> }): Promise<unknown>;
}

/** identity.signer: a compact EdDSA JWS with `typ` and the full DID URL of the key as `kid`. */
export interface RulebookSigner {
  sign(payload: object, typ: string): Promise<string>;
}

/** identity.resolver (did:web, cached). */
export interface RulebookResolver {
  resolve(did: string): Promise<DidDocument>;
  invalidate(did: string): void;
}

/** The registry: who is trusted, which roles its verified self-description gives it, and where to reach it. */
export interface RulebookDirectory {
  get(did: string): Promise<{ did: string; status: 'active' | 'suspended'; roles: string[]; endpoints: { dsp?: string | undefined } } | undefined>;
}

/** The node's outbox (src/outbox): POSTs `body` to `url` with a node token for `audience`, after commit, with retries. */
export type OutboxPort = Pick<Outbox, 'enqueue' | 'on'>;

/** The part of the contracts context an orchestrator uses to bind the members in one multi-party contract. */
export interface ContractsPort {
  proposeEcosystemContract(input: {
    ecosystemId: string;
    title: string;
    members: Array<{ did: string; role: string; offerings: string[]; policies: Record<string, unknown>[] }>;
    rulebookHash: string;
  }): Promise<{ contractId: string; versionHash: string }>;
}

/** Node tokens for the synchronous calls (reading an ecosystem at its orchestrator before asking to join). */
export interface RulebookTokens {
  sign(audienceDid: string): Promise<string>;
}
