import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import { DSP_BASE_PATH } from '../dsp/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { catalogOfferResolver, type CatalogBrowser } from './adapters/catalog-offer.resolver.js';
import { SqlNegotiationStore } from './adapters/sql-negotiation.store.js';
import type { NegotiationContext } from './app/negotiation.moves.js';
import { createNotifier } from '../kernel/index.js';
import { createRunner, OUTBOX_TOPIC } from './app/negotiation.runner.js';
import { act, offerAsProvider, startAsConsumer, type OperatorAction, type StartInput } from './app/operator.actions.js';
import { outcomeHandler } from './app/outbox.outcomes.js';
import type { ContractsPort, OfferCatalog, OfferResolver, OutboxPort, ParticipantLookup } from './app/ports.js';
import type { Negotiation, Policy } from './domain/negotiation.js';
import { dspNegotiationRoutes } from './http/dsp-negotiation.routes.js';
import { negotiationManagementRoutes, untilEnded } from './http/negotiation-management.routes.js';

export type { ContractsPort, ContractStatus, OfferCatalog, OfferResolver, OutboxPort, OutboxMessage, OutboxOutcome, ParticipantLookup } from './app/ports.js';
export type { CatalogBrowser } from './adapters/catalog-offer.resolver.js';
export type { Negotiation, Policy, HistoryEntry } from './domain/negotiation.js';
export type { NegotiationState, Role, MessageKind } from './domain/negotiation.machine.js';
export type { StartInput, OperatorAction } from './app/operator.actions.js';
export { STATES, transition, nextActor, isTerminal } from './domain/negotiation.machine.js';
export { OUTBOX_TOPIC } from './app/negotiation.runner.js';
export { DELIVERY_FAILED } from './app/outbox.outcomes.js';
export { OPERATOR_TERMINATION } from './app/operator.actions.js';
export { SIGNATURE_TERM, PURPOSE_TERM } from './domain/negotiation.messages.js';
export * as negotiationMessages from './domain/negotiation.messages.js';

export interface NegotiationDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** This node: its DID and public URL (our DSP base, publicUrl + /dsp, is the callback address we give). */
  node: { did: string; publicUrl: string };
  outbox: OutboxPort;
  contracts: ContractsPort;
  /** Our catalog (provider side): `catalog.reader` of src/catalog. */
  catalog: OfferCatalog;
  /** Trusted participants: `participants.directory` of src/participants. */
  participants: ParticipantLookup;
  /** The DSP catalog client (`dsp.client`), to find the offer a consumer asks for; or a resolver of one's own. */
  catalogClient?: CatalogBrowser;
  resolver?: OfferResolver;
  /** How long a consumer reuses an offer found in a provider's catalog (default 30 000 ms; 0: always fetch). */
  offerCacheMs?: number;
  /** How often a waiting "negotiate and wait" re-reads the database besides being notified (default 2000 ms). */
  recheckMs?: number;
}

export interface Negotiations {
  /** DSP endpoints under /dsp/negotiations (provider and consumer) and the management API (/api/v1/negotiations, /api/v1/agreements). */
  routes: (app: App) => Promise<void>;
  /** Consumer: start a negotiation for an offer of the counterparty's catalog. */
  startNegotiation(input: StartInput): Promise<Negotiation>;
  /** Provider: offer terms to a consumer (provider-initiated negotiation). */
  offer(input: { counterPartyAddress: string; counterPartyId: string; offer: Policy }): Promise<Negotiation>;
  /** Operator decision on a negotiation: counter-offer, agree, accept, counter-request, terminate. */
  act(id: string, action: OperatorAction): Promise<Negotiation>;
  get(id: string): Promise<Negotiation | undefined>;
  /** Resolves once the negotiation is FINALIZED or TERMINATED, or after `timeoutS` seconds with its state then. */
  waitForEnd(id: string, timeoutS?: number): Promise<Negotiation | undefined>;
  /** A finalized agreement by its id, with both parties and its dataset (what transfers and usage control read). */
  agreement(agreementId: string): Promise<AgreementRecord | undefined>;
  /** The newest finalized agreement with a counterparty about a dataset, as `role` (the one-call transfer reuses it). */
  findAgreement(input: { counterpartyDid: string; datasetId: string; role: 'provider' | 'consumer' }): Promise<AgreementRecord | undefined>;
  /** Throws DS_CONTRACT_NOT_ACTIVE unless the agreement's contract is active now (delegates to contracts). */
  assertAgreementUsable(agreementId: string): Promise<void>;
  /** Nothing runs in the background: messages leave through the outbox. `start` exists for symmetry. */
  start(): void;
  /** Releases waiting callers (also done when the app closes). */
  stop(): Promise<void>;
}

/** A finalized DSP agreement seen from this node. `agreedAt` is when the negotiation reached FINALIZED here. */
export interface AgreementRecord {
  agreementId: string;
  role: 'provider' | 'consumer';
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  /** The ODRL Agreement as both parties signed it (compacted DSP form). */
  policy: Policy;
  purpose?: string;
  agreedAt: Date;
  /** The counterparty's DSP base (provider) or callback address (consumer). */
  counterpartyAddress: string;
}

function toAgreementRecord(n: Negotiation, selfDid: string): AgreementRecord | undefined {
  if (n.state !== 'FINALIZED' || !n.agreementId || !n.agreement) return undefined;
  const finalized = [...n.history].reverse().find((h) => h.state === 'FINALIZED');
  return {
    agreementId: n.agreementId,
    role: n.role,
    providerDid: n.role === 'provider' ? selfDid : n.counterpartyDid,
    consumerDid: n.role === 'consumer' ? selfDid : n.counterpartyDid,
    datasetId: n.target,
    policy: n.agreement,
    ...(n.purpose !== undefined ? { purpose: n.purpose } : {}),
    agreedAt: finalized ? new Date(finalized.at) : n.updatedAt,
    counterpartyAddress: n.counterpartyAddress,
  };
}

/** Dataspace Protocol 2025-1 contract negotiation, provider and consumer sides, persisted, sending through the outbox. */
export function createNegotiation(deps: NegotiationDeps): Negotiations {
  if (!deps.resolver && !deps.catalogClient) throw new Error('createNegotiation needs a catalogClient or a resolver');
  const store = new SqlNegotiationStore(deps.db);
  const notifier = createNotifier(deps.recheckMs !== undefined ? { recheckMs: deps.recheckMs } : {});
  const runner = createRunner({ db: deps.db, store, outbox: deps.outbox, notifier, logger: deps.logger });
  const ctx: NegotiationContext = {
    store,
    runner,
    notifier,
    outbox: deps.outbox,
    contracts: deps.contracts,
    catalog: deps.catalog,
    participants: deps.participants,
    resolver: deps.resolver ?? catalogOfferResolver(deps.catalogClient!, deps.offerCacheMs !== undefined ? { ttlMs: deps.offerCacheMs } : {}),
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    self: { did: deps.node.did, dspUrl: `${deps.node.publicUrl.replace(/\/+$/, '')}${DSP_BASE_PATH}` },
  };
  deps.outbox.on(OUTBOX_TOPIC, outcomeHandler(ctx));
  const agreements = new Map<string, AgreementRecord>();
  const dsp = dspNegotiationRoutes(ctx);
  const management = negotiationManagementRoutes(ctx);
  return {
    routes: async (app: App) => {
      // Callers waiting for an outcome are answered before the server stops (Fastify waits for them otherwise).
      app.addHook('preClose', async () => notifier.close());
      await app.register(dsp);
      await app.register(management);
    },
    startNegotiation: (input) => startAsConsumer(ctx, input),
    offer: (input) => offerAsProvider(ctx, input),
    act: (id, action) => act(ctx, id, action),
    get: (id) => store.get(id),
    async waitForEnd(id, timeoutS) {
      const n = await store.get(id);
      return n && untilEnded(ctx, n, timeoutS);
    },
    agreement: async (agreementId) => {
      const hit = agreements.get(agreementId);
      if (hit) return hit;
      const n = await store.byAgreementId(agreementId);
      const record = n && toAgreementRecord(n, deps.node.did);
      // A finalized agreement never changes (its contract's status is read fresh elsewhere): kept, bounded.
      if (record) {
        if (agreements.size >= 1000) agreements.delete(agreements.keys().next().value!);
        agreements.set(agreementId, record);
      }
      return record;
    },
    findAgreement: async ({ counterpartyDid, datasetId, role }) => {
      const n = await store.latestAgreement(counterpartyDid, datasetId, role);
      return n && toAgreementRecord(n, deps.node.did);
    },
    assertAgreementUsable: (agreementId) => deps.contracts.assertAgreementUsable(agreementId),
    start() {},
    async stop() {
      notifier.close();
    },
  };
}
