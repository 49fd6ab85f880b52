import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import { AppError, type Clock, type IdGenerator, type Logger } from '../kernel/index.js';
import { registerEntryType } from '../ledger/index.js';
import type { App } from '../node/http-app.js';
import { SqlContractStore } from './adapters/sql-contract.store.js';
import { createContractKeys } from './app/contract-keys.js';
import { createMessages } from './app/contract-messages.js';
import { createRecorder } from './app/contract-recorder.js';
import { createViews, type ContractView, type VersionView, type NoticeView } from './app/contract-views.js';
import type { ContractDirectory, ContractResolver, ContractSigner, ContractsLedger, OutboxPort } from './app/contracts.ports.js';
import type { ContractsContext } from './app/contracts.context.js';
import { createEnding, type Ended } from './app/ending.js';
import { createProposals, type BilateralProposal, type EcosystemProposal, type Proposed } from './app/proposals.js';
import { createSigning } from './app/signing.js';
import { bilateralFromAgreement, hashOf, type ContractDocument, type ContractMember } from './domain/contract-document.js';
import type { ContractFile } from './domain/contract-file.js';
import type { ContractStatus } from './domain/contract-status.machine.js';
import { contractDspRoutes } from './http/contracts-dsp.routes.js';
import { contractRoutes } from './http/contracts.routes.js';

export {
  bilateralFromAgreement,
  hashOf,
  parseContractDocument,
  requiredParties,
  type BilateralContract,
  type ContractDocument,
  type ContractMember,
  type EcosystemContract,
} from './domain/contract-document.js';
export { verifyContractFile, CONTRACT_FILE_FORMAT, type ContractFile, type FileReport, type KeyBinding, type VerifyOptions } from './domain/contract-file.js';
export { SIGNATURE_TYP, NOTICE_TYP, type SignaturePayload, type NoticePayload } from './domain/contract-signature.js';
export type { ContractStatus, VersionStatus, EndAction } from './domain/contract-status.machine.js';
export type { ContractDirectory, ContractResolver, ContractSigner, ContractsLedger, OutboxPort, OutboxMessage, OutboxOutcome } from './app/contracts.ports.js';
export type { ContractView, VersionView, NoticeView } from './app/contract-views.js';
export type { BilateralProposal, EcosystemProposal, Proposed } from './app/proposals.js';
export type { Ended } from './app/ending.js';
export { TOPICS as CONTRACT_TOPICS } from './app/contract-messages.js';

for (const [name, description] of [
  ['contract.proposed', 'A contract version 1 was proposed or received'],
  ['contract.amended', 'An amendment (a new contract version) was proposed or received'],
  ['contract.signed', "A party's signature of a contract version was recorded"],
  ['contract.activated', 'A contract version became active: every required party signed'],
  ['contract.superseded', 'An active contract version was replaced by an amendment'],
  ['contract.terminated', 'A party terminated a contract with a signed notice'],
  ['contract.revoked', 'A party revoked a contract with a signed notice'],
] as const) {
  registerEntryType(name, description);
}

export interface Contracts {
  routes: (app: App) => Promise<void>;
  /** Deterministic bilateral contract document for a DSP agreement: both nodes build the same doc and hash. */
  bilateralFromAgreement(input: { agreement: Record<string, unknown>; providerDid: string; consumerDid: string; offerId: string; purpose?: string }): ContractDocument;
  /** 'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of the document. */
  hashOf(doc: ContractDocument): string;
  /** This node's signature (compact JWS, by identity.signer) over a version hash; DS_CONTRACT_NOT_A_PARTY if it is none. */
  sign(doc: ContractDocument): Promise<string>;
  /** Verifies a party's signature over doc (resolves the signer's DID); throws AppError DS_CONTRACT_SIGNATURE_INVALID. */
  verifySignature(doc: ContractDocument, jws: string, expectedSignerDid: string): Promise<void>;
  /** Stores a version with signatures in tx; active when every required party signed; log entries in tx. */
  recordSigned(tx: Kysely<DB>, doc: ContractDocument, signatures: string[]): Promise<{ contractId: string; versionHash: string; status: ContractStatus }>;
  /** Status of the contract backing a DSP agreement id (undefined: none). */
  statusOfAgreement(agreementId: string): Promise<ContractStatus | undefined>;
  /** The contract backing a DSP agreement: its id (to revoke or terminate it) and status. */
  contractOfAgreement(agreementId: string): Promise<{ id: string; status: ContractStatus } | undefined>;
  /** Throws DS_CONTRACT_NOT_ACTIVE (with the status) unless the agreement's contract is active now. */
  assertAgreementUsable(agreementId: string): Promise<void>;
  /** Multi-party (ecosystem) contract: proposes version 1 to every party; returns its id and hash. */
  proposeEcosystemContract(input: { ecosystemId: string; title: string; members: Array<{ did: string; role: string; offerings: string[]; policies: Record<string, unknown>[] }>; rulebookHash: string }): Promise<{ contractId: string; versionHash: string }>;

  // Beyond the shared agreement (what the management API does, for other contexts and tests).
  proposeBilateral(input: BilateralProposal): Promise<Proposed>;
  /** Signs a pending version as an operator would (`POST /api/v1/contracts/:id/sign`). */
  signVersion(contractId: string, versionHash: string): Promise<{ contractId: string; versionHash: string; status: string }>;
  amend(contractId: string, changes: { policy?: Record<string, unknown>; purpose?: string; title?: string; members?: ContractMember[]; rulebookHash?: string; validUntil?: string }): Promise<Proposed>;
  terminate(contractId: string, reason: string): Promise<Ended>;
  revoke(contractId: string, reason: string): Promise<Ended>;
  get(contractId: string): Promise<(ContractView & { versions: VersionView[]; notices: NoticeView[] }) | undefined>;
  file(contractId: string, versionHash?: string): Promise<ContractFile>;
}

export interface ContractsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** This node's DID. */
  did: string;
  signer: ContractSigner;
  resolver: ContractResolver & { invalidate?(did: string): void };
  ledger: ContractsLedger;
  outbox: OutboxPort;
  participants: ContractDirectory;
}

/**
 * Signed contracts: immutable versions addressed by their hash, signed by every party with its DID key, active
 * only when all signed, amended by new versions, ended by signed notices; every step in the transparency log
 * and, between parties' nodes, carried by the outbox.
 */
export function createContracts(deps: ContractsDeps): Contracts {
  const store = new SqlContractStore(deps.db);
  const keys = createContractKeys({ did: deps.did, clock: deps.clock, logger: deps.logger, signer: deps.signer, resolver: deps.resolver });
  const ctx: ContractsContext = {
    db: deps.db,
    store,
    recorder: createRecorder({ store, ledger: deps.ledger, clock: deps.clock, did: deps.did }),
    keys,
    messages: createMessages({ outbox: deps.outbox, participants: deps.participants, logger: deps.logger, did: deps.did }),
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    did: deps.did,
  };
  const views = createViews(ctx);
  const proposals = createProposals(ctx);
  const signing = createSigning(ctx);
  const ending = createEnding(ctx);
  const management = contractRoutes({ views, proposals, signing, ending });
  const protocol = contractDspRoutes({ ctx, views, proposals, signing, ending });

  return {
    routes: async (app) => {
      await app.register(management);
      await app.register(protocol);
    },
    bilateralFromAgreement: (input) => bilateralFromAgreement(input),
    hashOf,
    sign: async (doc) => (await keys.sign(doc)).jws,
    verifySignature: async (doc, jws, expected) => void (await keys.verifySignature(doc, jws, '/signature', { expectedSigner: expected })),
    recordSigned: (tx, doc, signatures) => signing.recordSigned(tx, doc, signatures),
    statusOfAgreement: (agreementId) => views.statusOfAgreement(agreementId),
    contractOfAgreement: (agreementId) => views.contractOfAgreement(agreementId),
    async assertAgreementUsable(agreementId) {
      const status = await views.statusOfAgreement(agreementId);
      if (status !== 'active') {
        throw new AppError('DS_CONTRACT_NOT_ACTIVE', `the contract of agreement ${agreementId} is ${status ?? 'missing'}`, [{ path: '/agreementId', message: status ?? 'no contract' }]);
      }
    },
    proposeEcosystemContract: (input) => proposals.proposeEcosystem(input),
    proposeBilateral: (input) => proposals.proposeBilateral(input),
    signVersion: (id, hash) => signing.sign(id, hash),
    amend: (id, changes) => proposals.amend(id, changes),
    terminate: (id, reason) => ending.end(id, 'terminate', reason),
    revoke: (id, reason) => ending.end(id, 'revoke', reason),
    get: (id) => views.get(id).catch((e: unknown) => (e instanceof AppError && e.code === 'DS_CONTRACT_NOT_FOUND' ? undefined : Promise.reject(e))),
    file: (id, hash) => views.file(id, hash),
  };
}
