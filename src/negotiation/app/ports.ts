import type { Kysely, OperationNodeSource } from 'kysely';
import type { DB } from '../../db/index.js';
import type { NegotiationState, Role } from '../domain/negotiation.machine.js';
import type { Negotiation, Policy } from '../domain/negotiation.js';
import type { Outbox } from '../../outbox/index.js';
export type { OutboxMessage, OutboxOutcome } from '../../outbox/index.js';

/**
 * What the negotiation context needs from others, as structural subsets: the lead wires the outbox, the
 * contracts context, the catalog, the participant directory and the DSP catalog client.
 */

/** src/outbox: messages written in the caller's transaction, delivered after commit, retried; one outcome each. */
export type OutboxPort = Pick<Outbox, 'enqueue' | 'on'> & Partial<Pick<Outbox, 'enqueueWith' | 'committed'>>;

export type ContractStatus = 'pending' | 'active' | 'superseded' | 'terminated' | 'revoked' | 'expired';

/** src/contracts: the agreement of a finalised negotiation is a signed bilateral contract. */
export interface ContractsPort {
  bilateralFromAgreement(input: { agreement: Record<string, unknown>; providerDid: string; consumerDid: string; offerId: string; purpose?: string }): object;
  sign(doc: object): Promise<string>;
  verifySignature(doc: object, jws: string, expectedSignerDid: string): Promise<void>;
  recordSigned(tx: Kysely<DB>, doc: object, signatures: string[]): Promise<{ contractId: string; versionHash: string; status: ContractStatus }>;
  statusOfAgreement(agreementId: string): Promise<ContractStatus | undefined>;
  /** The backing contract's id and status (shown with an agreement so an operator can revoke it). */
  contractOfAgreement(agreementId: string): Promise<{ id: string; status: ContractStatus } | undefined>;
  assertAgreementUsable(agreementId: string): Promise<void>;
}

/** The provider's own catalog (src/catalog reader): the offers of one offered dataset, by its local uuid. */
export interface OfferCatalog {
  getOfferedDataset(id: string): Promise<{ offers: Array<{ id: string; policy: Record<string, unknown> }> } | undefined>;
}

/** Trusted participants (src/participants): only active ones may negotiate, and callbacks stay on their origin. */
export interface ParticipantLookup {
  get(did: string): Promise<{ did: string; status: 'active' | 'suspended'; endpoints: { dsp?: string | undefined } } | undefined>;
}

/** How a consumer learns the offer it asks for: the provider's catalog entry holding that offer @id. */
export interface OfferResolver {
  resolve(input: { counterPartyAddress: string; counterPartyId: string; offerId: string; datasetId?: string | undefined }): Promise<{ offer: Policy; target: string } | undefined>;
  /** Drops what is remembered of an offer (the provider refused a request for it). */
  forget?(input: { counterPartyId: string; offerId: string }): void;
}

export interface NegotiationFilter {
  role?: Role | undefined;
  state?: NegotiationState | undefined;
  counterPartyId?: string | undefined;
  limit: number;
  offset: number;
}

/** Persistence of negotiations. Writes take the caller's transaction; `save` holds the row it changed until commit. */
export interface NegotiationStore {
  insert(tx: Kysely<DB>, n: Negotiation): Promise<void>;
  /** `insert` and `save` as one statement not run yet, RETURNING the row it wrote (to run along other writes). */
  insertStatement(db: Kysely<DB>, n: Negotiation): OperationNodeSource;
  saveStatement(db: Kysely<DB>, n: Negotiation): OperationNodeSource;
  get(id: string): Promise<Negotiation | undefined>;
  byCounterpartyPid(did: string, pid: string): Promise<Negotiation | undefined>;
  /** Writes every mutable field of `n` and its version + 1; false when the stored version is no longer `n.version`. */
  save(tx: Kysely<DB>, n: Negotiation): Promise<boolean>;
  /**
   * Records the counterparty's pid if none is known yet (first writer wins; never changed afterwards). Not a
   * transition, so the version stays: a change being prepared meanwhile, which adopts the same pid, still applies.
   */
  adoptCounterpartyPid(id: string, pid: string): Promise<void>;
  list(filter: NegotiationFilter): Promise<{ total: number; items: Negotiation[] }>;
  byAgreementId(agreementId: string): Promise<Negotiation | undefined>;
  latestAgreement(counterpartyDid: string, target: string, role: 'provider' | 'consumer'): Promise<Negotiation | undefined>;
  /** Negotiations holding an agreement in state FINALIZED, newest first. */
  agreements(limit: number, offset: number): Promise<{ total: number; items: Negotiation[] }>;
}
