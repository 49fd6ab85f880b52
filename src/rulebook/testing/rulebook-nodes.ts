import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import { createContracts, type Contracts } from '../../contracts/index.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { randomIds, silentLogger, systemClock, type RouteEntry } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createRulebook, type Rulebook } from '../index.js';

export const ADMIN = 'admin-key';

// JSON answers the assertions walk freely.
type Body = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Test helper: a real node on loopback with identity, registry, log, outbox, contracts and the rulebook context. */
export interface RulebookNode {
  name: string;
  url: string;
  did: string;
  app: App;
  routes: RouteEntry[];
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  outbox: Outbox;
  contracts: Contracts;
  rulebook: Rulebook;
  database: Database;
  /** Management API call with the admin key (or `key`; null: none). */
  api(method: 'GET' | 'POST', url: string, payload?: object, key?: string | null): Promise<{ status: number; body: Body }>;
  /** Node-to-node call to `to` with a fresh token of this node. */
  dsp(to: RulebookNode, method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: Body }>;
  /** Types and subjects of this node's log entries of a type. */
  logged(type: string): Promise<Array<{ subject: string; payload: Body }>>;
  close(): Promise<void>;
}

export async function startRulebookNode(name: string, engine: Engine, roles: string[]): Promise<RulebookNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const clock = systemClock;
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: name, sweepMs: 100, retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 5 } });
  const contracts = createContracts({ db, clock, ids: randomIds, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory });
  const rulebook = createRulebook({ db, clock, ids: randomIds, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, tokens: identity.tokens, participants: participants.directory, ledger, outbox, contracts });
  const { app, routes } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator: identity.authenticatorFor(participants.directory) });
  for (const r of [identity.routes, participants.routes, ledger.routes, contracts.routes, rulebook.routes]) await app.register(r);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  await app.listen({ host: '127.0.0.1', port });
  outbox.start();
  const json = (text: string): Body => (text ? JSON.parse(text) : undefined);
  return {
    name,
    url,
    did: identity.did,
    app,
    routes,
    identity,
    participants,
    ledger,
    outbox,
    contracts,
    rulebook,
    database,
    async api(method, path, payload, key = ADMIN) {
      const res = await app.inject({ method, url: path, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: json(res.body) };
    },
    async dsp(to, method, path, body) {
      const token = await identity.tokens.sign(to.did);
      const res = await fetch(`${to.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: json(await res.text()) };
    },
    async logged(type) {
      return (await ledger.entries({ type, limit: 500 })).map((e) => ({ subject: e.subject, payload: e.payload }));
    },
    async close() {
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}

/** Every node trusts every other one (the registry reads their verified self-descriptions, roles included). */
export async function trustEachOther(nodes: RulebookNode[]): Promise<void> {
  for (const n of nodes) for (const m of nodes) if (n !== m) await n.participants.add(m.did);
}

/** The impact-study rulebook of the tests: a lab orchestrates, edtech tools provide, analysts consume. */
export const impactStudyRulebook = (mode: 'invitation-only' | 'open-with-approval' = 'open-with-approval') => ({
  roles: [
    { id: 'orchestrator', title: 'Research lab running the impact study' },
    { id: 'data-provider', title: 'Edtech tool', requiredRegistryRoles: ['data-provider'], maxMembers: 5 },
    { id: 'data-consumer', title: 'Analyst' },
  ],
  obligations: [
    { role: 'data-provider', templates: [{ name: 'notification', parameters: {} }] },
    {
      role: 'data-consumer',
      templates: [
        { name: 'purpose-restriction', parameters: { purposes: ['impact-assessment', 'research'] } },
        { name: 'no-redistribution' },
        { name: 'delete-after', parameters: { days: 365 } },
      ],
    },
  ],
  participation: { mode, maxMembers: 8 },
});
