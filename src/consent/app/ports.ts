import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Outbox } from '../../outbox/index.js';

/** Structural subsets of identity, the ledger, the outbox, participants, people and notices (the lead wires them). */

/** identity.signer: compact EdDSA JWS, header `kid` = `<did>#<thumbprint>`. */
export interface ConsentSigner {
  sign(payload: object, typ: string): Promise<string>;
  publicKey(kid?: string): Promise<{ kid: string; publicKeyJwk: JWK }>;
}

/** identity.resolver (did:web, cached). */
export interface ConsentResolver {
  resolve(did: string): Promise<{ id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }> }>;
  invalidate?(did: string): void;
}

/** src/ledger `Ledger.append`, inside the caller's transaction. */
export interface ConsentLedger {
  append(tx: Kysely<DB>, entry: { type: string; actor: string; subject: string; payload: Record<string, unknown> }): Promise<{ index: number }>;
}

export type OutboxPort = Pick<Outbox, 'enqueue' | 'on'>;

export interface ConsentParticipants {
  get(did: string): Promise<{ did: string; status: string; endpoints: { dsp?: string | undefined } } | undefined>;
}

/** src/people (PEOPLE): who is behind a participant's pseudonymous id, and their id at another participant. */
export interface ConsentPeople {
  personOfSubject(participantDid: string, subjectId: string): Promise<string | undefined>;
  subjectAt(personId: string, participantDid: string): Promise<string | undefined>;
}

/** src/notices `PrivacyNotice` (NOTICES): only what the consent record needs is typed; the rest is kept as is. */
export interface PrivacyNoticePort {
  id: string;
  version: number;
  hash: string;
  content: unknown;
  missing?: Array<{ field: string; message: string }>;
  createdAt?: string;
}

/** The provider's notice for a processing (the lead wires a nodeCall to the provider's POST /dsp/notices/resolve). */
export interface ConsentNotices {
  fetch(providerDid: string, input: { datasetId: string; offerId?: string; consumerDid: string; purpose: string; intermediary: { did: string; withdrawUrl: string } }): Promise<PrivacyNoticePort>;
}

/** Node tokens for this node's own calls to an intermediary (consumer side; identity.tokens). */
export interface ConsentTokens {
  sign(audienceDid: string): Promise<string>;
}
