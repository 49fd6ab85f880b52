import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import { DSP_BASE_PATH } from '../dsp/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { SqlTransferStore } from './adapters/sql-transfer.store.js';
import { act, startAsConsumer, type OperatorAction, type StartInput } from './app/operator.actions.js';
import { outcomeHandler } from './app/outbox.outcomes.js';
import { createPolicyMonitor, stopConsented } from './app/policy.monitor.js';
import type { AgreementsPort, CatalogBrowser, ConsentGatePort, ConsentTokensPort, DataPlanePort, ExchangeReportsPort, DatasetsPort, NegotiationPort, OutboxPort, ParticipantLookup, ReceiptsPort, TransferGate, UsagePort } from './app/ports.js';
import type { TransferContext } from './app/transfer.context.js';
import { createGate } from './app/transfer.gate.js';
import { createJobs } from './app/transfer.jobs.js';
import { createNotifier } from '../kernel/index.js';
import { createRunner, OUTBOX_TOPIC } from './app/transfer.runner.js';
import { reportConsentedExchanges } from './app/exchange.reports.js';
import type { Transfer } from './domain/transfer.js';
import { dspTransferRoutes } from './http/dsp-transfer.routes.js';
import { transferManagementRoutes } from './http/transfer-management.routes.js';

export type * from './app/ports.js';
export type { Transfer, HistoryEntry } from './domain/transfer.js';
export type { TransferState, Role, MessageKind } from './domain/transfer.machine.js';
export type { DataAddress, DataDestination, DistributionSource, Measurement, TransferFormat } from './domain/transfer.types.js';
export type { StartInput, OperatorAction } from './app/operator.actions.js';
export { STATES, transition, isTerminal } from './domain/transfer.machine.js';
export { OUTBOX_TOPIC } from './app/transfer.runner.js';
export { DELIVERY_FAILED } from './app/outbox.outcomes.js';
export { POLICY_LAPSED, CONTRACT_REVOKED } from './app/policy.monitor.js';
export { DELIVERY_INTERRUPTED, DELIVERY_ERROR } from './app/transfer.jobs.js';
export { OPERATOR_TERMINATION, OPERATOR_SUSPENSION } from './app/transfer.context.js';
export * as transferMessages from './domain/transfer.messages.js';

export interface TransferDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** This node: its DID and public URL (our DSP base, publicUrl + /dsp, is the callback address we give). */
  node: { did: string; publicUrl: string };
  outbox: OutboxPort;
  /** Trusted participants: `participants.directory`. */
  participants: ParticipantLookup;
  /** Agreements of finalised negotiations (`negotiation.agreement`, added by the lead). */
  agreements: AgreementsPort;
  /** Provider: the agreement's dataset and its distributions (`catalog.reader`). */
  datasets: DatasetsPort;
  usage: UsagePort;
  receipts: ReceiptsPort;
  dataPlane: DataPlanePort;
  /** One-call API: negotiate when no usable agreement exists (`negotiation`), and find the offer (`dsp.client`). */
  negotiation?: NegotiationPort;
  catalogClient?: CatalogBrowser;
  /** Provider: checks the consent of transfers of personal data (src/consent); without it they are refused. */
  consent?: ConsentGatePort;
  /** Consumer: fetches consent tokens from a person's intermediary (src/consent). */
  consentTokens?: ConsentTokensPort;
  /** Provider: reports exchanges under a consent to the person's intermediary (src/rights). */
  exchangeReports?: ExchangeReportsPort;
  /** Policy monitor period for running non-finite transfers (default 250 ms; 0 disables it). */
  monitorIntervalMs?: number;
  /** Who holds the leases of background jobs (host:pid:uuid); default derived from the process. */
  holder?: string;
  /** How often pending jobs of dead processes are looked for (default 5000 ms). */
  jobSweepMs?: number;
}

export interface Transfers {
  /** DSP endpoints under /dsp/transfers (both roles) and the management API under /api/v1/transfers (with /fetch). */
  routes: (app: App) => Promise<void>;
  /** The policy enforcement point the data plane calls on every request. */
  gate: TransferGate;
  /** Consumer: request a transfer (as POST /api/v1/transfers). */
  startTransfer(input: StartInput): Promise<Transfer>;
  act(id: string, action: OperatorAction): Promise<Transfer>;
  get(id: string): Promise<Transfer | undefined>;
  /** One policy-monitor round now (tests, operators). */
  monitorTick(): Promise<void>;
  /** Starts the policy monitor and resumes background jobs left by a restart. */
  start(): void;
  /** Stops the monitor and the jobs of this process (their transfers resume on the next start), releases waiters. */
  stop(): Promise<void>;
}

/** Dataspace Protocol 2025-1 transfer process (control plane), provider and consumer sides. */
export function createTransfers(deps: TransferDeps): Transfers {
  const store = new SqlTransferStore(deps.db);
  const notifier = createNotifier({ recheckMs: 1000 });
  const runner = createRunner({ db: deps.db, store, outbox: deps.outbox, notifier, logger: deps.logger, ...(deps.exchangeReports ? { onTransition: reportConsentedExchanges(deps.node.did, deps.exchangeReports) } : {}) });
  const jobsRef: { current?: ReturnType<typeof createJobs> } = {};
  const ctx: TransferContext = {
    store,
    runner,
    notifier,
    outbox: deps.outbox,
    participants: deps.participants,
    agreements: deps.agreements,
    datasets: deps.datasets,
    usage: deps.usage,
    receipts: deps.receipts,
    dataPlane: deps.dataPlane,
    negotiation: deps.negotiation,
    catalogClient: deps.catalogClient,
    consent: deps.consent,
    consentTokens: deps.consentTokens,
    // Late-bound: the jobs need the context they are part of.
    jobs: { kick: (id) => jobsRef.current?.kick(id) },
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    self: { did: deps.node.did, dspUrl: `${deps.node.publicUrl.replace(/\/+$/, '')}${DSP_BASE_PATH}` },
  };
  const jobs = createJobs(ctx, { db: deps.db, holder: deps.holder ?? `transfer:${process.pid}:${deps.ids.uuid()}`, ...(deps.jobSweepMs !== undefined ? { sweepMs: deps.jobSweepMs } : {}) });
  jobsRef.current = jobs;
  const monitor = createPolicyMonitor(ctx, { logger: deps.logger, ...(deps.monitorIntervalMs !== undefined ? { intervalMs: deps.monitorIntervalMs } : {}) });
  deps.outbox.on(OUTBOX_TOPIC, outcomeHandler(ctx));
  // A consent that stops (withdrawn, expired) stops the transfers running under it at once, not at the next tick.
  deps.consent?.onStopped((consentId) => void stopConsented(ctx, consentId).catch((e: unknown) => deps.logger.warn({ err: e, consent: consentId }, 'transfers under a stopped consent not terminated')));
  const dsp = dspTransferRoutes(ctx);
  const management = transferManagementRoutes(ctx);
  return {
    routes: async (app: App) => {
      // Callers waiting in the one-call API are answered before the server stops.
      app.addHook('preClose', async () => notifier.close());
      await app.register(dsp);
      await app.register(management);
    },
    gate: createGate(ctx),
    startTransfer: (input) => startAsConsumer(ctx, input),
    act: (id, action) => act(ctx, id, action),
    get: (id) => store.get(id),
    monitorTick: () => monitor.tick(),
    start() {
      monitor.start();
      jobs.start();
    },
    async stop() {
      notifier.close();
      await monitor.stop();
      await jobs.stop();
    },
  };
}
