import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import { registerEntryType } from '../ledger/index.js';
import type { App } from '../node/http-app.js';
import { SqlConnectionStore } from './adapters/sql-connection.store.js';
import { createStreams, type StreamLimits } from './adapters/streams.js';
import { AbortRegistry } from './app/abort-registry.js';
import type { ConnectionAudit, LrsStatements, DataAddress, DataDestination, DistributionSource, Measurement, Sealer, TokenSigner, TransferGate } from './app/ports.js';
import { createTransferClient } from './app/transfer-client.js';
import { createTransferTokens } from './app/transfer-token.js';
import { parseDestination } from './domain/destination.parser.js';
import { connectionRoutes } from './http/connections.routes.js';
import { dataRoutes } from './http/data.routes.js';
import { PendingWork } from './app/pending-work.js';

export type { ConnectionAudit, LrsStatements, DataAddress, DataDestination, DistributionSource, Measurement, Sealer, TokenSigner, TransferGate } from './app/ports.js';
export type { StreamLimits } from './adapters/streams.js';
export { parseDestination } from './domain/destination.parser.js';

export interface DataPlaneDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  /** identity.signer: transfer tokens are JWTs this node signs for itself and verifies against its own keys. */
  signer: TokenSigner;
  /** identity.sealer: connection secrets sealed at rest (aad = connection name). */
  sealer: Sealer;
  /** Read on every use, so the node may assign it after creating the transfer context. */
  gate: TransferGate;
  tokenTtlSeconds: number;
  fetch?: typeof fetch;
  /** Records connection changes in their transaction (types `connection.saved`, `connection.deleted`; no secrets). */
  audit?: ConnectionAudit;
  /** This node's LRS, for `lrs` distributions (late-bound by the node: the LRS is built after the data plane). */
  lrs?: LrsStatements;
  /** Defaults: headers 30 s, idle 60 s, statement 60 s, 500 rows per cursor batch. */
  limits?: Partial<StreamLimits>;
}

export interface DataPlane {
  routes(app: App): Promise<void>;
  /** `agreementId`: the transfer's, carried in the token so that the gate can check it while it reads the transfer. */
  issuePullAddress(input: { transferId: string; consumerDid: string; agreementId?: string }): Promise<DataAddress>;
  issuePushAddress(input: { transferId: string; providerDid: string }): Promise<DataAddress>;
  push(input: { transferId: string; source: DistributionSource; address: DataAddress; signal?: AbortSignal }): Promise<Measurement>;
  pull(input: { transferId: string; address: DataAddress; destination: DataDestination; signal?: AbortSignal }): Promise<Measurement>;
  open(input: { transferId: string; address: DataAddress; signal?: AbortSignal }): Promise<{ body: Readable; contentType?: string; measured: Promise<Measurement> }>;
  abort(transferId: string, reason: string): void;
  parseDestination(value: unknown, path: string): DataDestination;
  /**
   * Resolves once the bookkeeping of every served stream that has ended is done (it runs after the response
   * closed). Shutdown awaits it after the HTTP server closed and before the database does.
   */
  settled(): Promise<void>;
}

registerEntryType('connection.saved', 'A named data-plane connection was created or replaced (no secret is logged)');
registerEntryType('connection.deleted', 'A named data-plane connection was deleted');

const DEFAULT_LIMITS: StreamLimits = { headersTimeoutMs: 30_000, idleTimeoutMs: 60_000, statementTimeoutMs: 60_000, batchRows: 500 };

/**
 * The streaming data plane: serves pulls and receives pushes under transfer tokens, moves bytes between sources
 * (files, directories, REST APIs, read-only SQL) and sinks (file, folder, REST forward) with back-pressure,
 * metering and hashing every stream, and stops every stream of a transfer on `abort`.
 */
export function createDataPlane(deps: DataPlaneDeps): DataPlane {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  // Read when an address is issued: a node (or a test) may learn its public URL only once it listens.
  const publicUrl = () => deps.node.publicUrl.replace(/\/+$/, '');
  const store = new SqlConnectionStore(deps.db, deps.sealer);
  const streams = createStreams({ fetch: fetchFn, connections: store, limits: { ...DEFAULT_LIMITS, ...deps.limits }, logger: deps.logger, lrs: deps.lrs });
  const registry = new AbortRegistry();
  const pending = new PendingWork();
  const tokens = createTransferTokens({ did: deps.node.did, signer: deps.signer, clock: deps.clock, ids: deps.ids, ttlSeconds: deps.tokenTtlSeconds });
  const gate = () => deps.gate;
  const client = createTransferClient({ clock: deps.clock, logger: deps.logger, streams, registry, gate });
  const segment = encodeURIComponent;
  return {
    routes: async (app: App) => {
      await app.register(dataRoutes({ clock: deps.clock, logger: deps.logger, tokens, gate, streams, registry, pending }));
      await app.register(connectionRoutes({ db: deps.db, store, clock: deps.clock, audit: deps.audit }));
    },
    issuePullAddress: ({ transferId, consumerDid, agreementId }) => tokens.issue(transferId, consumerDid, 'pull', `${publicUrl()}/dataplane/pull/${segment(transferId)}`, agreementId),
    issuePushAddress: ({ transferId, providerDid }) => tokens.issue(transferId, providerDid, 'push', `${publicUrl()}/dataplane/push/${segment(transferId)}`),
    push: (input) => client.push(input),
    pull: (input) => client.pull(input),
    open: (input) => client.open(input),
    abort: (transferId, reason) => {
      const n = registry.abort(transferId, reason);
      if (n) deps.logger.info({ transferId, streams: n, reason }, 'data-plane streams aborted');
    },
    parseDestination,
    settled: () => pending.settled(),
  };
}
