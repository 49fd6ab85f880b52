import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { randomIds, silentLogger, type Clock } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createContracts, type Contracts } from '../index.js';

export const ADMIN = 'admin-key';

/** Test helper: a real node on loopback with identity, participants, the log, the outbox and contracts. */
export interface ContractNode {
  name: string;
  url: string;
  did: string;
  app: App;
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  outbox: Outbox;
  contracts: Contracts;
  database: Database;
  /** Management API call with the admin key (or `key`). */
  api(method: 'GET' | 'POST', url: string, payload?: object, key?: string | null): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function startContractNode(name: string, engine: Engine, clock: Clock): Promise<ContractNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider'] } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: name, sweepMs: 100 });
  const contracts = createContracts({ db, clock, ids: randomIds, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory });
  const { app } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator: identity.authenticatorFor(participants.directory) });
  for (const routes of [identity.routes, participants.routes, ledger.routes, contracts.routes]) await app.register(routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  await app.listen({ host: '127.0.0.1', port });
  outbox.start();
  return {
    name,
    url,
    did: identity.did,
    app,
    identity,
    participants,
    ledger,
    outbox,
    contracts,
    database,
    async api(method, path, payload, key = ADMIN) {
      const res = await app.inject({ method, url: path, ...(key ? { headers: { 'x-api-key': key } } : {}), ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as unknown) : undefined };
    },
    async close() {
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}

/** Every node trusts every other one. */
export async function trustEachOther(nodes: ContractNode[]): Promise<void> {
  for (const n of nodes) for (const m of nodes) if (n !== m) await n.participants.add(m.did);
}
