import { after, before } from 'node:test';
import type { Database } from '../../db/index.js';
import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import { AppError, ManualClock, SequentialIds, silentLogger, type Authenticator, type LrsScope } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createLrs, type Lrs } from '../index.js';

/**
 * The whole LRS on the HTTP shell, with real LRS clients (created through the LRS itself) behind HTTP Basic and
 * one operator key for the management routes. For the statements and clients tests.
 */
export const OPERATOR_KEY = 'operator-key';
export const NODE = { did: 'did:web:lrs.example', publicUrl: 'https://lrs.example' };

export interface LrsHarness {
  app: App;
  lrs: Lrs;
  clock: ManualClock;
  /** Authorization header values of clients holding these scopes. */
  auth: { all: string; reader: string; writer: string; state: string };
}

export const basicAuth = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

export async function lrsHarness(database: Database, opts: { corsOrigins?: string[] } = {}): Promise<LrsHarness> {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const lrs = createLrs({ db: database.db, clock, ids: new SequentialIds(), logger: silentLogger(), node: NODE, corsOrigins: opts.corsOrigins });
  const authenticator: Authenticator = {
    operator: async (key) => {
      if (key !== OPERATOR_KEY) throw new AppError('DS_AUTH_INVALID_API_KEY');
      return { kind: 'operator', keyId: 'op', name: 'operator', scopes: ['admin'] };
    },
    participant: async () => {
      throw new AppError('DS_AUTH_INVALID_TOKEN');
    },
    lrsClient: (key, secret) => lrs.authenticate(key, secret),
  };
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 10 * 1024 * 1024, authenticator });
  await app.register(lrs.routes);
  await app.ready();
  const client = async (name: string, scopes: LrsScope[]) => {
    const c = await lrs.clients.create({ name, scopes });
    return basicAuth(c.key, c.secret);
  };
  return {
    app, lrs, clock,
    auth: { all: await client('all', ['all']), reader: await client('reader', ['statements/read']), writer: await client('writer', ['statements/write']), state: await client('state', ['state']) },
  };
}

/**
 * Declares, in the enclosing suite, an LRS harness on a fresh database of `engine` (closed after the suite), and
 * hands it to `use` before the suite's other `before` hooks run.
 */
export function withLrsHarness(engine: Engine, use: (h: LrsHarness, database: Database) => void): void {
  let database: Database | undefined;
  let h: LrsHarness | undefined;
  before(async () => {
    database = await openTestDatabase(engine);
    h = await lrsHarness(database);
    use(h, database);
  });
  after(async () => {
    await h?.app.close();
    await database?.close();
  });
}
