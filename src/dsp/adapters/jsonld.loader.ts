import { createRequire } from 'node:module';
import type { Options } from 'jsonld';
import { AppError } from '../../kernel/index.js';
import { DSPACE_CONTEXT } from '../domain/dspace-2025-1.context.js';
import { DSP_CONTEXT } from '../domain/dsp.vocabulary.js';
import { ODRL_PROFILE_CONTEXT, ODRL_PROFILE_CONTEXT_URL } from '../domain/odrl-profile-2025-1.context.js';

// The package is CommonJS without type declarations; this is the part of its documented API we use.
const odrlContext = createRequire(import.meta.url)('@digitalbazaar/odrl-context') as { CONTEXT_URL_V1: string; CONTEXT_V1: object };

type RemoteDocument = Awaited<ReturnType<NonNullable<Options.DocLoader['documentLoader']>>>;
/** A `documentLoader` for the `jsonld` package (expand, compact, toRDF, canonize); jsonld 8 calls it with the URL only. */
export type JsonLdDocumentLoader = (url: string) => Promise<RemoteDocument>;

/** The W3C ODRL 2.2 context, as shipped by @digitalbazaar/odrl-context. */
export const W3C_ODRL_CONTEXT_URL: string = odrlContext.CONTEXT_URL_V1;

/**
 * Every context URL this node resolves, each to an object shipped in the package. W3C publishes the ODRL
 * context under http:// (the ODRL vocabulary's own links) and https:// (what the npm package keys it by);
 * both name the same document, so both resolve.
 */
export const LOCAL_CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([
  [DSP_CONTEXT, DSPACE_CONTEXT],
  [ODRL_PROFILE_CONTEXT_URL, ODRL_PROFILE_CONTEXT],
  [W3C_ODRL_CONTEXT_URL, odrlContext.CONTEXT_V1],
  [W3C_ODRL_CONTEXT_URL.replace(/^https:/, 'http:'), odrlContext.CONTEXT_V1],
]);

/**
 * A jsonld document loader that never touches the network: it answers the contexts in `contexts` and refuses
 * everything else with DS_DSP_UNKNOWN_CONTEXT (jsonld reports it as a `jsonld.LoadDocumentError` whose
 * `details.cause` is our AppError). A peer's message naming a context we do not ship is thus refused rather
 * than fetched: fetching arbitrary URLs named by a caller would be a server-side request forgery channel.
 */
export function createDocumentLoader(contexts: ReadonlyMap<string, object> = LOCAL_CONTEXTS): JsonLdDocumentLoader {
  return async (url: string): Promise<RemoteDocument> => {
    const document = contexts.get(url);
    if (!document) {
      throw new AppError('DS_DSP_UNKNOWN_CONTEXT', `refusing to load ${url}: only the locally shipped JSON-LD contexts (${[...contexts.keys()].join(', ')}) are resolved, nothing is fetched`);
    }
    // jsonld caches and may annotate what it is given; each call hands out a private copy of the shared constant.
    return { contextUrl: undefined, documentUrl: url, document: structuredClone(document) as RemoteDocument['document'] };
  };
}

/** The loader for DSP 2025-1 messages: the DSP context, its ODRL profile and the W3C ODRL context. */
export const dspDocumentLoader: JsonLdDocumentLoader = createDocumentLoader();
