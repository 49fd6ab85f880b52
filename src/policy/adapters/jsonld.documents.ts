import type { Options } from 'jsonld';
import { LOCAL_CONTEXTS } from '../../dsp/index.js';
import { AppError } from '../../kernel/index.js';
import { FORMAL_SEMANTICS_CONTEXTS } from './formal-semantics.contexts.js';

type RemoteDocument = Awaited<ReturnType<NonNullable<Options.DocLoader['documentLoader']>>>;

/** The context a policy without `@context` is read with: plain ODRL JSON, as DSP catalogs carry it. */
export const DEFAULT_POLICY_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';

/**
 * Every context a policy document may name: the W3C ODRL 2.2 context (@digitalbazaar/odrl-context ships the
 * document W3C publishes), the DSP 2025-1 context and ODRL profile, and the formal-semantics contexts.
 */
export const POLICY_CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([...LOCAL_CONTEXTS, ...FORMAL_SEMANTICS_CONTEXTS]);

/**
 * The jsonld document loader of the policy engine. It never touches the network: documents come from callers, and
 * fetching a URL a caller names would let them make this node send requests (SSRF) or hang on a slow server.
 */
export async function policyDocumentLoader(url: string): Promise<RemoteDocument> {
  const document = POLICY_CONTEXTS.get(url);
  if (!document) {
    throw new AppError('DS_POLICY_UNREADABLE', `the JSON-LD context ${url} is not one this node resolves (nothing is fetched); known: ${[...POLICY_CONTEXTS.keys()].join(', ')}`);
  }
  // jsonld may annotate what it is given: hand out a private copy of the shared constant.
  return { contextUrl: undefined, documentUrl: url, document: structuredClone(document) as RemoteDocument['document'] };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Term -> IRI for every term the known contexts define (scoped contexts included), to map the expanded document's
 * properties back to the keys written in the input: validation errors carry JSON pointers into what the user sent.
 */
function collectTerms(ctx: unknown, out: Map<string, string>, prefixes: Map<string, string>): void {
  for (const c of Array.isArray(ctx) ? ctx : [ctx]) {
    if (!isObject(c)) continue;
    for (const [term, def] of Object.entries(c)) {
      const id = typeof def === 'string' ? def : isObject(def) && typeof def['@id'] === 'string' ? def['@id'] : undefined;
      if (id === undefined || term.startsWith('@')) continue;
      if (/^[a-z][a-z0-9-]*$/i.test(term) && /[/#:]$/.test(id)) prefixes.set(term, id);
      const colon = id.indexOf(':');
      const prefix = colon > 0 ? prefixes.get(id.slice(0, colon)) : undefined;
      out.set(term, prefix ? `${prefix}${id.slice(colon + 1)}` : id);
      if (isObject(def) && def['@context'] !== undefined) collectTerms(def['@context'], out, prefixes);
    }
  }
}

const TERMS = new Map<string, string>();
const PREFIXES = new Map<string, string>();
for (const doc of POLICY_CONTEXTS.values()) if (isObject(doc)) collectTerms(doc['@context'], TERMS, PREFIXES);
// Term IRIs defined before their prefix were stored compact; resolve them now that every prefix is known.
for (const [term, iri] of TERMS) {
  const colon = iri.indexOf(':');
  const prefix = colon > 0 ? PREFIXES.get(iri.slice(0, colon)) : undefined;
  if (prefix) TERMS.set(term, `${prefix}${iri.slice(colon + 1)}`);
}

/** The IRI a JSON key stands for, as far as the known contexts tell (good enough to locate errors). */
export function keyIri(key: string): string {
  const term = TERMS.get(key);
  if (term) return term;
  const colon = key.indexOf(':');
  const prefix = colon > 0 ? PREFIXES.get(key.slice(0, colon)) : undefined;
  return prefix ? `${prefix}${key.slice(colon + 1)}` : key;
}
