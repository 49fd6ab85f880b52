import { decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type CryptoKey } from 'jose';
import { AppError, type Clock, type IdGenerator } from '../../kernel/index.js';
import type { DataAddress, TokenSigner } from './ports.js';

/** `pull`: the consumer reads from us; `push`: the provider writes to us. A token for one use is refused for the other. */
export type TokenUse = 'pull' | 'push';

export interface TokenDeps {
  did: string;
  signer: TokenSigner;
  clock: Clock;
  ids: IdGenerator;
  ttlSeconds: number;
}

const HTTP_ENDPOINT = 'https://w3id.org/idsa/v4.1/HTTP' as const;

/** What a valid token says: its counterparty, and the agreement of its transfer when it was issued with one. */
export interface TokenClaims {
  subject: string;
  agreementId?: string;
}

/**
 * Transfer tokens are JWTs signed by this node for this node (iss = aud = our DID): only our own data plane
 * accepts them, for one transfer (`tid`), one counterparty (`sub`) and one use, until `exp`. Verification looks the
 * key up by `kid`, so a token signed before a key rotation stays valid until it expires. A token may also name the
 * transfer's agreement (`agr`): the gate then starts the agreement's checks beside its read of the transfer, and
 * still judges by the transfer it read.
 */
export function createTransferTokens(deps: TokenDeps) {
  const { did, signer, clock, ids } = deps;
  const keyCache = new Map<string, CryptoKey>();
  return {
    async issue(transferId: string, subject: string, use: TokenUse, endpoint: string, agreementId?: string): Promise<DataAddress> {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const claims = { iss: did, aud: did, sub: subject, tid: transferId, use, ...(agreementId !== undefined ? { agr: agreementId } : {}), jti: ids.uuid(), iat, exp: iat + deps.ttlSeconds };
      const token = await signer.sign(claims, 'JWT');
      return {
        '@type': 'DataAddress',
        endpointType: HTTP_ENDPOINT,
        endpoint,
        endpointProperties: [
          { '@type': 'EndpointProperty', name: 'authorization', value: token },
          { '@type': 'EndpointProperty', name: 'authType', value: 'bearer' },
        ],
      };
    },

    /** The claims of a valid token for this transfer and use; otherwise a 401 AppError naming the header. */
    async verify(authorization: string | undefined, transferId: string, use: TokenUse): Promise<TokenClaims> {
      const fail = (code: 'DS_AUTH_MISSING_CREDENTIALS' | 'DS_AUTH_INVALID_TOKEN' | 'DS_AUTH_TOKEN_EXPIRED' | 'DS_AUTH_WRONG_AUDIENCE' | 'DS_DATAPLANE_TOKEN_MISMATCH', message: string) =>
        new AppError(code, `transfer token: ${message}`, [{ path: '/headers/authorization', message }]);
      if (!authorization) throw fail('DS_AUTH_MISSING_CREDENTIALS', 'Authorization: Bearer <transfer token> is required');
      const m = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!m?.[1]) throw fail('DS_AUTH_INVALID_TOKEN', 'not a bearer token');
      const token = m[1];
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        throw fail('DS_AUTH_INVALID_TOKEN', 'malformed');
      }
      if (!kid || !kid.startsWith(`${did}#`)) throw fail('DS_AUTH_WRONG_AUDIENCE', 'not issued by this node');
      // A key id names one key forever (rotation adds keys, never changes one): imported once, looked up on a miss.
      let key = keyCache.get(kid);
      if (!key) {
        try {
          key = (await importJWK((await signer.publicKey(kid)).publicKeyJwk, 'EdDSA')) as CryptoKey;
        } catch {
          throw fail('DS_AUTH_INVALID_TOKEN', 'signed with a key this node does not know');
        }
        if (keyCache.size >= 64) keyCache.clear();
        keyCache.set(kid, key);
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms: ['EdDSA'], currentDate: clock.now(), requiredClaims: ['exp', 'sub', 'aud', 'iss'] }));
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) throw fail('DS_AUTH_TOKEN_EXPIRED', 'expired');
        throw fail('DS_AUTH_INVALID_TOKEN', e instanceof joseErrors.JWTClaimValidationFailed ? `claim ${e.claim}: ${e.reason}` : 'signature does not verify');
      }
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (payload.iss !== did || !aud.includes(did)) throw fail('DS_AUTH_WRONG_AUDIENCE', 'addressed to another data plane');
      if (payload.tid !== transferId) throw fail('DS_DATAPLANE_TOKEN_MISMATCH', 'issued for another transfer');
      if (payload.use !== use) throw fail('DS_DATAPLANE_TOKEN_MISMATCH', `not a ${use} token`);
      return { subject: payload.sub as string, ...(typeof payload.agr === 'string' ? { agreementId: payload.agr } : {}) };
    },
  };
}

export type TransferTokens = ReturnType<typeof createTransferTokens>;

/** The bearer token and endpoint of a DataAddress (the token may be given bare or as "Bearer …"). */
export function readAddress(address: DataAddress): { endpoint: string; authorization: string } {
  const value = address.endpointProperties.find((p) => p.name.toLowerCase() === 'authorization')?.value;
  if (!value) throw new AppError('DS_HTTP_VALIDATION', 'the data address carries no authorization property', [{ path: '/endpointProperties', message: 'no authorization' }]);
  return { endpoint: address.endpoint, authorization: /^bearer\s/i.test(value) ? value : `Bearer ${value}` };
}
