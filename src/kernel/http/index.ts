import './fastify-types.js';
export { createSchemaCompilers, type SchemaCompilers } from './validation.js';
export { readLimited } from './read-limited.js';
export { nodeCall, type NodeCallOptions } from './node-call.js';
export { agents, headersOf, IDLE_SOCKET_MS, isRedirect } from './http-transport.js';
export { cookieValue, installAuth, participantDidOf, personIdOf, PUBLIC_PREFIXES, type Authenticator, type RouteEntry } from './auth.js';
export { problemBody, sendProblem, toAppError, fieldErrors, DSP_CONTEXT, PROBLEM_TYPE_BASE } from './problem.js';
