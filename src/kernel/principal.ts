/** Who is calling: an operator holding an API key, another node proving its DID, or nobody (public routes). */
export type Scope = 'read' | 'write' | 'admin';

export type Principal =
  | { kind: 'operator'; keyId: string; name: string; scopes: Scope[] }
  | { kind: 'participant'; did: string; jti: string }
  | { kind: 'person'; personId: string; sessionId: string }
  | { kind: 'lrs-client'; clientId: string; name: string; scopes: LrsScope[] }
  | { kind: 'anonymous' };

/**
 * What a route demands. Every route must declare one: the app refuses to start with a route that does not,
 * so nothing is anonymous by accident.
 * - `public`: discovery and health, open to all;
 * - `{ management: scope }`: operator API key with that scope (`X-Api-Key`);
 * - `dsp`: a node-to-node bearer token from a trusted, active participant;
 * - `transfer`: a data-plane bearer token issued for one transfer (in a DSP DataAddress). Its presence is checked
 *   before the route; the data plane verifies it (issuer, audience, transfer, expiry), then asks the transfer gate;
 * - `person`: a person signed in at this node (personal-data intermediary): the session cookie or
 *   `Authorization: Bearer <session token>` from sign-in;
 * - `{ lrs: scope }`: an xAPI client's HTTP Basic credentials (`Authorization: Basic`) holding that scope (or `all`);
 *   a list of scopes accepts a client holding any one of them (the Activities resource: `profile` or `statements/read`);
 * - `{ management: scope, participants: true }`: an operator API key with that scope, or a node token from a
 *   trusted, active participant (each sees only what it is party to; the route filters by principal);
 * - `forward`: the route only unwraps the request it carries (xAPI 1.0.3's alternate request syntax, whose
 *   credentials travel in the form body) and dispatches it to another route, which authenticates it as usual.
 */
export type RouteAuth = 'public' | 'dsp' | 'transfer' | 'person' | 'forward' | { management: Scope; participants?: true } | { lrs: LrsScope | readonly LrsScope[] };

/**
 * What an xAPI client (HTTP Basic credentials issued by the operator) may do at the LRS (/xapi): read or write
 * statements, use the State resource, use the Activity and Agent Profile resources. `all` grants every one.
 */
export const LRS_SCOPES = ['statements/read', 'statements/write', 'state', 'profile', 'all'] as const;
export type LrsScope = (typeof LRS_SCOPES)[number];

/** Name of the cookie that carries a person's session token (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'dases_session';
