import type { Database } from '../../db/index.js';
import { createIdentity } from '../../identity/index.js';
import { randomIds, silentLogger, type ManualClock } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createPeople, type People } from '../index.js';

export const ADMIN = 'admin-key';
export const TB = 'did:web:tb.example';
export const SUSPENDED = 'did:web:suspended.example';
export const TTL = 3600;
export const PASSWORD = 'correct horse battery';

/** The directory as the people context sees it: one active participant, one suspended. */
const participants = {
  get: async (did: string) =>
    did === TB ? { did, status: 'active', endpoints: { dsp: 'http://127.0.0.1:9/dsp' } } : did === SUSPENDED ? { did, status: 'suspended', endpoints: {} } : undefined,
};

export interface Shell {
  app: App;
  people: People;
}

/** An HTTP shell with identity (operator keys) and people on `database`, for inject tests. */
export async function shell(database: Database, clock: ManualClock, opts: { intermediary?: boolean; publicUrl?: string; scryptCost?: number } = {}): Promise<Shell> {
  const logger = silentLogger();
  const publicUrl = opts.publicUrl ?? 'http://127.0.0.1:4000';
  const identity = await createIdentity({ db: database.db, clock, ids: randomIds, logger, publicUrl, dataDir: null, adminApiKey: ADMIN, didCacheTtlSeconds: 300, profile: { name: 'i', legalName: 'Intermediary', roles: ['personal-data-intermediary'] } });
  const people = createPeople({
    db: database.db,
    clock,
    ids: randomIds,
    logger,
    node: { did: identity.did, publicUrl },
    intermediary: opts.intermediary ?? true,
    tokens: identity.tokens,
    participants,
    sessionTtlSeconds: TTL,
    scryptCost: opts.scryptCost ?? 2 ** 10,
  });
  const { app } = await createHttpApp({ logger, bodyLimit: 65536, authenticator: { ...identity.authenticatorFor({ statusOf: async () => undefined }), person: (t) => people.authenticate(t) } });
  await app.register(identity.routes);
  await app.register(people.routes);
  await app.ready();
  return { app, people };
}

