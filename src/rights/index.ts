import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import { registerEntryType } from '../ledger/index.js';
import type { App } from '../node/http-app.js';
import { SqlErasureStore } from './adapters/sql-erasure.store.js';
import { SqlExchangeReportStore } from './adapters/sql-exchange-report.store.js';
import { SqlOutgoingReportStore } from './adapters/sql-outgoing-report.store.js';
import { SqlReceivedErasureStore } from './adapters/sql-received-erasure.store.js';
import { createErasureRequests } from './app/erasure-requests.js';
import { createExchanges } from './app/exchanges.js';
import { createPartyErasures } from './app/party-erasures.js';
import { createPersonalExport } from './app/personal-export.js';
import type { OutboxPort, RightsConsents, RightsLedger, RightsParticipants, RightsPeople, RightsResolver, RightsSigner } from './app/ports.js';
import { createReportSender, type ExchangeReportInput } from './app/report-sender.js';
import { ERASURE_CONFIRMATION_TOPIC, ERASURE_REQUEST_TOPIC, EXCHANGE_REPORT_TOPIC, type RightsContext, type RightsDeps } from './app/rights.context.js';
export type { RightsDeps } from './app/rights.context.js';
import { rightsRoutes } from './http/rights.routes.js';

export type { OutboxPort, PersonConsentExport, RightsConsents, RightsLedger, RightsParticipants, RightsPeople, RightsResolver, RightsSigner } from './app/ports.js';
export type { ExchangeReportInput } from './app/report-sender.js';
export { EXCHANGE_REPORT_TYP, ERASURE_REQUEST_TYP, ERASURE_CONFIRMATION_TYP, ExchangeReportPayload, ErasureRequestPayload, ErasureConfirmationPayload } from './domain/rights.messages.js';
export { erasurePartyStep, erasureRequestStatus, receivedErasureStep, type ErasurePartyStatus, type ReceivedErasureStatus } from './domain/erasure.machine.js';
export { EXCHANGE_REPORT_TOPIC, ERASURE_REQUEST_TOPIC, ERASURE_CONFIRMATION_TOPIC } from './app/rights.context.js';

registerEntryType('exchange.reported', "A transfer under a person's consent started or ended (party): consent, transfer, state and the hash of the report sent to the intermediary");
registerEntryType('erasure.sent', "A person's erasure request was sent to the participants they are linked with (intermediary): request id, participants, request hashes");
registerEntryType('erasure.answered', 'A participant answered an erasure request (intermediary): outcome and the hash of its signed answer');
registerEntryType('erasure.requested', "An intermediary asked this node to erase a person's data (participant): request id and hash");
registerEntryType('erasure.confirmed', "This node's operator answered an erasure request (participant): outcome and the hash of the signed answer");


export interface Rights {
  /** Intermediary: /dsp/people/exchanges, /dsp/people/erasure-confirmations, /api/v1/me/{exchanges,export,erasure-requests};
   *  every node: /dsp/erasure-requests, /api/v1/erasure-requests, /api/v1/erasure-requests/:id/confirm. */
  routes(app: App): Promise<void>;
  /**
   * Party side, in the transaction that records the transfer's change: a signed exchange report (JWS over canonical
   * JSON) goes to the person's intermediary through the outbox (POST /dsp/people/exchanges) once `tx` commits.
   * Idempotent per intermediary, transfer and state.
   */
  reportExchange(tx: Kysely<DB>, r: ExchangeReportInput): Promise<void>;
  /** Sends exchange reports left due (after a restart); returns how many were due. */
  sweepReports(): Promise<number>;
  /** The sweep of unsent exchange reports. */
  start(): void;
  stop(): void;
}

/** The person's rights at the intermediary (exchanges, export, erasure) and the parties' side of them. */
export function createRights(deps: RightsDeps): Rights {
  const ctx: RightsContext = {
    ...deps,
    reports: new SqlExchangeReportStore(deps.db),
    erasures: new SqlErasureStore(deps.db),
    received: new SqlReceivedErasureStore(deps.db),
    outgoing: new SqlOutgoingReportStore(deps.db),
  };
  const exchanges = createExchanges(ctx);
  const erasures = createErasureRequests(ctx);
  const party = createPartyErasures(ctx);
  const sender = createReportSender(ctx, { sweepMs: deps.reportSweepMs ?? 5000 });
  const warnUndelivered = (what: string) => async (msg: { id: string; url: string }, outcome: { ok: true } | { ok: false; status?: number; error: string }) => {
    if (!outcome.ok) deps.logger.warn({ id: msg.id, url: msg.url, status: outcome.status, error: outcome.error }, `${what} could not be delivered`);
  };
  deps.outbox.on(EXCHANGE_REPORT_TOPIC, warnUndelivered('exchange report'));
  deps.outbox.on(ERASURE_CONFIRMATION_TOPIC, warnUndelivered('erasure confirmation'));
  deps.outbox.on(ERASURE_REQUEST_TOPIC, async (msg, outcome) => {
    try {
      await erasures.delivered(msg.body, msg.audience, outcome.ok, outcome.ok ? undefined : outcome.error);
    } catch (e) {
      deps.logger.warn({ err: e, id: msg.id }, 'the delivery outcome of an erasure request could not be recorded');
    }
  });
  return {
    routes: rightsRoutes({ intermediary: deps.intermediary, participants: deps.participants, exchanges, erasures, party, exportOf: createPersonalExport(ctx, { exchanges, erasures }) }),
    reportExchange: sender.report,
    sweepReports: sender.sweep,
    start: sender.start,
    stop: sender.stop,
  };
}
