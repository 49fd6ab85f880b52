import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { Clock, Logger } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { createLogHeadClient } from './adapters/log-head.client.js';
import { SqlWitnessStore } from './adapters/sql-witness.store.js';
import { createCosignatureReceiver } from './app/cosignature-receiver.js';
import { witnessJob, type WitnessRun } from './app/witness.job.js';
import type { WitnessDirectory, WitnessLedger, WitnessResolver, WitnessSigner } from './app/witness.ports.js';
import { createWitness, type WitnessOutcome } from './app/witness.service.js';
import { witnessRoutes } from './http/witness.routes.js';

export type { WitnessDirectory, WitnessLedger, WitnessResolver, WitnessSigner } from './app/witness.ports.js';
export type { WitnessOutcome } from './app/witness.service.js';
export type { WitnessedHead, SplitView, ReceivedCosignature } from './adapters/sql-witness.store.js';
export type { WitnessRun } from './app/witness.job.js';
export { WITNESS_LEASE } from './app/witness.job.js';
export { COSIGNATURE_TYP, decodeCosignature, verifyCosignature, type Cosignature } from './domain/cosignature.js';
export { judgeHead, type SeenHead, type Verdict } from './domain/split-view.js';

export interface WitnessingDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  /** This node's DID. */
  did: string;
  ledger: WitnessLedger;
  tokens: { sign(audienceDid: string): Promise<string> };
  resolver: WitnessResolver;
  signer: WitnessSigner;
  participants: WitnessDirectory;
  fetch?: typeof fetch;
  /** Seconds between rounds of the periodic job; 0 disables it. */
  intervalSeconds: number;
  /** Who holds the job lease (host:pid:uuid). */
  holder: string;
}

export interface Witnessing {
  routes: (app: App) => Promise<void>;
  /** Fetches, verifies and counter-signs the participant's latest head; throws DS_LEDGER_WITNESS_SPLIT_VIEW on a split view. */
  witness(participant: string): Promise<WitnessOutcome>;
  /** One round over every active participant with a DSP endpoint (what the periodic job runs). */
  witnessAll(): Promise<WitnessRun>;
  start(): void;
  stop(): void;
}

/**
 * Cross-node witnessing of transparency logs: this node checks trusted participants' signed tree heads for
 * consistency with what it saw before and counter-signs them, and accepts their cosignatures of its own heads.
 */
export function createWitnessing(deps: WitnessingDeps): Witnessing {
  const store = new SqlWitnessStore(deps.db);
  const client = createLogHeadClient({ tokens: deps.tokens, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const witness = createWitness({ did: deps.did, clock: deps.clock, logger: deps.logger, store, ledger: deps.ledger, client, resolver: deps.resolver, signer: deps.signer, participants: deps.participants });
  const receive = createCosignatureReceiver({ did: deps.did, clock: deps.clock, store, resolver: deps.resolver });
  const job = witnessJob({ db: deps.db, clock: deps.clock, logger: deps.logger, holder: deps.holder, intervalSeconds: deps.intervalSeconds, participants: deps.participants, witness });
  return { routes: witnessRoutes({ store, ledger: deps.ledger, witness, receive }), witness, witnessAll: job.witnessAll, start: job.start, stop: job.stop };
}
