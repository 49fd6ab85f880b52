import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { AppError, type Authenticator, type Clock, SequentialIds, silentLogger } from '../../kernel/index.js';
import { createLedger, type Ledger } from '../../ledger/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createOutbox, type Outbox } from '../../outbox/index.js';
import { createRights, type Rights } from '../index.js';
import type { RightsPeople, RightsResolver } from '../app/ports.js';
import { MemoryConsents } from './memory-consents.js';

export const READ_KEY = 'read-key';
export const WRITE_KEY = 'write-key';

/** An Ed25519 node key named as dases names them (`<did>#<thumbprint>`), signing as identity.signer does. */
export interface TestKey {
  did: string;
  doc: { id: string; verificationMethod: Array<{ id: string; publicKeyJwk: JWK }> };
  sign(payload: object, typ: string): Promise<string>;
}

export async function testKey(did: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicKeyJwk = await exportJWK(publicKey);
  const kid = `${did}#${await calculateJwkThumbprint(publicKeyJwk)}`;
  return { did, doc: { id: did, verificationMethod: [{ id: kid, publicKeyJwk }] }, sign: (p, typ) => new CompactSign(new TextEncoder().encode(JSON.stringify(p))).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey) };
}

/** A small real people directory (what PEOPLE keeps): accounts and confirmed links. */
export class MemoryPeople implements RightsPeople {
  readonly accounts = new Map<string, { login: string; createdAt: Date }>();
  readonly linkRows: Array<{ personId: string; participantDid: string; subjectId: string; status: 'confirmed' | 'pending' | 'revoked' }> = [];
  async links(personId: string) {
    return this.linkRows.filter((l) => l.personId === personId).map((l, n) => ({ id: `link-${n}`, participantDid: l.participantDid, subjectId: l.subjectId, status: l.status, createdAt: new Date(0) }));
  }
  async person(personId: string) {
    const a = this.accounts.get(personId);
    return a && { id: personId, login: a.login, language: 'fr' as const, createdAt: a.createdAt };
  }
  async personOfSubject(participantDid: string, subjectId: string) {
    return this.linkRows.find((l) => l.participantDid === participantDid && l.subjectId === subjectId && l.status === 'confirmed')?.personId;
  }
  async subjectAt(personId: string, participantDid: string) {
    return this.linkRows.find((l) => l.personId === personId && l.participantDid === participantDid && l.status === 'confirmed')?.subjectId;
  }
}

/** A POST the outbox made (recorded instead of reaching other nodes: the e2e tests do that). */
export interface Delivery {
  url: string;
  body: Record<string, string>;
}

/**
 * Test helper: one node's rights context on a real database, with a real ledger and outbox, behind the real HTTP
 * shell. Authentication is a small table (session → person, node token → DID, two operator keys), which is what
 * the kernel's Authenticator port asks for; identity's own checks are tested elsewhere.
 */
export interface RightsShell {
  key: TestKey;
  app: App;
  rights: Rights;
  database: Database;
  ledger: Ledger;
  outbox: Outbox;
  people: MemoryPeople;
  consents: MemoryConsents;
  deliveries: Delivery[];
  /** Deliveries to these URLs are answered 400 (the outbox gives up at once). */
  refuse: Set<string>;
  session(personId: string): string;
  nodeToken(did: string): string;
  close(): Promise<void>;
}

export async function startShell(opts: { engine: Engine; clock: Clock; key: TestKey; intermediary: boolean; parties: Record<string, string | undefined>; resolver: RightsResolver }): Promise<RightsShell> {
  const database = await openTestDatabase(opts.engine);
  const { db } = database;
  const logger = silentLogger();
  const ids = new SequentialIds();
  const deliveries: Delivery[] = [];
  const refuse = new Set<string>();
  const sessions = new Map<string, string>();
  const tokens = new Map<string, string>();
  const recordingFetch: typeof fetch = async (url, init) => {
    deliveries.push({ url: String(url), body: JSON.parse(String(init?.body)) as Record<string, string> });
    const status = refuse.has(String(url)) ? 400 : 200;
    return new Response('{}', { status, headers: { 'content-type': 'application/json' } });
  };
  const ledger = createLedger({ db, clock: opts.clock, logger, did: opts.key.did, signer: { sign: opts.key.sign, publicKey: async () => ({ kid: opts.key.doc.verificationMethod[0]!.id, publicKeyJwk: opts.key.doc.verificationMethod[0]!.publicKeyJwk }) } });
  const outbox = createOutbox({ db, clock: opts.clock, ids, logger, tokens: { sign: async (aud) => `node-token-for-${aud}` }, holder: `${opts.key.did}-test`, fetch: recordingFetch, sweepMs: 50 });
  const people = new MemoryPeople();
  const consents = new MemoryConsents();
  const rights = createRights({
    db,
    clock: opts.clock,
    ids,
    logger,
    node: { did: opts.key.did, publicUrl: 'http://127.0.0.1:4003' },
    intermediary: opts.intermediary,
    signer: opts.key,
    resolver: opts.resolver,
    ledger,
    outbox,
    participants: { get: async (did) => (did in opts.parties ? { did, name: `Legal ${did}`, status: 'active', endpoints: { dsp: opts.parties[did] } } : undefined) },
    people,
    consents,
    reportSweepMs: 0,
  });
  const authenticator: Authenticator = {
    async operator(apiKey) {
      if (apiKey === READ_KEY) return { kind: 'operator', keyId: 'r', name: 'reader', scopes: ['read'] };
      if (apiKey === WRITE_KEY) return { kind: 'operator', keyId: 'w', name: 'writer', scopes: ['read', 'write'] };
      throw new AppError('DS_AUTH_INVALID_API_KEY');
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
  await app.register(rights.routes);
  await app.ready();
  outbox.start();
  let n = 0;
  return {
    key: opts.key,
    app,
    rights,
    database,
    ledger,
    outbox,
    people,
    consents,
    deliveries,
    refuse,
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
      rights.stop();
      await outbox.stop();
      await app.close();
      await database.close();
    },
  };
}
