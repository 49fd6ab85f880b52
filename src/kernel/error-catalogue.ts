/**
 * Every stable error code a dases node can answer with. Codes are `DS_<CONTEXT>_<PROBLEM>`; a test keeps this
 * list complete (every code used in src/ is here) and free of dead entries.
 */
export const ERROR_CATALOGUE = {
  DS_HTTP_VALIDATION: { status: 400, title: 'The request is not valid' },
  DS_HTTP_MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  DS_HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body has an unsupported media type' },
  DS_HTTP_BODY_TOO_LARGE: { status: 413, title: 'The request body is larger than the configured limit' },
  DS_HTTP_NOT_FOUND: { status: 404, title: 'No such route' },
  DS_HTTP_INTERNAL: { status: 500, title: 'Internal error' },
  DS_AUTH_MISSING_CREDENTIALS: { status: 401, title: 'Credentials are required' },
  DS_AUTH_INVALID_API_KEY: { status: 401, title: 'The API key is unknown or revoked' },
  DS_AUTH_INSUFFICIENT_SCOPE: { status: 403, title: 'The API key lacks the scope this route needs' },
  DS_AUTH_INVALID_TOKEN: { status: 401, title: 'The bearer token is malformed or its signature does not verify' },
  DS_AUTH_TOKEN_EXPIRED: { status: 401, title: 'The bearer token has expired' },
  DS_AUTH_TOKEN_REPLAYED: { status: 401, title: 'The bearer token was already used' },
  DS_AUTH_WRONG_AUDIENCE: { status: 401, title: 'The bearer token is addressed to another participant' },
  DS_AUTH_UNKNOWN_PARTICIPANT: { status: 401, title: 'The sender is not a trusted participant of this node' },
  DS_AUTH_SUSPENDED_PARTICIPANT: { status: 401, title: 'The sender is suspended on this node' },
  DS_IDENTITY_INVALID_DID: { status: 400, title: 'The DID is not a valid did:web identifier' },
  DS_IDENTITY_DID_RESOLUTION_FAILED: { status: 502, title: 'The DID document could not be resolved' },
  DS_IDENTITY_INVALID_CREDENTIAL: { status: 422, title: 'The participant credential does not verify' },
  DS_IDENTITY_KEY_NOT_FOUND: { status: 404, title: 'No such API key' },
  DS_PARTICIPANT_NOT_FOUND: { status: 404, title: 'No such participant' },
  DS_PARTICIPANT_IS_SELF: { status: 400, title: 'A node cannot add itself as a participant' },
  DS_CATALOG_NOT_FOUND: { status: 404, title: 'No such catalog entry' },
  DS_CATALOG_CONFLICT: { status: 409, title: 'The catalog entry was changed by someone else' },
  DS_CATALOG_REFERENCE_NOT_FOUND: { status: 422, title: 'A referenced catalog entry does not exist' },
  DS_CATALOG_IN_USE: { status: 409, title: 'The catalog entry is still referenced by an offering' },
  DS_POLICY_INVALID: { status: 422, title: 'The ODRL policy is not valid' },
  DS_DSP_INVALID_MESSAGE: { status: 400, title: 'The Dataspace Protocol message does not validate' },
  DS_DSP_NOT_FOUND: { status: 404, title: 'No such Dataspace Protocol resource' },
  DS_DSP_REMOTE_ERROR: { status: 502, title: 'The counterparty answered with an error' },
  DS_DSP_REMOTE_UNREACHABLE: { status: 502, title: 'The counterparty could not be reached' },
  DS_DSP_REMOTE_INVALID: { status: 502, title: 'The counterparty answered with an invalid message' },
  DS_DSP_UNKNOWN_CONTEXT: { status: 400, title: 'The JSON-LD document names a context this node does not resolve' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
