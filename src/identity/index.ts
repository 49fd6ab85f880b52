import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Authenticator, Clock, IdGenerator, Logger, Result } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { createDidResolver, fetchPublicDocument, type DidResolver } from './adapters/http-did.resolver.js';
import { createSealer, loadMasterKey, type Sealer } from './adapters/master-key.js';
import { SqlApiKeyStore } from './adapters/sql-api-key.store.js';
import { SqlIdentityStore, SqlSeenTokenStore, type ParticipantStatus, type StatusRead } from './adapters/sql-identity.store.js';
import { SqlNodeKeyStore } from './adapters/sql-node-key.store.js';
import { createApiKeys } from './app/api-keys.js';
import { createJwsSigner, type JwsSigner } from './app/jws-signer.js';
import { createTokenSigner, verifyNodeToken } from './app/node-tokens.js';
import { createSelfDescription } from './app/self-description.js';
import { buildDidDocument, type DidDocument } from './domain/did-document.js';
import { didFromUrl } from './domain/did-web.js';
import { verifyParticipantCredential, type ParticipantSubject } from './domain/participant-credential.js';
import { normaliseProfile, type Profile, type ProfileInput } from './domain/profile.js';
import { apiKeyRoutes } from './http/api-keys.routes.js';
import { identityRoutes } from './http/identity.routes.js';

export { didFromUrl, didDocumentUrl, isLoopbackHost } from './domain/did-web.js';
export { EXCHANGE_RECEIPT_SERVICE, findVerificationMethod, serviceEndpoint, type DidDocument, type DidService, type VerificationMethod } from './domain/did-document.js';
export { verifyParticipantCredential, type ParticipantSubject, type ParticipantCredential } from './domain/participant-credential.js';
export { ROLES, type Profile, type Role } from './domain/profile.js';
export { fetchPublicDocument, type DidResolver } from './adapters/http-did.resolver.js';

export type { JwsSigner } from './app/jws-signer.js';
export type { Sealer } from './adapters/master-key.js';
export type { StatusRead } from './adapters/sql-identity.store.js';
/** The node's sealer from its master key (DASES_MASTER_KEY, or `<dataDir>/master.key`), for offline commands. */
export const nodeSealer = (opts: { masterKey?: string | undefined; dataDir: string | null }): Sealer => createSealer(loadMasterKey(opts).key);

export type { ParticipantStatus } from './adapters/sql-identity.store.js';

export interface IdentityDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  publicUrl: string;
  dataDir: string | null;
  masterKey?: string | undefined;
  adminApiKey?: string | undefined;
  didCacheTtlSeconds: number;
  profile: ProfileInput;
  fetch?: typeof fetch;
}

export interface Identity {
  did: string;
  publicUrl: string;
  tokens: { sign(audienceDid: string): Promise<string> };
  /** Signs payloads as compact JWS with the node's key (tree heads, cosignatures); kid is the full method id. */
  signer: JwsSigner;
  resolver: DidResolver;
  /** Verifies a participant credential against its issuer's DID document at the node's current time. */
  verifyCredential(jwt: string, didDocument: DidDocument): Promise<Result<ParticipantSubject>>;
  /** The fetch used for other nodes' public documents (https only outside loopback, bounded). */
  fetchDocument(url: string, accept: string): Promise<string>;
  /**
   * `statusRead`, when given, is `statusOf` as a query: node tokens then record their jti and read their issuer's
   * status in one statement.
   */
  authenticatorFor(participants: { statusOf(did: string): Promise<ParticipantStatus | undefined>; statusRead?(did: string): StatusRead }): Authenticator;
  routes: (app: App) => Promise<void>;
  rotateKey(): Promise<void>;
  sweepSeenTokens(): Promise<number>;
  didDocument(): Promise<DidDocument>;
  /** The operator's profile as it stands (legal name, addresses, roles, contact): what notices name as controller. */
  profile(): Promise<Profile>;
  generatedAdminKeyFile?: string;
  /** Encrypts secrets at rest under the node's master key (AES-256-GCM, bound to `aad`): data-plane credentials. */
  sealer: Sealer;
}

/**
 * The node's identity: its did:web and Ed25519 keys, its self-description credential, operator API keys and
 * the authentication of every request (operator keys and node-to-node tokens).
 */
export async function createIdentity(deps: IdentityDeps): Promise<Identity> {
  const { db, clock, ids, logger } = deps;
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const did = didFromUrl(publicUrl, '/publicUrl');
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const configProfile = normaliseProfile(deps.profile, '/config');

  const sealer = nodeSealer({ masterKey: deps.masterKey, dataDir: deps.dataDir });
  const keys = new SqlNodeKeyStore(db, sealer);
  await keys.ensureActive(clock.now());
  const activeKey = () => keys.active();

  const selfDescription = createSelfDescription({ did, clock, store: new SqlIdentityStore(db), activeKey });
  await selfDescription.applyConfig(configProfile);

  const apiKeys = createApiKeys({ store: new SqlApiKeyStore(db), clock, ids, logger });
  const generatedAdminKeyFile = await apiKeys.bootstrap({ adminApiKey: deps.adminApiKey, dataDir: deps.dataDir });

  const resolver = createDidResolver({ fetch: fetchFn, clock, ttlSeconds: deps.didCacheTtlSeconds });
  const seen = new SqlSeenTokenStore(db);
  const didDocument = async () => buildDidDocument(did, publicUrl, await keys.list());
  const rotateKey = async () => {
    const kid = await keys.rotate(clock.now());
    await selfDescription.credential();
    logger.info({ kid }, 'node signing key rotated');
  };

  return {
    did,
    publicUrl,
    tokens: createTokenSigner({ did, clock, ids, activeKey }),
    signer: createJwsSigner({ did, activeKey, keys: () => keys.list() }),
    resolver,
    verifyCredential: (jwt, doc) => verifyParticipantCredential(jwt, doc, clock.now()),
    fetchDocument: (url, accept) => fetchPublicDocument(fetchFn, url, accept),
    authenticatorFor: (participants) => ({
      operator: (apiKey) => apiKeys.authenticate(apiKey),
      participant: (token) =>
        verifyNodeToken(token, {
          did,
          clock,
          statusOf: (d) => participants.statusOf(d),
          resolve: (d) => resolver.resolve(d),
          invalidate: (d) => resolver.invalidate(d),
          cached: (d) => resolver.cached?.(d),
          markSeen: (issuer, jti, exp) => seen.markSeen(issuer, jti, exp),
          ...(participants.statusRead ? { markSeenReadingStatus: (issuer: string, jti: string, exp: Date) => seen.markSeenReading(issuer, jti, exp, participants.statusRead!(issuer)) } : {}),
        }),
    }),
    routes: async (app: App) => {
      await app.register(identityRoutes({ did, publicUrl, didDocument, keys: () => keys.list(), selfDescription, rotateKey }));
      await app.register(apiKeyRoutes(apiKeys));
    },
    rotateKey,
    sweepSeenTokens: () => seen.sweep(clock.now()),
    didDocument,
    profile: () => selfDescription.profile(),
    ...(generatedAdminKeyFile ? { generatedAdminKeyFile } : {}),
    sealer,
  };
}
