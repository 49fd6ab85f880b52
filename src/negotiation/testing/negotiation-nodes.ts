import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import { createCatalog } from '../../catalog/index.js';
import { createContracts, type Contracts } from '../../contracts/index.js';
import type { Database } from '../../db/index.js';
import { createDsp } from '../../dsp/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { randomIds, silentLogger, type Clock, type RouteEntry } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox, type RetryPolicy } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createNegotiation, type Negotiations } from '../index.js';

export const ADMIN = 'admin-key';
export const OPEN_POLICY = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }] };

/** Test helper: a real node on loopback with identity, participants, log, catalog, DSP, outbox, contracts and negotiation. */
export interface NegotiationNode {
  name: string;
  url: string;
  port: number;
  did: string;
  app: App;
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  outbox: Outbox;
  contracts: Contracts;
  negotiation: Negotiations;
  database: Database;
  /** Every route with the authentication it declares. */
  routes: RouteEntry[];
  /** Management API call with the admin key (or `key`; null: none). */
  api(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, key?: string | null): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Stops the node; with keepDatabase its database stays open for a restart on it. */
  close(opts?: { keepDatabase?: boolean }): Promise<void>;
}

export interface NodeOptions {
  /** Restart: the same port (hence the same did:web) and the database of the stopped node. */
  port?: number;
  database?: Database;
  retry?: RetryPolicy;
}

export async function startNegotiationNode(name: string, engine: Engine, clock: Clock, opts: NodeOptions = {}): Promise<NegotiationNode> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const database = opts.database ?? (await openTestDatabase(engine));
  const { db } = database;
  const logger = silentLogger();
  const masterKey = Buffer.alloc(32, name.charCodeAt(0)).toString('base64');
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, masterKey, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider', 'data-consumer'] } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const audit = { record: async (tx: Parameters<Ledger['append']>[0], e: { type: string; subject: string; payload: Record<string, unknown> }) => void (await ledger.append(tx, { ...e, actor: identity.did })) };
  const participants = createParticipants({ db, clock, logger, identity, audit });
  const node = { did: identity.did, name, publicUrl: url };
  const catalog = createCatalog({ db, clock, ids: randomIds, logger, node, audit });
  const dsp = createDsp({ catalog: catalog.reader, tokens: identity.tokens, node, logger });
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: `${name}-${randomIds.uuid()}`, sweepMs: 50, ...(opts.retry ? { retry: opts.retry } : {}) });
  const contracts = createContracts({ db, clock, ids: randomIds, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory });
  const negotiation = createNegotiation({ db, clock, ids: randomIds, logger, node, outbox, contracts, catalog: catalog.reader, participants: participants.directory, catalogClient: dsp.client });
  const { app, routes } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator: identity.authenticatorFor(participants.directory) });
  for (const routes of [identity.routes, participants.routes, ledger.routes, catalog.routes, dsp.routes, contracts.routes, negotiation.routes]) await app.register(routes);
  await app.listen({ host: '127.0.0.1', port });
  outbox.start();
  negotiation.start();
  return {
    name,
    url,
    port,
    did: identity.did,
    app,
    identity,
    participants,
    ledger,
    outbox,
    contracts,
    negotiation,
    database,
    routes,
    async api(method, path, payload, key = ADMIN) {
      const res = await app.inject({ method, url: path, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as unknown) : undefined };
    },
    async close(o = {}) {
      await negotiation.stop();
      await outbox.stop();
      await app.close();
      if (!o.keepDatabase) await database.close();
    },
  };
}

/** Every node trusts every other one. */
export async function trustEachOther(nodes: NegotiationNode[]): Promise<void> {
  for (const n of nodes) for (const m of nodes) if (n !== m) await n.participants.add(m.did);
}

/** Publishes a dataset and an offering over it in the node's catalog; returns the DSP ids a consumer sees. */
export async function publishOffer(n: NegotiationNode, policy: Record<string, unknown> = OPEN_POLICY): Promise<{ datasetId: string; offerId: string }> {
  const ds = await n.api('POST', '/api/v1/datasets', { title: { en: `Dataset of ${n.name}` } });
  if (ds.status !== 201) throw new Error(`dataset: ${JSON.stringify(ds.body)}`);
  const off = await n.api('POST', '/api/v1/offerings', { title: 'Offering', datasets: [ds.body.id], policy });
  if (off.status !== 201) throw new Error(`offering: ${JSON.stringify(off.body)}`);
  return { datasetId: `urn:uuid:${ds.body.id}`, offerId: `urn:uuid:${off.body.id}` };
}

/** A DSP call from node `from` to node `to`, with a fresh node token of `from` (as the outbox would send it). */
export async function dspCall(from: NegotiationNode, to: NegotiationNode, method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${to.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await from.identity.tokens.sign(to.did)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
