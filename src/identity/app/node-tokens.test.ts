import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { AppError, ManualClock, SequentialIds } from '../../kernel/index.js';
import { testKeyPair } from '../test-keys.js';
import type { DidDocument } from '../domain/did-document.js';
import { createTokenSigner, verifyNodeToken, type TokenVerifierDeps } from './node-tokens.js';

const ME = 'did:web:me.example';
const B = 'did:web:b.example';
const C = 'did:web:c.example';

describe('node-to-node tokens', () => {
  const clock = new ManualClock('2026-05-01T10:00:00Z');
  const docs = new Map<string, DidDocument>();
  let status: Map<string, 'active' | 'suspended'>;
  let seen: Set<string>;
  let resolved: string[];
  let signB: (aud: string) => Promise<string>;
  let signC: (aud: string) => Promise<string>;
  let bKey: Awaited<ReturnType<typeof testKeyPair>>;

  before(async () => {
    bKey = await testKeyPair(B);
    const c = await testKeyPair(C);
    docs.set(B, bKey.doc).set(C, c.doc);
    signB = createTokenSigner({ did: B, clock, ids: new SequentialIds(), activeKey: async () => bKey }).sign;
    signC = createTokenSigner({ did: C, clock, ids: new SequentialIds(), activeKey: async () => c }).sign;
  });
  beforeEach(() => {
    status = new Map([[B, 'active']]);
    seen = new Set();
    resolved = [];
  });

  const deps = (): TokenVerifierDeps => ({
    did: ME,
    clock,
    statusOf: async (d) => status.get(d),
    resolve: async (d) => {
      resolved.push(d);
      const doc = docs.get(d);
      if (!doc) throw new Error('unresolvable');
      return doc;
    },
    invalidate: () => undefined,
    markSeen: async (iss, jti) => (seen.has(`${iss} ${jti}`) ? false : (seen.add(`${iss} ${jti}`), true)),
  });
  const rejects = (token: string, code: string) => assert.rejects(verifyNodeToken(token, deps()), (e: unknown) => e instanceof AppError && e.code === code);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const parts = (t: string) => {
    const [h, p, s] = t.split('.');
    return { h: h!, claims: JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown> & { exp: number; iat: number }, s: s! };
  };

  it('accepts a fresh token from an active participant, once', async () => {
    const token = await signB(ME);
    const p = await verifyNodeToken(token, deps());
    assert.equal(p.did, B);
    assert.equal(parts(token).claims.exp - parts(token).claims.iat, 120);
    await rejects(token, 'DS_AUTH_TOKEN_REPLAYED');
  });

  it('refuses malformed tokens and forged signatures', async () => {
    await rejects('garbage', 'DS_AUTH_INVALID_TOKEN');
    await rejects('eyJhbGciOiJFZERTQSJ9.e30.AAAA', 'DS_AUTH_INVALID_TOKEN');
    const { h, claims, s } = parts(await signB(ME));
    await rejects(`${h}.${b64({ ...claims, exp: claims.exp + 100 })}.${s}`, 'DS_AUTH_INVALID_TOKEN');
  });

  it("refuses a token signed with another node's key under the issuer's name", async () => {
    const { claims } = parts(await signC(ME));
    const cToken = await signC(ME);
    const { s } = parts(cToken);
    const header = b64({ alg: 'EdDSA', typ: 'JWT', kid: `${B}#${bKey.kid}` });
    await rejects(`${header}.${b64({ ...claims, iss: B, sub: B })}.${s}`, 'DS_AUTH_INVALID_TOKEN');
  });

  it('refuses a kid outside the issuer DID and iss != sub', async () => {
    const { h, claims, s } = parts(await signB(ME));
    await rejects(`${b64({ alg: 'EdDSA', kid: `${C}#x` })}.${b64(claims)}.${s}`, 'DS_AUTH_INVALID_TOKEN');
    await rejects(`${h}.${b64({ ...claims, sub: C })}.${s}`, 'DS_AUTH_INVALID_TOKEN');
  });

  it('refuses a token for another audience', async () => {
    await rejects(await signB('did:web:other.example'), 'DS_AUTH_WRONG_AUDIENCE');
  });

  it('refuses an expired token (beyond the 60 s skew) and accepts one within it', async () => {
    const token = await signB(ME);
    clock.advance(150_000);
    await verifyNodeToken(await signB(ME), deps());
    clock.advance(-150_000);
    const late = await signB(ME);
    clock.advance(181_000);
    try {
      await rejects(token, 'DS_AUTH_TOKEN_EXPIRED');
      await rejects(late, 'DS_AUTH_TOKEN_EXPIRED');
    } finally {
      clock.advance(-181_000);
    }
  });

  it('refuses a token living longer than 300 s or issued in the future, even when correctly signed', async () => {
    const { SignJWT } = await import('jose');
    const iat = Math.floor(clock.now().getTime() / 1000);
    const mint = (i: number, e: number) =>
      new SignJWT({ jti: `j${i}-${e}` }).setProtectedHeader({ alg: 'EdDSA', kid: `${B}#${bKey.kid}` }).setIssuer(B).setSubject(B).setAudience(ME).setIssuedAt(i).setExpirationTime(e).sign(bKey.privateKey);
    await rejects(await mint(iat, iat + 301), 'DS_AUTH_INVALID_TOKEN');
    await rejects(await mint(iat + 120, iat + 200), 'DS_AUTH_INVALID_TOKEN');
    await verifyNodeToken(await mint(iat + 30, iat + 150), deps());
  });

  it('refuses an unknown issuer without resolving its DID', async () => {
    await rejects(await signC(ME), 'DS_AUTH_UNKNOWN_PARTICIPANT');
    assert.deepEqual(resolved, []);
  });

  it('refuses a suspended issuer', async () => {
    status.set(B, 'suspended');
    await rejects(await signB(ME), 'DS_AUTH_SUSPENDED_PARTICIPANT');
  });

  describe('with the issuer DID document already cached (no resolution possible)', () => {
    let statusReads: number;
    const cachedDeps = (): TokenVerifierDeps => ({
      ...deps(),
      statusOf: async (d) => {
        statusReads += 1;
        return status.get(d);
      },
      resolve: async (d) => {
        resolved.push(d);
        throw new Error(`no network call expected for ${d}`);
      },
      cached: (d) => docs.get(d),
    });
    const refuses = (token: string, code: string) => assert.rejects(verifyNodeToken(token, cachedDeps()), (e: unknown) => e instanceof AppError && e.code === code);
    beforeEach(() => {
      statusReads = 0;
    });

    it('accepts a fresh token once, reading the registry for every request', async () => {
      const token = await signB(ME);
      assert.equal((await verifyNodeToken(token, cachedDeps())).did, B);
      await refuses(token, 'DS_AUTH_TOKEN_REPLAYED');
      assert.equal(statusReads, 2);
      assert.deepEqual(resolved, []);
    });

    it('refuses a suspended issuer on its very next token', async () => {
      await verifyNodeToken(await signB(ME), cachedDeps());
      status.set(B, 'suspended');
      await refuses(await signB(ME), 'DS_AUTH_SUSPENDED_PARTICIPANT');
      status.set(B, 'active');
      await verifyNodeToken(await signB(ME), cachedDeps());
    });

    it('tells a stranger it is one, whatever else is wrong with its token', async () => {
      await refuses(await signC(ME), 'DS_AUTH_UNKNOWN_PARTICIPANT');
      await refuses(await signC('did:web:other.example'), 'DS_AUTH_UNKNOWN_PARTICIPANT');
      const { h, claims, s } = parts(await signC(ME));
      await refuses(`${h}.${b64({ ...claims, exp: claims.exp + 100 })}.${s}`, 'DS_AUTH_UNKNOWN_PARTICIPANT');
      assert.equal(seen.size, 1, 'only the one token with a valid signature spent its jti');
      assert.deepEqual(resolved, []);
    });

    it('refuses forged signatures, other audiences and expired tokens as the other path does', async () => {
      const { h, claims, s } = parts(await signB(ME));
      await refuses(`${h}.${b64({ ...claims, exp: claims.exp + 100 })}.${s}`, 'DS_AUTH_INVALID_TOKEN');
      await refuses(await signB('did:web:other.example'), 'DS_AUTH_WRONG_AUDIENCE');
      const token = await signB(ME);
      clock.advance(181_000);
      try {
        await refuses(token, 'DS_AUTH_TOKEN_EXPIRED');
      } finally {
        clock.advance(-181_000);
      }
      assert.equal(seen.size, 0, 'no refused token spent its jti');
    });

    it('falls back to resolving when the cached document lacks the key (the issuer may have rotated)', async () => {
      const stale = { ...bKey.doc, verificationMethod: [] };
      const token = await signB(ME);
      await verifyNodeToken(token, { ...deps(), cached: () => stale });
      assert.deepEqual(resolved, [B]);
    });
  });
  describe('with the jti record and the status read in one round trip', () => {
    let separate: number;
    const oneTrip = (): TokenVerifierDeps => ({
      ...deps(),
      statusOf: async (d) => {
        separate += 1;
        return status.get(d);
      },
      markSeen: async () => {
        separate += 1;
        return true;
      },
      markSeenReadingStatus: async (iss, jti) => ({ status: status.get(iss), fresh: seen.has(`${iss} ${jti}`) ? false : (seen.add(`${iss} ${jti}`), true) }),
      cached: (d) => docs.get(d),
    });
    const refuses = (token: string, code: string) => assert.rejects(verifyNodeToken(token, oneTrip()), (e: unknown) => e instanceof AppError && e.code === code);
    beforeEach(() => {
      separate = 0;
    });

    it('accepts a fresh token once and refuses its replay', async () => {
      const token = await signB(ME);
      assert.equal((await verifyNodeToken(token, oneTrip())).did, B);
      await refuses(token, 'DS_AUTH_TOKEN_REPLAYED');
      assert.equal(separate, 0, 'neither statusOf nor markSeen ran on their own');
    });

    it('refuses a suspended issuer and a stranger by what the same trip read', async () => {
      status.set(B, 'suspended');
      await refuses(await signB(ME), 'DS_AUTH_SUSPENDED_PARTICIPANT');
      status.set(B, 'active');
      await verifyNodeToken(await signB(ME), oneTrip());
      await refuses(await signC(ME), 'DS_AUTH_UNKNOWN_PARTICIPANT');
    });
  });
});
