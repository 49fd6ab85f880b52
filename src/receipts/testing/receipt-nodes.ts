import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { randomIds, silentLogger, type Clock } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createReceipts, type Receipts } from '../index.js';

export const ADMIN = 'admin-key';

/** Test helper: a real node on loopback with identity, participants, its log, an outbox and receipts. */
export interface ReceiptNode {
  name: string;
  url: string;
  did: string;
  app: App;
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  outbox: Outbox;
  receipts: Receipts;
  database: Database;
  /** The URLs its outbox posted to, in order (deliveries are real; this only records them). */
  posted: string[];
  close(): Promise<void>;
}

export interface ReceiptNodeOptions {
  /** false: this node reads the others' DID documents without their ExchangeReceiptService, as a node predating it would find them. */
  seesBatchService?: boolean;
  batchMs?: number;
  batchBytes?: number;
}

export async function startReceiptNode(name: string, engine: Engine, clock: Clock, opts: ReceiptNodeOptions = {}): Promise<ReceiptNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const masterKey = Buffer.alloc(32, name.charCodeAt(0)).toString('base64');
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, masterKey, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider', 'data-consumer'] } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const posted: string[] = [];
  const recording: typeof fetch = (input, init) => {
    posted.push(String(input));
    return fetch(input, init);
  };
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: `${name}-${randomIds.uuid()}`, sweepMs: 50, fetch: recording });
  const resolver =
    opts.seesBatchService === false
      ? { resolve: async (did: string) => ({ ...(await identity.resolver.resolve(did)), service: [] }), invalidate: (did: string) => identity.resolver.invalidate(did) }
      : identity.resolver;
  const receipts = createReceipts({ db, clock, ids: randomIds, logger, did: identity.did, signer: identity.signer, resolver, ledger, outbox, participants: participants.directory, sweepMs: 50, ...(opts.batchMs !== undefined ? { batchMs: opts.batchMs } : {}), ...(opts.batchBytes !== undefined ? { batchBytes: opts.batchBytes } : {}) });
  const { app } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator: identity.authenticatorFor(participants.directory) });
  for (const routes of [identity.routes, participants.routes, ledger.routes, receipts.routes]) await app.register(routes);
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
    receipts,
    database,
    posted,
    async close() {
      receipts.stop();
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}
