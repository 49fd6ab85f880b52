/**
 * JSON-LD contexts of the W3C ODRL formal-semantics draft (w3c/odrl, formal-semantics/ontology/), written from
 * the draft's definitions: its examples name them by their raw GitHub URLs, which this node resolves to these
 * objects and never fetches. Namespace `sotw:` = https://w3id.org/force/sotw# (the draft's evaluation-request and
 * state-of-the-world terms).
 */
export const SOTW_NS = 'https://w3id.org/force/sotw#';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RAW = 'https://raw.githubusercontent.com/w3c/odrl/refs/heads/master/formal-semantics/ontology/';

export const EVALUATION_REQUEST_CONTEXT_URL = `${RAW}evaluation_request.json`;
export const STATE_OF_WORLD_CONTEXT_URL = `${RAW}stow.json`;

/** An evaluation request: the evaluated action, party and target, and parameters describing features of the request. */
export const EVALUATION_REQUEST_CONTEXT = {
  '@context': {
    sotw: SOTW_NS,
    EvaluationRequest: `${SOTW_NS}EvaluationRequest`,
    evaluatedAction: { '@id': `${SOTW_NS}evaluatedAction`, '@type': '@id' },
    evaluatedParty: { '@id': `${SOTW_NS}evaluatedParty`, '@type': '@id' },
    evaluatedTarget: { '@id': `${SOTW_NS}evaluatedTarget`, '@type': '@id' },
    requestParameters: {
      '@id': `${SOTW_NS}requestParameter`,
      // Inside a parameter: its value (a string unless typed) and the feature of the request it describes.
      '@context': {
        RequestParameter: `${SOTW_NS}RequestParameter`,
        value: { '@id': `${SOTW_NS}value`, '@type': XSD_STRING },
        describesFeature: { '@id': `${SOTW_NS}describesFeature`, '@type': '@id' },
      },
    },
  },
} as const;

/** A state of the world: its `context` items are facts, e.g. a payment made to fulfil a condition (`conditionId`). */
export const STATE_OF_WORLD_CONTEXT = {
  '@context': {
    sotw: SOTW_NS,
    SotW: `${SOTW_NS}SotW`,
    context: {
      '@id': `${SOTW_NS}context`,
      '@context': { conditionId: { '@id': `${SOTW_NS}conditionId`, '@type': '@id' } },
    },
  },
} as const;

export const FORMAL_SEMANTICS_CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([
  [EVALUATION_REQUEST_CONTEXT_URL, EVALUATION_REQUEST_CONTEXT],
  [STATE_OF_WORLD_CONTEXT_URL, STATE_OF_WORLD_CONTEXT],
]);
