import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { type Clock, type IdGenerator, type Logger } from '../../kernel/index.js';
import type { SqlConsentStore } from '../adapters/sql-consent.store.js';
import type { SqlPartyConsentStore } from '../adapters/sql-party-consent.store.js';
import type { ConsentLedger, ConsentNotices, ConsentParticipants, ConsentPeople, ConsentResolver, ConsentSigner, OutboxPort } from './ports.js';

/** Outbox topic of the intermediary's signed notices to the parties of a consent. */
export const CONSENT_NOTICE_TOPIC = 'consent.notice';

export interface ConsentContext {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  intermediary: boolean;
  signer: ConsentSigner;
  resolver: ConsentResolver;
  ledger: ConsentLedger;
  outbox: OutboxPort;
  participants: ConsentParticipants;
  people: ConsentPeople;
  notices: ConsentNotices;
  store: SqlConsentStore;
  party: SqlPartyConsentStore;
  consentTokenTtlSeconds: number;
  defaultConsentDays: number;
}

/** Where the person withdraws: the dashboard of the intermediary. */
export const withdrawUrl = (ctx: Pick<ConsentContext, 'node'>): string => `${ctx.node.publicUrl.replace(/\/+$/, '')}/me/`;
