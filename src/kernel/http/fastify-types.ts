import type { Principal, RouteAuth } from '../principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route; see RouteAuth. */
    auth?: RouteAuth;
    /** On Dataspace Protocol routes, the DSP error type errors are answered with (e.g. CatalogError). */
    dspErrorType?: string;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

export {};
