import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import { createCatalog } from '../../catalog/index.js';
import { createContracts, type Contracts } from '../../contracts/index.js';
import { createDataPlane, type DataPlane } from '../../dataplane/index.js';
import type { Database } from '../../db/index.js';
import { createDsp, datasetUuidOf } from '../../dsp/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { randomIds, silentLogger, type Clock, type RouteEntry } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createNegotiation, type Negotiations } from '../../negotiation/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox, type RetryPolicy } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createReceipts, type Receipts } from '../../receipts/index.js';
import { createUsage, type Usage } from '../../usage/index.js';
import { createTransfers, type TransferGate, type Transfers } from '../index.js';

export const ADMIN = 'admin-key';

/**
 * Test helper: a real node on loopback with everything a transfer touches, all REAL implementations: identity,
 * participants, log, catalog, DSP catalog, outbox, contracts, negotiation, usage, receipts, the data plane and
 * transfers (wired as the lead wires the node; the data plane's gate is late-bound to the transfers' gate).
 */
export interface TransferNode {
  name: string;
  url: string;
  port: number;
  did: string;
  app: App;
  identity: Identity;
  participants: Participants;
  contracts: Contracts;
  negotiation: Negotiations;
  usage: Usage;
  receipts: Receipts;
  dataPlane: DataPlane;
  transfers: Transfers;
  outbox: Outbox;
  ledger: Ledger;
  database: Database;
  routes: RouteEntry[];
  api(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, key?: string | null): Promise<{ status: number; body: any; raw: string; headers: Record<string, unknown> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(opts?: { keepDatabase?: boolean }): Promise<void>;
}

export interface NodeOptions {
  port?: number;
  database?: Database;
  retry?: RetryPolicy;
  monitorIntervalMs?: number;
  /** A stable lease holder, so that a node restarted on its database takes its jobs back at once. */
  holder?: string;
}

export async function startTransferNode(name: string, engine: Engine, clock: Clock, opts: NodeOptions = {}): Promise<TransferNode> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const database = opts.database ?? (await openTestDatabase(engine));
  const { db } = database;
  const logger = silentLogger();
  const ids = randomIds;
  const masterKey = Buffer.alloc(32, name.charCodeAt(0)).toString('base64');
  const identity = await createIdentity({ db, clock, ids, logger, publicUrl: url, dataDir: null, masterKey, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider', 'data-consumer'] } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const audit = { record: async (tx: Parameters<Ledger['append']>[0], e: { type: string; subject: string; payload: Record<string, unknown> }) => void (await ledger.append(tx, { ...e, actor: identity.did })) };
  const participants = createParticipants({ db, clock, logger, identity, audit });
  const node = { did: identity.did, name, publicUrl: url };
  const catalog = createCatalog({ db, clock, ids, logger, node, audit });
  const dsp = createDsp({ catalog: catalog.reader, tokens: identity.tokens, node, logger });
  const outbox = createOutbox({ db, clock, ids, logger, tokens: identity.tokens, holder: `${name}-${ids.uuid()}`, sweepMs: 50, ...(opts.retry ? { retry: opts.retry } : {}) });
  const contracts = createContracts({ db, clock, ids, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory });
  const negotiation = createNegotiation({ db, clock, ids, logger, node, outbox, contracts, catalog: catalog.reader, participants: participants.directory, catalogClient: dsp.client });
  const datasets = {
    getOfferedDataset: async (id: string) => {
      const d = await catalog.reader.getOfferedDataset(datasetUuidOf(id) ?? id);
      return d && { containsPersonalData: d.dataset.containsPersonalData };
    },
  };
  const usage = createUsage({ db, clock, logger, agreements: negotiation, contracts, datasets });
  const receipts = createReceipts({ db, clock, ids, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory, sweepMs: 50 });
  const gateRef: { current?: TransferGate } = {};
  const gate: TransferGate = {
    authorizePull: (id, did) => gateRef.current!.authorizePull(id, did),
    authorizePush: (id, did) => gateRef.current!.authorizePush(id, did),
    streamEnded: (id, side, m) => gateRef.current!.streamEnded(id, side, m),
  };
  const dataPlane = createDataPlane({ db, clock, ids, logger, node, signer: identity.signer, sealer: identity.sealer, gate, tokenTtlSeconds: 300 });
  const transfers = createTransfers({
    db, clock, ids, logger, node, outbox, participants: participants.directory, agreements: negotiation, datasets: catalog.reader, usage, receipts, dataPlane, negotiation, catalogClient: dsp.client,
    holder: opts.holder ?? `${name}-jobs`, jobSweepMs: 200, ...(opts.monitorIntervalMs !== undefined ? { monitorIntervalMs: opts.monitorIntervalMs } : {}),
  });
  gateRef.current = transfers.gate;
  const { app, routes } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator: identity.authenticatorFor(participants.directory) });
  for (const r of [identity.routes, participants.routes, ledger.routes, catalog.routes, dsp.routes, contracts.routes, negotiation.routes, receipts.routes, dataPlane.routes, transfers.routes]) await app.register(r);
  await app.listen({ host: '127.0.0.1', port });
  outbox.start();
  receipts.start();
  transfers.start();
  return {
    name, url, port, did: identity.did, app, identity, participants, contracts, negotiation, usage, receipts, dataPlane, transfers, outbox, ledger, database, routes,
    async api(method, path, payload, key = ADMIN) {
      const res = await app.inject({ method, url: path, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload ? { payload } : {}) });
      let body: unknown;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, body, raw: res.body, headers: res.headers };
    },
    async close(o = {}) {
      await transfers.stop();
      receipts.stop();
      await outbox.stop();
      await app.close();
      if (!o.keepDatabase) await database.close();
    },
  };
}

/** Every node trusts every other one. */
export async function trustEachOther(nodes: TransferNode[]): Promise<void> {
  for (const n of nodes) for (const m of nodes) if (n !== m) await n.participants.add(m.did);
}

export const OPEN_POLICY = { '@type': 'Offer', permission: [{ action: 'use' }] };

/** Publishes a dataset with `distributions` and an offering over it; returns the DSP ids a consumer sees. */
export async function publishDataset(n: TransferNode, distributions: object[], policy: Record<string, unknown> = OPEN_POLICY): Promise<{ datasetId: string; offerId: string }> {
  const ds = await n.api('POST', '/api/v1/datasets', { title: { en: `Dataset of ${n.name}` }, distributions });
  if (ds.status !== 201) throw new Error(`dataset: ${JSON.stringify(ds.body)}`);
  const off = await n.api('POST', '/api/v1/offerings', { title: 'Offering', datasets: [ds.body.id], policy });
  if (off.status !== 201) throw new Error(`offering: ${JSON.stringify(off.body)}`);
  return { datasetId: `urn:uuid:${ds.body.id}`, offerId: `urn:uuid:${off.body.id}` };
}

/** Negotiates `offer` from consumer `c` with provider `p` and returns the agreement id. */
export async function negotiate(c: TransferNode, p: TransferNode, offer: { datasetId: string; offerId: string }): Promise<string> {
  const r = await c.api('POST', '/api/v1/negotiations?wait=true&timeout=20', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, offerId: offer.offerId, datasetId: offer.datasetId });
  if (r.body?.state !== 'FINALIZED') throw new Error(`negotiation: ${JSON.stringify(r.body)}`);
  return r.body.agreementId as string;
}

/** A DSP call from node `from` to node `to`, with a fresh node token of `from`. */
export async function dspCall(from: TransferNode, to: TransferNode, method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${to.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await from.identity.tokens.sign(to.did)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
