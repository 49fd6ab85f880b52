/** Who is calling: an operator holding an API key, another node proving its DID, or nobody (public routes). */
export type Scope = 'read' | 'write' | 'admin';

export type Principal =
  | { kind: 'operator'; keyId: string; name: string; scopes: Scope[] }
  | { kind: 'participant'; did: string; jti: string }
  | { kind: 'anonymous' };

/**
 * What a route demands. Every route must declare one: the app refuses to start with a route that does not,
 * so nothing is anonymous by accident.
 * - `public`: discovery and health, open to all;
 * - `{ management: scope }`: operator API key with that scope (`X-Api-Key`);
 * - `dsp`: a node-to-node bearer token from a trusted, active participant;
 * - `transfer`: a data-plane bearer token issued for one transfer (in a DSP DataAddress). Its presence is checked
 *   before the route; the data plane verifies it (issuer, audience, transfer, expiry), then asks the transfer gate.
 */
export type RouteAuth = 'public' | 'dsp' | 'transfer' | { management: Scope };
