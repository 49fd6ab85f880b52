import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { AppError, type Authenticator, type Clock, SequentialIds, silentLogger } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createConsent, type Consent } from '../index.js';
import type { ConsentResolver } from '../app/ports.js';
import { MemoryNotices, MemoryPeople, testKey, type TestKey } from './consent-kit.js';

export const OPERATOR_KEY = 'operator-read-key';

/** A POST the outbox made (its transport records instead of reaching other nodes: that is the e2e test's job). */
export interface Delivery {
  url: string;
  authorization: string;
  body: { receipt: string };
}

/**
 * Test helper: one node's consent context on a real database, with a real ledger and outbox, behind the real HTTP
 * shell. Authentication is a small table (session token → person, node token → participant DID, one operator key),
 * which is what the kernel's Authenticator port asks for; identity's own checks are tested elsewhere.
 */
export interface ConsentHarness {
  did: string;
  key: TestKey;
  app: App;
  consent: Consent;
  database: Database;
  ledger: Ledger;
  outbox: Outbox;
  people: MemoryPeople;
  notices: MemoryNotices;
  deliveries: Delivery[];
  /** Registers a person session; returns the bearer token. */
  session(personId: string): string;
  /** A node token presented by `did` (accepted as that participant). */
  nodeToken(did: string): string;
  close(): Promise<void>;
}

export async function startHarness(opts: { engine: Engine; clock: Clock; did: string; intermediary: boolean; parties: string[]; resolver?: ConsentResolver; statusCacheMs?: number }): Promise<ConsentHarness> {
  const database = await openTestDatabase(opts.engine);
  const { db } = database;
  const logger = silentLogger();
  const ids = new SequentialIds();
  const key = await testKey(opts.did);
  const deliveries: Delivery[] = [];
  const sessions = new Map<string, string>();
  const tokens = new Map<string, string>();
  const recordingFetch: typeof fetch = async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    deliveries.push({ url: String(url), authorization: headers.authorization ?? '', body: JSON.parse(String(init?.body)) as Delivery['body'] });
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const ledger = createLedger({ db, clock: opts.clock, logger, did: opts.did, signer: key });
  const outbox = createOutbox({ db, clock: opts.clock, ids, logger, tokens: { sign: async (aud) => `node-token-for-${aud}` }, holder: `${opts.did}-test`, fetch: recordingFetch, sweepMs: 50 });
  const people = new MemoryPeople();
  const notices = new MemoryNotices();
  const dsp = (did: string) => `http://127.0.0.1:9/${encodeURIComponent(did)}/dsp`;
  const consent = createConsent({
    db,
    clock: opts.clock,
    ids,
    logger,
    node: { did: opts.did, publicUrl: 'http://127.0.0.1:4003' },
    intermediary: opts.intermediary,
    signer: key,
    resolver: opts.resolver ?? { resolve: async (did) => (did === opts.did ? key.didDocument : { id: did, verificationMethod: [] }) },
    ledger,
    outbox,
    participants: { get: async (did) => (opts.parties.includes(did) ? { did, status: 'active', endpoints: { dsp: dsp(did) } } : undefined) },
    people,
    notices,
    consentTokenTtlSeconds: 300,
    defaultConsentDays: 365,
    expiryIntervalSeconds: 0,
    ...(opts.statusCacheMs !== undefined ? { statusCacheMs: opts.statusCacheMs } : {}),
  });
  const authenticator: Authenticator = {
    async operator(apiKey) {
      if (apiKey !== OPERATOR_KEY) throw new AppError('DS_AUTH_INVALID_API_KEY');
      return { kind: 'operator', keyId: 'k1', name: 'operator', scopes: ['read'] };
    },
    async participant(token) {
      const did = tokens.get(token);
      if (!did) throw new AppError('DS_AUTH_INVALID_TOKEN');
      return { kind: 'participant', did, jti: token };
    },
    async person(token) {
      const personId = sessions.get(token);
      if (!personId) throw new AppError('DS_AUTH_INVALID_TOKEN');
      return { kind: 'person', personId, sessionId: `s-${token}` };
    },
  };
  const { app } = await createHttpApp({ logger, bodyLimit: 1024 * 1024, authenticator });
  await app.register(consent.routes);
  await app.ready();
  outbox.start();
  let n = 0;
  return {
    did: opts.did,
    key,
    app,
    consent,
    database,
    ledger,
    outbox,
    people,
    notices,
    deliveries,
    session(personId) {
      const t = `session-${personId}-${(n += 1)}`;
      sessions.set(t, personId);
      return t;
    },
    nodeToken(did) {
      const t = `node-${did}-${(n += 1)}`;
      tokens.set(t, did);
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
