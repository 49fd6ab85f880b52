import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { AppError, randomIds, silentLogger, type Clock } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createConsent, type Consent } from '../index.js';
import { MemoryNotices, MemoryPeople } from './consent-kit.js';

export const ADMIN = 'admin-key';

/**
 * Test helper: a real node on loopback with identity (its DID document served over HTTP), participants, its log,
 * an outbox and consent. People and notices (other contexts) are small in-memory implementations of the ports;
 * sessions are a table the test fills (the kernel asks `Authenticator.person`, which PEOPLE implements).
 */
export interface ConsentNode {
  name: string;
  url: string;
  did: string;
  app: App;
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  outbox: Outbox;
  consent: Consent;
  people: MemoryPeople;
  notices: MemoryNotices;
  database: Database;
  session(personId: string): string;
  close(): Promise<void>;
}

export async function startConsentNode(name: string, engine: Engine, clock: Clock, opts: { intermediary: boolean }): Promise<ConsentNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const masterKey = Buffer.alloc(32, name.charCodeAt(0)).toString('base64');
  const roles = opts.intermediary ? ['personal-data-intermediary'] : ['data-provider', 'data-consumer'];
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, masterKey, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles } });
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: `${name}-${randomIds.uuid()}`, sweepMs: 50 });
  const people = new MemoryPeople();
  const notices = new MemoryNotices();
  const consent = createConsent({
    db,
    clock,
    ids: randomIds,
    logger,
    node: { did: identity.did, publicUrl: url },
    intermediary: opts.intermediary,
    signer: identity.signer,
    resolver: identity.resolver,
    ledger,
    outbox,
    participants: participants.directory,
    people,
    notices,
    consentTokenTtlSeconds: 300,
    defaultConsentDays: 365,
    expiryIntervalSeconds: 0,
    tokens: identity.tokens,
  });
  const sessions = new Map<string, string>();
  const base = identity.authenticatorFor(participants.directory);
  const authenticator = {
    ...base,
    async person(token: string) {
      const personId = sessions.get(token);
      if (!personId) throw new AppError('DS_AUTH_INVALID_TOKEN');
      return { kind: 'person' as const, personId, sessionId: `s-${personId}` };
    },
  };
  const { app } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator });
  for (const routes of [identity.routes, participants.routes, ledger.routes, consent.routes]) await app.register(routes);
  app.get('/.well-known/dspace-version', { config: { auth: 'public' } }, async () => ({ protocolVersions: [{ version: '2025-1', path: '/dsp', binding: 'HTTPS' }] }));
  await app.listen({ host: '127.0.0.1', port });
  outbox.start();
  let n = 0;
  return {
    name,
    url,
    did: identity.did,
    app,
    identity,
    participants,
    ledger,
    outbox,
    consent,
    people,
    notices,
    database,
    session(personId) {
      const t = `session-${name}-${personId}-${(n += 1)}`;
      sessions.set(t, personId);
      return t;
    },
    async close() {
      consent.stop();
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}
