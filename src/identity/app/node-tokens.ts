import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { AppError, type Clock, type IdGenerator, type Principal } from '../../kernel/index.js';
import { findVerificationMethod, type DidDocument } from '../domain/did-document.js';

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
      return new SignJWT({ jti: deps.ids.uuid() })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: `${deps.did}#${kid}` })
        .setIssuer(deps.did)
        .setSubject(deps.did)
        .setAudience(audienceDid)
        .setIssuedAt(iat)
        .setExpirationTime(iat + TOKEN_LIFETIME_S)
        .sign(privateKey);
    },
  };
}

export interface TokenVerifierDeps {
  did: string;
  clock: Clock;
  statusOf(did: string): Promise<'active' | 'suspended' | undefined>;
  resolve(did: string): Promise<DidDocument>;
  invalidate(did: string): void;
  /** Records the jti; false when it was already seen for that issuer. */
  markSeen(issuer: string, jti: string, expiresAt: Date): Promise<boolean>;
}

const invalid = (why: string) => new AppError('DS_AUTH_INVALID_TOKEN', `bearer token: ${why}`);

/**
 * Verifies an inbound node token. Structure first, then the registry (strangers are refused before any network
 * call is made on their behalf), then the signature against the issuer's DID document, the audience, the time
 * window, suspension and finally replay (the jti is only recorded for tokens that passed everything else).
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

  const status = await deps.statusOf(issuer);
  if (status === undefined) throw new AppError('DS_AUTH_UNKNOWN_PARTICIPANT', `${issuer} is not a trusted participant of this node`);

  const key = await verificationKey(deps, issuer, kid);
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
  if (status === 'suspended') throw new AppError('DS_AUTH_SUSPENDED_PARTICIPANT', `${issuer} is suspended on this node`);
  // Kept past exp by the skew allowance: a swept jti must not become replayable while the token still passes.
  if (!(await deps.markSeen(issuer, jti, new Date((exp + CLOCK_SKEW_S) * 1000)))) throw new AppError('DS_AUTH_TOKEN_REPLAYED', 'bearer token was already used');
  return { kind: 'participant', did: issuer, jti };
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
