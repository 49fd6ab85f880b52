import { registerEntryType } from '../ledger/index.js';
import type { App } from '../node/http-app.js';
import type { ConsentState } from './domain/consent.machine.js';
import { createIntermediaryClient } from './adapters/intermediary.client.js';
import { SqlConsentStore } from './adapters/sql-consent.store.js';
import { SqlPartyConsentStore } from './adapters/sql-party-consent.store.js';
import { CONSENT_NOTICE_TOPIC, type ConsentContext, type ConsentDeps } from './app/consent.context.js';
export type { ConsentDeps } from './app/consent.context.js';
import { expiryJob } from './app/expiry.job.js';
import { createLifecycle } from './app/lifecycle.js';
import { createParty, type CheckExpectation, type CheckedConsent } from './app/party.js';
import { createRequests } from './app/requests.js';
import { consentRoutes } from './http/consent.routes.js';

export { transition, usable, STOPPED, PERSON_ACTIONS, type ConsentState, type ConsentAction, type Lifecycle as ConsentLifecycle, type PersonAction } from './domain/consent.machine.js';
export { ConsentRecord, ConsentEvent, CONSENT_SCHEMA_VERSION, newRecord, applyEvent, type NoticeReference } from './domain/consent-record.js';
export { verifyConsentReceipt, receiptHash, CONSENT_RECEIPT_TYP, ConsentReceiptPayload, type ConsentKeyBinding } from './domain/consent-receipt.js';
export { CONSENT_TOKEN_TYP, type ConsentTokenClaims } from './domain/consent-token.js';
export { CONSENT_NOTICE_TOPIC } from './app/consent.context.js';
export type { ConsentLedger, ConsentNotices, ConsentParticipants, ConsentPeople, ConsentResolver, ConsentSigner, ConsentTokens, OutboxPort, PrivacyNoticePort } from './app/ports.js';
export type { CheckExpectation, CheckedConsent } from './app/party.js';

registerEntryType('consent.granted', 'A person granted a consent (intermediary): receipt hash, notice hash, state');
registerEntryType('consent.refused', 'A person refused a consent request (intermediary)');
registerEntryType('consent.withdrawn', 'A person withdrew a consent (intermediary)');
registerEntryType('consent.expired', 'A consent reached its expiry (intermediary)');
registerEntryType('consent.reconfirmed', 'A person reconfirmed a consent, with a new expiry and the current notice (intermediary)');
registerEntryType('consent.notice-changed', "The provider's notice changed: the consent waits for the person's reconfirmation (intermediary)");


/** One of a person's consents as the person's export gives it. */
export interface PersonConsentExport {
  id: string;
  status: ConsentState;
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  purpose: string;
  expiresAt?: Date;
  record: unknown;
  receipts: Array<{ seq: number; state: string; jws: string; hash: string; createdAt: Date }>;
}

export type PartyConsentStatus = 'granted' | 'withdrawn' | 'expired' | 'refused';

export interface Consent {
  routes(app: App): Promise<void>;
  /**
   * Provider's enforcement point, on every transfer: the consent token (intermediary's signature, exp, aud = our
   * DID, azp = consumerDid, dataset, purpose) and the consent's status from the intermediary's signed notices.
   * Throws 403 DS_CONSENT_* naming the reason.
   */
  check(token: string, expect: CheckExpectation): Promise<CheckedConsent>;
  /** Called when a consent stops (withdrawn, expired, refused, or waiting for reconfirmation) so running transfers stop. */
  onStopped(listener: (consentId: string) => void): void;
  /** The status this node holds now for a consent it is party to (policy monitor). */
  statusOf(consentId: string): Promise<PartyConsentStatus | undefined>;
  /** Expiry job. */
  start(): void;
  stop(): void;
  /** One expiry round now (tests, operators): ids expired at the intermediary and here as a party. */
  expireNow(): Promise<{ expired: string[]; partyExpired: string[] }>;
  /** Consumer side: asks an intermediary for a person's consent (POST {dsp}/consents/requests). */
  requestConsent(intermediaryDid: string, input: { provider: string; datasetId: string; offerId?: string; purpose: string; subjectId: string }): Promise<{ id: string; status: ConsentState; reconfirmationRequired: boolean }>;
  /** Consumer side: a consent token to present to the provider (POST {dsp}/consents/:id/tokens). */
  /** Intermediary: a person's consents and requests, newest first, each with every signed receipt (the export). */
  ofPerson(personId: string): Promise<PersonConsentExport[]>;
  /** Intermediary: whom a consent concerns (undefined: none held here). */
  parties(consentId: string): Promise<{ personId: string; providerDid: string; consumerDid: string; datasetId: string; purpose: string } | undefined>;
  consentToken(intermediaryDid: string, consentId: string): Promise<{ token: string; expiresAt: Date }>;
}

/** Consents: the intermediary's requests, ISO/IEC TS 27560 records and signed receipts; the parties' notices and enforcement. */
export function createConsent(deps: ConsentDeps): Consent {
  const ctx: ConsentContext = { ...deps, store: new SqlConsentStore(deps.db), party: new SqlPartyConsentStore(deps.db) };
  const lifecycle = createLifecycle(ctx);
  const requests = createRequests(ctx, lifecycle);
  const party = createParty(ctx, deps.statusCacheMs !== undefined ? { statusCacheMs: deps.statusCacheMs } : {});
  const job = expiryJob(ctx, lifecycle, party, { holder: deps.holder ?? `consent-${deps.ids.uuid()}`, intervalSeconds: deps.expiryIntervalSeconds ?? 60 });
  const client = createIntermediaryClient({ tokens: deps.tokens, participants: deps.participants, logger: deps.logger, fetch: deps.fetch });
  deps.outbox.on(CONSENT_NOTICE_TOPIC, async (msg, outcome) => {
    if (!outcome.ok) deps.logger.warn({ id: msg.id, url: msg.url, status: outcome.status, error: outcome.error }, 'consent notice could not be delivered');
  });
  return {
    routes: consentRoutes({ did: deps.node.did, intermediary: deps.intermediary, store: ctx.store, party: ctx.party, lifecycle, requests, receiver: party, requestConsent: (did, input) => client.requestConsent(did, input) }),
    check: party.check,
    onStopped: party.onStopped,
    statusOf: party.statusOf,
    start: job.start,
    stop: job.stop,
    expireNow: job.run,
    requestConsent: client.requestConsent,
    async ofPerson(personId) {
      const rows = await ctx.store.listByPerson(personId);
      return Promise.all(
        rows.map(async (r) => ({
          id: r.id,
          status: r.status,
          providerDid: r.provider_did,
          consumerDid: r.consumer_did,
          datasetId: r.dataset_id,
          purpose: r.purpose,
          ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
          record: r.record,
          receipts: (await ctx.store.receipts(r.id)).map((x) => ({ seq: x.seq, state: x.state, jws: x.jws, hash: x.hash, createdAt: x.created_at })),
        })),
      );
    },
    async parties(consentId) {
      const r = await ctx.store.get(consentId);
      return r && { personId: r.person_id, providerDid: r.provider_did, consumerDid: r.consumer_did, datasetId: r.dataset_id, purpose: r.purpose };
    },
    consentToken: client.consentToken,
  };
}
