import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Outbox } from '../../outbox/index.js';

/** Structural subsets of identity, the ledger, the outbox, participants, people and consent (the lead wires them). */

/** identity.signer: compact EdDSA JWS, header `kid` = `<did>#<thumbprint>`. */
export interface RightsSigner {
  sign(payload: object, typ: string): Promise<string>;
}

/** identity.resolver (did:web, cached); `invalidate` lets a verification retry after the sender rotated its key. */
export interface RightsResolver {
  resolve(did: string): Promise<{ id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }> }>;
  invalidate?(did: string): void;
}

/** src/ledger `Ledger.append`, inside the caller's transaction. */
export interface RightsLedger {
  append(tx: Kysely<DB>, entry: { type: string; actor: string; subject: string; payload: Record<string, unknown> }): Promise<{ index: number }>;
}

export type OutboxPort = Pick<Outbox, 'enqueue' | 'on'>;

/** src/participants directory. */
export interface RightsParticipants {
  get(did: string): Promise<{ did: string; name?: string | undefined; status: string; endpoints: { dsp?: string | undefined } } | undefined>;
}

/** src/people (`Pick<People, 'links' | 'person' | 'personOfSubject' | 'subjectAt'>`). */
export interface RightsPeople {
  links(personId: string): Promise<Array<{ id: string; participantDid: string; subjectId?: string | undefined; status: 'pending' | 'confirmed' | 'revoked'; createdAt: Date; confirmedAt?: Date | undefined }>>;
  person(personId: string): Promise<{ id: string; login: string; name?: string | undefined; language: 'fr' | 'en'; createdAt: Date } | undefined>;
  personOfSubject(participantDid: string, subjectId: string): Promise<string | undefined>;
  subjectAt(personId: string, participantDid: string): Promise<string | undefined>;
}

/** One of the person's consents as the export carries it: the record and every signed receipt, in order. */
export interface PersonConsentExport {
  id: string;
  status: string;
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  purpose: string;
  expiresAt?: Date | undefined;
  /** The ISO/IEC TS 27560 record as it stands. */
  record: unknown;
  receipts: Array<{ seq: number; state: string; jws: string; hash: string; createdAt: Date }>;
}

/**
 * src/consent, intermediary side (the lead adds these two reads to `Consent`; both are plain reads of its store:
 * `listByPerson` + `receipts`, and `get`).
 */
export interface RightsConsents {
  /** The person's consents and requests, newest first, each with its receipts. */
  ofPerson(personId: string): Promise<PersonConsentExport[]>;
  /** Who a consent concerns; undefined when this intermediary holds no such consent. */
  parties(consentId: string): Promise<{ personId: string; providerDid: string; consumerDid: string; datasetId: string; purpose: string } | undefined>;
}
