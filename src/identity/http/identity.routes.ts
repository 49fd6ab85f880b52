import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { DidDocument } from '../domain/did-document.js';
import { normaliseProfile, ROLES, type Profile } from '../domain/profile.js';
import type { NodeKeyInfo } from '../adapters/sql-node-key.store.js';
import { decodeCredential, type SelfDescription } from '../app/self-description.js';

const Loose = Type.Object({}, { additionalProperties: true });
const ProfileSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    legalName: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    registrationNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    headquarters: Type.Optional(Type.String({ description: 'ISO 3166-2 subdivision, e.g. FR-IDF' })),
    legalAddress: Type.Optional(Type.String({ description: 'ISO 3166-2 subdivision; defaults to the headquarters' })),
    roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, maxItems: ROLES.length }),
    contact: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
);
const KeySchema = Type.Object({ kid: Type.String(), verificationMethod: Type.String(), status: Type.Union([Type.Literal('active'), Type.Literal('retired')]), createdAt: Type.String({ format: 'date-time' }), retiredAt: Type.Optional(Type.String({ format: 'date-time' })) });
const IdentitySchema = Type.Object({ did: Type.String(), publicUrl: Type.String(), profile: ProfileSchema, credential: Loose, keys: Type.Array(KeySchema) });

export interface IdentityRouteDeps {
  did: string;
  publicUrl: string;
  didDocument(): Promise<DidDocument>;
  keys(): Promise<NodeKeyInfo[]>;
  selfDescription: SelfDescription;
  rotateKey(): Promise<void>;
}

/** Discovery (DID document, self-description) is public; the identity's management needs an operator key. */
export function identityRoutes(deps: IdentityRouteDeps) {
  const view = async () => {
    const [profile, jwt, keys] = await Promise.all([deps.selfDescription.profile(), deps.selfDescription.credential(), deps.keys()]);
    return {
      did: deps.did,
      publicUrl: deps.publicUrl,
      profile: profile as Profile,
      credential: decodeCredential(jwt) as unknown as Record<string, unknown>,
      keys: keys.map((k) => ({
        kid: k.kid,
        verificationMethod: `${deps.did}#${k.kid}`,
        status: k.retired ? ('retired' as const) : ('active' as const),
        createdAt: k.createdAt.toISOString(),
        ...(k.retiredAt ? { retiredAt: k.retiredAt.toISOString() } : {}),
      })),
    };
  };
  return async (app: App) => {
    app.get('/.well-known/did.json', { config: { auth: 'public' }, schema: { tags: ['identity'], summary: "This node's did:web document", response: { 200: Loose } } }, async (_req, reply) => {
      reply.type('application/did+json');
      return deps.didDocument();
    });
    app.get(
      '/.well-known/participant.vc',
      { config: { auth: 'public' }, schema: { tags: ['identity'], summary: 'Participant self-description: a VC 2.0 secured as a compact JWS (VC-JOSE-COSE)', response: { 200: Type.String() } } },
      async (_req, reply) => {
        reply.type('application/vc+jwt');
        return deps.selfDescription.credential();
      },
    );
    app.get('/api/v1/identity', { config: { auth: { management: 'read' } }, schema: { tags: ['identity'], summary: 'DID, profile, current credential and keys (public parts only)', response: { 200: IdentitySchema } } }, async () => view());
    app.put(
      '/api/v1/identity/profile',
      { config: { auth: { management: 'admin' } }, schema: { tags: ['identity'], summary: 'Replace the self-description profile and reissue the credential', body: ProfileSchema, response: { 200: IdentitySchema } } },
      async (req) => {
        await deps.selfDescription.setProfile(normaliseProfile(req.body, '/body'));
        return view();
      },
    );
    app.post(
      '/api/v1/identity/keys/rotate',
      { config: { auth: { management: 'admin' } }, schema: { tags: ['identity'], summary: 'Create a new signing key; the old one stays published for verification', response: { 200: IdentitySchema } } },
      async () => {
        await deps.rotateKey();
        return view();
      },
    );
  };
}
