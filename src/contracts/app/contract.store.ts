import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { ContractDocument, ContractKind } from '../domain/contract-document.js';
import type { EndAction, VersionStatus } from '../domain/contract-status.machine.js';

export type StoredStatus = 'pending' | 'active' | 'terminated' | 'revoked';

export interface ContractRecord {
  id: string;
  kind: ContractKind;
  title: string;
  agreementId: string | null;
  status: StoredStatus;
  /** The version in force, once one is active. */
  currentHash: string | null;
  latestHash: string;
  /** validUntil of the version in force. */
  validUntil: Date | null;
  ended: { by: string; reason: string; at: Date } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SignatureRecord {
  signer: string;
  jws: string;
  kid: string;
  publicKeyJwk: JWK;
  signedAt: Date;
}

export interface VersionRecord {
  hash: string;
  contractId: string;
  version: number;
  previousHash: string | null;
  proposer: string | null;
  document: ContractDocument;
  status: VersionStatus;
  createdAt: Date;
  activatedAt: Date | null;
  parties: Array<{ did: string; role: string }>;
  signatures: SignatureRecord[];
}

export interface NoticeRecord {
  contractId: string;
  versionHash: string;
  signer: string;
  action: EndAction;
  reason: string;
  jws: string;
  kid: string;
  publicKeyJwk: JWK;
  issuedAt: Date;
}

export interface NewSignedContract {
  document: ContractDocument;
  hash: string;
  canonical: string;
  kind: ContractKind;
  title: string;
  agreementId: string | null;
  parties: Array<{ did: string; role: string }>;
  signatures: SignatureRecord[];
  status: 'pending' | 'active';
  versionStatus: 'pending' | 'active';
  now: Date;
}

export interface ContractQuery {
  status?: StoredStatus | undefined;
  kind?: ContractKind | undefined;
  party?: string | undefined;
  limit: number;
  offset: number;
}

/** Contracts, their immutable versions, signatures and notices. Writes take the caller's transaction. */
export interface ContractStore {
  /** Locks the contract row until `tx` ends (serialises concurrent signatures of one contract). */
  lock(tx: Kysely<DB>, id: string): Promise<ContractRecord | undefined>;
  get(id: string, tx?: Kysely<DB>): Promise<ContractRecord | undefined>;
  byAgreement(agreementId: string, tx?: Kysely<DB>): Promise<ContractRecord | undefined>;
  list(q: ContractQuery): Promise<{ items: ContractRecord[]; total: number }>;
  version(hash: string, tx?: Kysely<DB>): Promise<VersionRecord | undefined>;
  versionNumbered(contractId: string, version: number, tx?: Kysely<DB>): Promise<VersionRecord | undefined>;
  versions(contractId: string, tx?: Kysely<DB>): Promise<VersionRecord[]>;
  notices(contractId: string, tx?: Kysely<DB>): Promise<NoticeRecord[]>;

  /** False when the contract already exists (created concurrently): nothing is written then. */
  insertContract(tx: Kysely<DB>, c: { id: string; kind: ContractKind; title: string; agreementId: string | null; latestHash: string; now: Date }): Promise<boolean>;
  insertVersion(tx: Kysely<DB>, v: { hash: string; document: ContractDocument; canonical: string; parties: Array<{ did: string; role: string }>; now: Date }): Promise<void>;
  insertSignature(tx: Kysely<DB>, versionHash: string, s: SignatureRecord, now: Date): Promise<void>;
  /**
   * Version 1 of a contract not seen before, with its parties and signatures, in one statement (the contract takes
   * `status`, and `currentHash` when active). False, with nothing written, when the contract or its agreement is
   * already known.
   */
  insertSigned(tx: Kysely<DB>, c: NewSignedContract): Promise<boolean>;
  insertNotice(tx: Kysely<DB>, n: NoticeRecord, now: Date): Promise<void>;
  setVersionStatus(tx: Kysely<DB>, hash: string, status: VersionStatus, activatedAt?: Date): Promise<void>;
  updateContract(
    tx: Kysely<DB>,
    id: string,
    patch: { status?: StoredStatus; currentHash?: string; latestHash?: string; title?: string; ended?: { by: string; reason: string; at: Date }; now: Date },
  ): Promise<void>;
}
