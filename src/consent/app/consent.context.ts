import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { type Clock, type IdGenerator, type Logger } from '../../kernel/index.js';
import type { SqlConsentStore } from '../adapters/sql-consent.store.js';
import type { SqlPartyConsentStore } from '../adapters/sql-party-consent.store.js';
import type { ConsentLedger, ConsentNotices, ConsentParticipants, ConsentPeople, ConsentResolver, ConsentSigner, ConsentTokens, OutboxPort } from './ports.js';

/** Outbox topic of the intermediary's signed notices to the parties of a consent. */
export const CONSENT_NOTICE_TOPIC = 'consent.notice';

export interface ConsentDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  /** This node has the personal-data-intermediary role (people, consents); parties need not. */
  intermediary: boolean;
  signer: ConsentSigner;
  resolver: ConsentResolver;
  ledger: ConsentLedger;
  outbox: OutboxPort;
  participants: ConsentParticipants;
  people: ConsentPeople;
  notices: ConsentNotices;
  /** DASES_CONSENT_TOKEN_TTL. */
  consentTokenTtlSeconds: number;
  /** DASES_CONSENT_DAYS. */
  defaultConsentDays: number;
  /** Seconds between expiry rounds (default 60; 0: none). */
  expiryIntervalSeconds?: number;
  /** Holder name of the expiry job's lease (default: a random one). */
  holder?: string;
  /** How long `check` may use a party row it read (ms, default 200). */
  statusCacheMs?: number;
  /** Consumer side (identity.tokens): node tokens for `requestConsent` and `consentToken`. */
  tokens?: ConsentTokens;
  fetch?: typeof fetch;
}

/** What the use cases share: the deps and the two stores. */
export type ConsentContext = Omit<ConsentDeps, 'expiryIntervalSeconds' | 'holder' | 'statusCacheMs' | 'tokens' | 'fetch'> & { store: SqlConsentStore; party: SqlPartyConsentStore };

/** Where the person withdraws: the dashboard of the intermediary. */
export const withdrawUrl = (ctx: Pick<ConsentContext, 'node'>): string => `${ctx.node.publicUrl.replace(/\/+$/, '')}/me/`;
