import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type CryptoKey } from 'jose';
import { AppError, type Clock, type IdGenerator, type Principal } from '../../kernel/index.js';
import { signCompact } from './compact-jws.js';
import { findVerificationMethod, type DidDocument, type VerificationMethod } from '../domain/did-document.js';

export const TOKEN_LIFETIME_S = 120;
export const MAX_LIFETIME_S = 300;
export const CLOCK_SKEW_S = 60;

export interface TokenSigner {
  sign(audienceDid: string): Promise<string>;
}

/** Node-to-node bearer tokens: short-lived, single-use, signed by the node's active key, addressed to one DID. */
export function createTokenSigner(deps: { did: string; clock: Clock; ids: IdGenerator; activeKey: () => Promise<{ kid: string; privateKey: CryptoKey }> }): TokenSigner {
  return {
    async sign(audienceDid) {
      const { kid, privateKey } = await deps.activeKey();
      const iat = Math.floor(deps.clock.now().getTime() / 1000);
      const claims = { jti: deps.ids.uuid(), iss: deps.did, sub: deps.did, aud: audienceDid, iat, exp: iat + TOKEN_LIFETIME_S };
      return signCompact({ alg: 'EdDSA', typ: 'JWT', kid: `${deps.did}#${kid}` }, JSON.stringify(claims), privateKey);
    },
  };
}

export interface TokenVerifierDeps {
  did: string;
  clock: Clock;
  statusOf(did: string): Promise<'active' | 'suspended' | undefined>;
  resolve(did: string): Promise<DidDocument>;
  invalidate(did: string): void;
  /** The issuer's DID document if the resolver holds it (no network call); enables the shorter path. */
  cached?(did: string): DidDocument | undefined;
  /** Records the jti; false when it was already seen for that issuer. */
  markSeen(issuer: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** markSeen and statusOf of the issuer in one round trip, where the stores can. */
  markSeenReadingStatus?(issuer: string, jti: string, expiresAt: Date): Promise<{ fresh: boolean; status: 'active' | 'suspended' | undefined }>;
}

const invalid = (why: string) => new AppError('DS_AUTH_INVALID_TOKEN', `bearer token: ${why}`);
const unknown = (issuer: string) => new AppError('DS_AUTH_UNKNOWN_PARTICIPANT', `${issuer} is not a trusted participant of this node`);
const suspended = (issuer: string) => new AppError('DS_AUTH_SUSPENDED_PARTICIPANT', `${issuer} is suspended on this node`);
const replayed = () => new AppError('DS_AUTH_TOKEN_REPLAYED', 'bearer token was already used');

/**
 * Verifies an inbound node token. Structure first, then the registry (strangers are refused before any network
 * call is made on their behalf), then the signature against the issuer's DID document, the audience, the time
 * window, suspension and finally replay (the jti is only recorded for tokens that passed everything else).
 * When the issuer's DID document is already cached with the token's key, nothing can reach the network: the
 * signature is checked first and the registry read and the jti record then run together (see verifyKnown).
 */
export async function verifyNodeToken(token: string, deps: TokenVerifierDeps): Promise<Extract<Principal, { kind: 'participant' }>> {
  let kid: string | undefined;
  let iss: unknown;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'EdDSA') throw invalid('alg must be EdDSA');
    kid = header.kid;
    const claims = decodeJwt(token);
    iss = claims.iss;
    if (typeof iss !== 'string' || claims.sub !== iss) throw invalid('iss and sub must be the same DID');
  } catch (e) {
    throw e instanceof AppError ? e : invalid('malformed');
  }
  if (!kid?.startsWith(`${iss}#`)) throw invalid('kid is not a key of the issuer');
  const issuer = iss;

  const doc = deps.cached?.(issuer);
  const method = doc && findVerificationMethod(doc, kid);
  if (method) return verifyKnown(token, deps, issuer, method);

  const status = await deps.statusOf(issuer);
  if (status === undefined) throw unknown(issuer);
  const { jti, exp } = await checkSigned(token, await verificationKey(deps, issuer, kid), deps);
  if (status === 'suspended') throw suspended(issuer);
  // Kept past exp by the skew allowance: a swept jti must not become replayable while the token still passes.
  if (!(await deps.markSeen(issuer, jti, new Date((exp + CLOCK_SKEW_S) * 1000)))) throw replayed();
  return { kind: 'participant', did: issuer, jti };
}

/**
 * The issuer's key is in a cached DID document, so checking the signature costs no network call even for a
 * stranger, and comes first. The registry is then read (still on every request: a suspension refuses the very next
 * token, from any process sharing the database) while the jti is recorded, in parallel; a token refused for
 * its issuer's status has then spent its jti, which only matters to a token that was refused anyway. A stranger
 * is told it is a stranger whatever else is wrong with its token, as on the other path.
 */
async function verifyKnown(token: string, deps: TokenVerifierDeps, issuer: string, method: VerificationMethod): Promise<Extract<Principal, { kind: 'participant' }>> {
  let claims: { jti: string; exp: number };
  try {
    claims = await checkSigned(token, await importKey(method), deps);
  } catch (e) {
    if ((await deps.statusOf(issuer)) === undefined) throw unknown(issuer);
    throw e;
  }
  const keepUntil = new Date((claims.exp + CLOCK_SKEW_S) * 1000);
  const { status, fresh } = deps.markSeenReadingStatus
    ? await deps.markSeenReadingStatus(issuer, claims.jti, keepUntil)
    : await Promise.all([deps.statusOf(issuer), deps.markSeen(issuer, claims.jti, keepUntil)]).then(([status, fresh]) => ({ status, fresh }));
  if (status === undefined) throw unknown(issuer);
  if (status === 'suspended') throw suspended(issuer);
  if (!fresh) throw replayed();
  return { kind: 'participant', did: issuer, jti: claims.jti };
}

/** Signature, audience, time window and the claims every node token must carry. */
async function checkSigned(token: string, key: CryptoKey | Uint8Array, deps: TokenVerifierDeps): Promise<{ jti: string; exp: number }> {
  const now = deps.clock.now();
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['EdDSA'],
      audience: deps.did,
      currentDate: now,
      clockTolerance: CLOCK_SKEW_S,
      requiredClaims: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new AppError('DS_AUTH_TOKEN_EXPIRED', 'bearer token has expired');
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'aud') throw new AppError('DS_AUTH_WRONG_AUDIENCE', `bearer token is not addressed to ${deps.did}`);
    if (e instanceof joseErrors.JWTClaimValidationFailed) throw invalid(`claim ${e.claim}: ${e.reason}`);
    throw invalid('signature does not verify');
  }
  const { iat, exp, jti } = payload as { iat: number; exp: number; jti: unknown };
  if (exp - iat > MAX_LIFETIME_S) throw invalid(`lifetime exceeds ${MAX_LIFETIME_S} s`);
  if (iat > now.getTime() / 1000 + CLOCK_SKEW_S) throw invalid('issued in the future');
  if (typeof jti !== 'string' || jti === '' || jti.length > 200) throw invalid('jti must be a non-empty string');
  return { jti, exp };
}

// Imported keys by the JWK object of the (cached) DID document they come from: a refetched document brings new
// objects, so a key is imported again after a rotation, and dropped with the document.
const imported = new WeakMap<object, CryptoKey | Uint8Array>();

async function importKey(method: VerificationMethod): Promise<CryptoKey | Uint8Array> {
  const known = imported.get(method.publicKeyJwk);
  if (known) return known;
  try {
    const key = await importJWK(method.publicKeyJwk, 'EdDSA');
    imported.set(method.publicKeyJwk, key);
    return key;
  } catch {
    throw invalid(`${method.id} is not an Ed25519 key`);
  }
}

/** The issuer's key named by kid; a cached document is refetched once in case the issuer has just rotated. */
async function verificationKey(deps: TokenVerifierDeps, issuer: string, kid: string): Promise<CryptoKey | Uint8Array> {
  const lookUp = async () => {
    let doc: DidDocument;
    try {
      doc = await deps.resolve(issuer);
    } catch {
      throw invalid(`the DID document of ${issuer} could not be resolved`);
    }
    return findVerificationMethod(doc, kid);
  };
  let method = await lookUp();
  if (!method) {
    deps.invalidate(issuer);
    method = await lookUp();
  }
  if (!method) throw invalid(`${kid} is not a verification method of ${issuer}`);
  try {
    return await importJWK(method.publicKeyJwk, 'EdDSA');
  } catch {
    throw invalid(`${kid} is not an Ed25519 key`);
  }
}
