import { verify as verifySignature, type KeyObject } from 'node:crypto';

/** JWS `typ` of a consent token: a JWT the intermediary issues to the consumer for one provider. */
export const CONSENT_TOKEN_TYP = 'dases-consent+jwt';

/** The claims: iss intermediary, aud provider, azp consumer, sub the person's id at the provider, cid the consent. */
export interface ConsentTokenClaims {
  iss: string;
  aud: string;
  azp: string;
  sub: string;
  cid: string;
  dataset: string;
  purpose: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface TokenRefusal {
  code: 'DS_CONSENT_TOKEN_INVALID' | 'DS_CONSENT_WRONG_CONSUMER' | 'DS_CONSENT_WRONG_DATASET' | 'DS_CONSENT_WRONG_PURPOSE';
  reason: string;
}

export type Decoded = { ok: true; kid: string; issuer: string; signingInput: Buffer; signature: Buffer; claims: ConsentTokenClaims } | { ok: false; refusal: TokenRefusal };

const invalid = (reason: string): { ok: false; refusal: TokenRefusal } => ({ ok: false, refusal: { code: 'DS_CONSENT_TOKEN_INVALID', reason } });
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2000;

/** Reads a token without verifying it (header, claims' types); the fast path of the enforcement point. */
export function decodeConsentToken(token: string): Decoded {
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0 || token.length > 8000) return invalid('not a compact JWS');
  let header: Record<string, unknown>;
  let c: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, dot1), 'base64url').toString('utf8')) as Record<string, unknown>;
    c = JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return invalid('not a compact JWS');
  }
  if (header.alg !== 'EdDSA') return invalid('alg must be EdDSA');
  if (header.typ !== CONSENT_TOKEN_TYP) return invalid(`typ must be ${CONSENT_TOKEN_TYP}`);
  const kid = header.kid;
  if (!str(kid) || !kid.includes('#')) return invalid('kid must be a DID URL');
  if (typeof c !== 'object' || c === null) return invalid('the claims are not an object');
  if (!str(c.iss) || !str(c.aud) || !str(c.azp) || !str(c.sub) || !str(c.cid) || !str(c.dataset) || !str(c.purpose) || !str(c.jti)) return invalid('a claim is missing');
  if (!Number.isSafeInteger(c.exp) || !Number.isSafeInteger(c.iat)) return invalid('exp and iat must be integers');
  const issuer = kid.slice(0, kid.indexOf('#'));
  if (c.iss !== issuer) return invalid('iss is not the DID that signed');
  return { ok: true, kid, issuer, signingInput: Buffer.from(token.slice(0, dot2), 'ascii'), signature: Buffer.from(token.slice(dot2 + 1), 'base64url'), claims: c as unknown as ConsentTokenClaims };
}

/**
 * Checks a decoded token with the issuer's key for a provider (`audience`) at `nowSeconds`: signature, expiry,
 * audience, and what the transfer is about. The consent's status is checked apart (it is not in the token).
 */
export function checkConsentToken(d: Extract<Decoded, { ok: true }>, key: KeyObject, expect: { audience: string; consumerDid: string; datasetId: string; purpose?: string | undefined; nowSeconds: number }): TokenRefusal | undefined {
  let good = false;
  try {
    good = verifySignature(null, d.signingInput, key, d.signature);
  } catch {
    good = false;
  }
  if (!good) return { code: 'DS_CONSENT_TOKEN_INVALID', reason: 'the signature does not verify' };
  const c = d.claims;
  if (c.exp <= expect.nowSeconds) return { code: 'DS_CONSENT_TOKEN_INVALID', reason: 'the token has expired' };
  if (c.aud !== expect.audience) return { code: 'DS_CONSENT_TOKEN_INVALID', reason: 'the token is for another provider' };
  if (c.azp !== expect.consumerDid) return { code: 'DS_CONSENT_WRONG_CONSUMER', reason: `the token was issued to ${c.azp}, not ${expect.consumerDid}` };
  if (c.dataset !== expect.datasetId) return { code: 'DS_CONSENT_WRONG_DATASET', reason: `the consent covers dataset ${c.dataset}, not ${expect.datasetId}` };
  if (expect.purpose !== undefined && c.purpose !== expect.purpose) return { code: 'DS_CONSENT_WRONG_PURPOSE', reason: `the consent covers the purpose "${c.purpose}", not "${expect.purpose}"` };
  return undefined;
}
