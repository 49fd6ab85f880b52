import type { Readable } from 'node:stream';
import type { Kysely, OperationNodeSource } from 'kysely';
import type { DB } from '../../db/index.js';
import type { TransferState, Role } from '../domain/transfer.machine.js';
import type { Transfer } from '../domain/transfer.js';
import type { DataAddress, DataDestination, DistributionLike, DistributionSource, Measurement } from '../domain/transfer.types.js';
import type { Outbox } from '../../outbox/index.js';
export type { OutboxMessage, OutboxOutcome } from '../../outbox/index.js';

/**
 * What the transfer context needs from others, as structural subsets of their public APIs (the lead wires the real
 * objects): outbox, participants, agreements (negotiation), catalog reader, usage, receipts, data plane, and for the
 * one-call API the negotiation and the DSP catalog client.
 */

/** src/outbox: messages written in the caller's transaction, delivered after commit, retried; one outcome each. */
export type OutboxPort = Pick<Outbox, 'enqueue' | 'on'> & Partial<Pick<Outbox, 'enqueueWith' | 'committed'>>;

export interface ParticipantLookup {
  get(did: string): Promise<{ did: string; status: 'active' | 'suspended'; endpoints: { dsp?: string | undefined } } | undefined>;
}

export interface AgreementRecord {
  agreementId: string;
  role: 'provider' | 'consumer';
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  policy: Record<string, unknown>;
  purpose?: string | undefined;
  agreedAt: Date;
}
export interface AgreementsPort {
  agreement(agreementId: string): Promise<AgreementRecord | undefined>;
}

/** The provider's catalog (src/catalog reader): a dataset's distributions, by its local uuid. */
export interface DatasetsPort {
  getOfferedDataset(id: string): Promise<{ dataset: { distributions: DistributionLike[]; containsPersonalData?: boolean } } | undefined>;
}

export type UsageDenial = { code: string; status: number; reason: string };
/** src/usage: the policy decision point with atomic use counters. */
export interface UsagePort {
  /**
   * The gate's reads started now (the dataset's flags from `dataset`, our own read, shared); `consume` decides and
   * consumes one use atomically, or throws the denial; `check` decides as `recheck`, consuming nothing.
   */
  admitTransfer(input: { agreementId: string; consumerDid: string; dataset?: Promise<{ containsPersonalData: boolean } | undefined> }): Promise<{
    consume(input: { transferId: string; consented?: boolean }): Promise<void>;
    check(input: { consented?: boolean }): Promise<Verdict>;
  }>;
  recheck(input: { agreementId: string; consumerDid: string; consented?: boolean }): Promise<Verdict>;
}
type Verdict = { ok: true } | ({ ok: false } & UsageDenial);

/**
 * src/consent, provider side: the consent token of a transfer request checked (intermediary's signature, audience,
 * consumer, dataset, purpose, expiry, and the status its notices told us), then the status on every request.
 */
export interface ConsentGatePort {
  check(token: string, expect: { consumerDid: string; datasetId: string; purpose?: string }): Promise<{ consentId: string; subjectId: string; expiresAt: Date; intermediaryDid?: string }>;
  statusOf(consentId: string): Promise<string | undefined>;
  onStopped(listener: (consentId: string) => void): void;
}

/**
 * The person's intermediary learns of every exchange of their data (src/rights): a transfer under a consent that
 * started or ended is reported in the transaction that records it (the report leaves through the outbox).
 */
export interface ExchangeReportsPort {
  reportExchange(
    tx: Kysely<DB>,
    r: { intermediaryDid: string; consentId: string; transferId: string; role: 'provider' | 'consumer'; providerDid: string; consumerDid: string; datasetId: string; state: 'STARTED' | 'COMPLETED' | 'TERMINATED'; at: Date; bytes?: number; sha256?: string; reason?: string },
  ): Promise<void>;
}

/** src/consent, consumer side: a fresh consent token from the person's intermediary for one transfer request. */
export interface ConsentTokensPort {
  tokenFor(input: { intermediaryDid: string; consentId: string }): Promise<string>;
}

export interface ExchangeFacts {
  transferId: string;
  consumerPid: string;
  agreementId: string;
  datasetId: string;
  providerDid: string;
  consumerDid: string;
  bytes: number;
  sha256: string;
  startedAt: Date;
  endedAt: Date;
}
/** src/receipts: signed exchange receipts in both logs. */
export interface ReceiptsPort {
  providerCompleted(tx: Kysely<DB>, facts: ExchangeFacts, consumerDsp: string): Promise<void>;
  consumerMeasured(transferId: string, m: Measurement | null): Promise<void>;
}

/** src/dataplane: the streaming data plane (only what the control plane calls). */
export interface DataPlanePort {
  issuePullAddress(input: { transferId: string; consumerDid: string; agreementId?: string }): Promise<DataAddress>;
  issuePushAddress(input: { transferId: string; providerDid: string }): Promise<DataAddress>;
  push(input: { transferId: string; source: DistributionSource; address: DataAddress; signal?: AbortSignal }): Promise<Measurement>;
  pull(input: { transferId: string; address: DataAddress; destination: DataDestination; signal?: AbortSignal }): Promise<Measurement>;
  open(input: { transferId: string; address: DataAddress; signal?: AbortSignal }): Promise<{ body: Readable; contentType?: string; measured: Promise<Measurement> }>;
  abort(transferId: string, reason: string): void;
  parseDestination(value: unknown, path: string): DataDestination;
}

/** What the data plane asks the control plane on every request (implemented here, handed to the data plane). */
export interface TransferGate {
  /** `agreementId`: what the caller's token (signed by this node) says the transfer's agreement is; a hint, checked. */
  authorizePull(transferId: string, callerDid: string, agreementId?: string): Promise<{ source: DistributionSource; finite: boolean; mediaType?: string }>;
  authorizePush(transferId: string, callerDid: string): Promise<{ destination: DataDestination }>;
  streamEnded(transferId: string, side: 'provider' | 'consumer', m: Measurement): Promise<void>;
}

/** src/negotiation, for the one-call API. */
export interface NegotiationPort {
  startNegotiation(input: { counterPartyAddress: string; counterPartyId: string; offerId: string; datasetId?: string | undefined; purpose?: string | undefined }): Promise<{ id: string }>;
  waitForEnd(id: string, timeoutS?: number): Promise<{ id: string; state: string; agreementId?: string | undefined; terminationReason?: string | undefined; terminationCode?: string | undefined } | undefined>;
  assertAgreementUsable?(agreementId: string): Promise<void>;
  /** The newest finalized agreement with a counterparty about a dataset, as `role`. */
  findAgreement?(input: { counterpartyDid: string; datasetId: string; role: 'provider' | 'consumer' }): Promise<{ agreementId: string } | undefined>;
}

/** src/dsp client, for the one-call API: the provider's dataset entry with its offers. */
export interface CatalogBrowser {
  requestDataset(input: { counterPartyAddress: string; counterPartyId: string; datasetId: string }): Promise<unknown>;
}

export interface TransferFilter {
  role?: Role | undefined;
  state?: TransferState | undefined;
  agreementId?: string | undefined;
  limit: number;
  offset: number;
}

/** Persistence of transfers. Writes take the caller's transaction; `save` writes only over the version it read. */
export interface TransferStore {
  insert(tx: Kysely<DB>, t: Transfer): Promise<void>;
  save(tx: Kysely<DB>, t: Transfer): Promise<boolean>;
  /** `insert` and `save` as one statement not run yet, RETURNING the row it wrote (to run along other writes). */
  insertStatement(db: Kysely<DB>, t: Transfer): OperationNodeSource;
  saveStatement(db: Kysely<DB>, t: Transfer): OperationNodeSource;
  get(id: string): Promise<Transfer | undefined>;
  byCounterpartyPid(did: string, pid: string): Promise<Transfer | undefined>;
  adoptCounterpartyPid(id: string, pid: string): Promise<void>;
  list(filter: TransferFilter): Promise<{ total: number; items: Transfer[] }>;
  /** Provider transfers of non-finite data in STARTED: what the policy monitor rechecks. */
  runningNonFinite(): Promise<Transfer[]>;
  /** Transfers not ended that run under a consent (stopped at once when it stops). */
  byConsent(consentId: string): Promise<Transfer[]>;
  /** Transfers with a background job in STARTED (restart). */
  withJobs(): Promise<Transfer[]>;
  /** Counts a claim of the job (returns the runs so far, this one included). */
  countJobRun(id: string): Promise<number>;
  /** Agreements of earlier consumer transfers with `did` on `datasetId`, newest first (one-call reuse). */
  agreementsUsed(did: string, datasetId: string): Promise<string[]>;
}
