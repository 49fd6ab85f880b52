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
  close(): Promise<void>;
}

export async function startReceiptNode(name: string, engine: Engine, clock: Clock): Promise<ReceiptNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const masterKey = Buffer.alloc(32, name.charCodeAt(0)).toString('base64');
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, masterKey, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles: ['data-provider', 'data-consumer'] } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: `${name}-${randomIds.uuid()}`, sweepMs: 50 });
  const receipts = createReceipts({ db, clock, ids: randomIds, logger, did: identity.did, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory, sweepMs: 50 });
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
    async close() {
      receipts.stop();
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}
