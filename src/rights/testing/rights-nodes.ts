import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { freePort } from '../../../test/support/nodes.js';
import type { Database } from '../../db/index.js';
import { createIdentity, type Identity } from '../../identity/index.js';
import { randomIds, silentLogger, type Clock } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createParticipants, type Participants } from '../../participants/index.js';
import { createConsent, type Consent } from '../../consent/index.js';
import { createPeople, type People } from '../../people/index.js';
import { createRights, type Rights } from '../index.js';
import { MemoryConsents } from './memory-consents.js';
import { MemoryNoticeSource } from './memory-notices.js';

export const ADMIN = 'admin-key';

/**
 * Test helper: a real node on loopback with identity, participants, its log, an outbox, people (accounts and links
 * on an intermediary, the link confirmation on a participant) and rights. Consents come from a MemoryConsents, or,
 * with `consent: true`, from the real src/consent (notices from a MemoryNoticeSource).
 */
export interface RightsNode {
  name: string;
  url: string;
  did: string;
  app: App;
  identity: Identity;
  participants: Participants;
  ledger: Ledger;
  outbox: Outbox;
  people: People;
  consents: MemoryConsents;
  consent?: Consent;
  rights: Rights;
  database: Database;
  close(): Promise<void>;
}

export async function startRightsNode(name: string, engine: Engine, clock: Clock, opts: { intermediary: boolean; consent?: boolean }): Promise<RightsNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = await openTestDatabase(engine);
  const { db } = database;
  const logger = silentLogger();
  const node = { did: '', publicUrl: url };
  const roles = opts.intermediary ? ['personal-data-intermediary'] : ['data-provider', 'data-consumer'];
  const identity = await createIdentity({ db, clock, ids: randomIds, logger, publicUrl: url, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name, legalName: `Legal ${name}`, roles } });
  node.did = identity.did;
  const ledger = createLedger({ db, clock, logger, did: identity.did, signer: identity.signer });
  const participants = createParticipants({ db, clock, logger, identity, audit: { record: async (tx, e) => void (await ledger.append(tx, { ...e, actor: identity.did })) } });
  const outbox = createOutbox({ db, clock, ids: randomIds, logger, tokens: identity.tokens, holder: `${name}-${randomIds.uuid()}`, sweepMs: 50 });
  const people = createPeople({ db, clock, ids: randomIds, logger, node, intermediary: opts.intermediary, tokens: identity.tokens, participants: participants.directory, sessionTtlSeconds: 3600, scryptCost: 2 ** 10 });
  const consents = new MemoryConsents();
  const consent = opts.consent
    ? createConsent({ db, clock, ids: randomIds, logger, node, intermediary: opts.intermediary, signer: identity.signer, resolver: identity.resolver, ledger, outbox, participants: participants.directory, people, notices: new MemoryNoticeSource(), consentTokenTtlSeconds: 300, defaultConsentDays: 365, expiryIntervalSeconds: 0 })
    : undefined;
  const rights = createRights({
    db,
    clock,
    ids: randomIds,
    logger,
    node,
    intermediary: opts.intermediary,
    signer: identity.signer,
    resolver: identity.resolver,
    ledger,
    outbox,
    participants: participants.directory,
    people,
    consents: consent ?? consents,
    reportSweepMs: 0,
  });
  const { app } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator: { ...identity.authenticatorFor(participants.directory), person: (t) => people.authenticate(t) } });
  for (const routes of [identity.routes, participants.routes, ledger.routes, people.routes, rights.routes, ...(consent ? [consent.routes] : [])]) await app.register(routes);
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
    people,
    consents,
    ...(consent ? { consent } : {}),
    rights,
    database,
    async close() {
      rights.stop();
      consent?.stop();
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}
