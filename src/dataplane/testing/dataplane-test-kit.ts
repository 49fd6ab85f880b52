import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair } from 'jose';
import { openTestDatabase, type Engine } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { AppError, ManualClock, randomIds, silentLogger, type Authenticator } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import { createDataPlane, type DataDestination, type DataPlane, type DistributionSource, type Measurement, type Sealer, type TokenSigner, type TransferGate } from '../index.js';

/** Test helper: a real Ed25519 signer shaped like identity.signer. */
export async function testSigner(did: string): Promise<TokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicKeyJwk = await exportJWK(publicKey);
  const kid = `${did}#${await calculateJwkThumbprint(publicKeyJwk)}`;
  return {
    sign: (payload, typ) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey),
    async publicKey(k) {
      if (k !== undefined && k !== kid) throw new Error(`unknown key ${k}`);
      return { kid, publicKeyJwk };
    },
  };
}

/** Test helper: AES-256-GCM bound to aad, as identity.sealer does it. */
export function testSealer(key = randomBytes(32)): Sealer {
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return [iv, c.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
    },
    open(sealed, aad) {
      const [iv, tag, ct] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
      const d = createDecipheriv('aes-256-gcm', key, iv!).setAAD(Buffer.from(aad)).setAuthTag(tag!);
      return Buffer.concat([d.update(ct!), d.final()]).toString('utf8');
    },
  };
}

/** A stand-in for the transfer context (another helper's): grants what the test declares and records stream ends. */
export class TestGate implements TransferGate {
  readonly pulls = new Map<string, { consumer: string; source: DistributionSource; finite: boolean; mediaType?: string }>();
  readonly pushes = new Map<string, { provider: string; destination: DataDestination }>();
  readonly ended: Array<{ transferId: string; side: 'provider' | 'consumer'; m: Measurement }> = [];
  /** Refuses every request from now on (the policy lapsed, the contract was revoked). */
  denial: AppError | undefined;
  requests = 0;
  /** The agreement each pull's token named (undefined: none), in order. */
  readonly agreementHints: Array<string | undefined> = [];

  async authorizePull(transferId: string, callerDid: string, agreementId?: string) {
    this.requests++;
    this.agreementHints.push(agreementId);
    if (this.denial) throw this.denial;
    const g = this.pulls.get(transferId);
    if (!g || g.consumer !== callerDid) throw new AppError('DS_AUTH_WRONG_AUDIENCE', 'not your transfer');
    return { source: g.source, finite: g.finite, ...(g.mediaType ? { mediaType: g.mediaType } : {}) };
  }
  async authorizePush(transferId: string, callerDid: string) {
    this.requests++;
    if (this.denial) throw this.denial;
    const g = this.pushes.get(transferId);
    if (!g || g.provider !== callerDid) throw new AppError('DS_AUTH_WRONG_AUDIENCE', 'not your transfer');
    return { destination: g.destination };
  }
  async streamEnded(transferId: string, side: 'provider' | 'consumer', m: Measurement) {
    this.ended.push({ transferId, side, m });
  }
}

const auth: Authenticator = {
  async operator(key) {
    if (key === 'admin') return { kind: 'operator', keyId: 'a', name: 'admin', scopes: ['admin'] };
    throw new AppError('DS_AUTH_INVALID_API_KEY');
  },
  async participant() {
    throw new AppError('DS_AUTH_INVALID_TOKEN');
  },
};

export interface TestPlane {
  did: string;
  url: string;
  plane: DataPlane;
  gate: TestGate;
  app: App;
  db: Database;
  clock: ManualClock;
  signer: TokenSigner;
  /** Every request this plane received: method, URL and Range header. */
  seen: Array<{ method: string; url: string; range?: string | undefined }>;
  /** Connection changes recorded through the audit port. */
  audited: Array<{ type: string; subject: string; payload: Record<string, unknown> }>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test JSON
  close(): Promise<void>;
}

/** One data plane on a real loopback HTTP server, with its own database, keys and gate. */
export async function startPlane(name: string, opts: { engine?: Engine; limits?: Parameters<typeof createDataPlane>[0]['limits']; ttlSeconds?: number } = {}): Promise<TestPlane> {
  const did = `did:web:${name}.example`;
  const db = await openTestDatabase(opts.engine ?? 'pglite');
  const clock = new ManualClock(new Date());
  const signer = await testSigner(did);
  const gate = new TestGate();
  const node = { did, publicUrl: '' };
  const audited: TestPlane['audited'] = [];
  const audit = { record: async (_tx: unknown, e: TestPlane['audited'][number]) => void audited.push(e) };
  const plane = createDataPlane({ db: db.db, clock, ids: randomIds, logger: silentLogger(), node, signer, sealer: testSealer(), gate, audit, tokenTtlSeconds: opts.ttlSeconds ?? 300, ...(opts.limits ? { limits: opts.limits } : {}) });
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_000_000, authenticator: auth });
  const seen: TestPlane['seen'] = [];
  app.addHook('onRequest', async (req) => void seen.push({ method: req.method, url: req.url, range: req.headers.range }));
  await app.register(plane.routes);
  await app.listen({ host: '127.0.0.1', port: 0 });
  node.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await app.inject({ method: method as 'GET', url: path, headers: { 'x-api-key': 'admin' }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  return { did, url: node.publicUrl, plane, gate, app, db, clock, signer, seen, audited, api, close: async () => (await app.close(), await plane.settled(), await db.close()) };
}
