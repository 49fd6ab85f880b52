import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import jsonld from 'jsonld';
import { SPEC_DIR, specSkip } from '../../../test/support/spec.js';
import { isAppError, silentLogger } from '../../kernel/index.js';
import { createDocumentLoader, createDsp, DSP_CONTEXT, DSPACE_CONTEXT, dspDocumentLoader, ODRL_PROFILE_CONTEXT, ODRL_PROFILE_CONTEXT_URL, type JsonLdDocumentLoader } from '../index.js';
import { InMemoryCatalog, offered, testApp, testTokens } from '../testing/dsp-test-kit.js';

type Json = Record<string, unknown>;
const DIR = join(SPEC_DIR, 'dsp', '2025-1');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const expand = (doc: unknown, documentLoader: JsonLdDocumentLoader) => jsonld.expand(structuredClone(doc) as jsonld.JsonLdDocument, { documentLoader });
/**
 * Expanded form shows IRIs and value kinds but not `@container: @set`; compacting the expansion back with the
 * same context URL does (a one-element `@set` stays an array), so both results are compared.
 */
async function roundTrip(doc: Json, documentLoader: JsonLdDocumentLoader) {
  const expanded = await expand(doc, documentLoader);
  const compacted = await jsonld.compact(expanded, { '@context': doc['@context'] } as jsonld.ContextDefinition, { documentLoader });
  return { expanded, compacted };
}

/** The spec's own context files, read at test time and served under their published URLs: the reference. */
const officialLoader = (): JsonLdDocumentLoader =>
  createDocumentLoader(
    new Map([
      [DSP_CONTEXT, readJson(join(DIR, 'context', 'dspace.jsonld')) as object],
      [ODRL_PROFILE_CONTEXT_URL, readJson(join(DIR, 'context', 'odrl.jsonld')) as object],
    ]),
  );

/** Spec files that are not messages we can expand, and why. Each must exist, so the list cannot go stale silently. */
const KNOWN_EXCLUSIONS: Record<string, string> = {
  'valid/common/CommonSchemaTest-1.json': 'a bare @context array (the context-schema test input), not a JSON-LD document',
  'valid/common/CommonSchemaTest-2.json': 'a bare @context array that also names https://test.com/context.json, a third-party context neither loader serves',
};

/**
 * Spec files that expand identically with both contexts but to no typed node, so the "typed nodes" guard is
 * waived for them. The DSP context defines properties only inside type-scoped contexts: without `@type`, a
 * message's properties are undefined terms and JSON-LD drops them (plain-JSON readers still see them).
 */
const UNTYPED: Record<string, string> = {
  'valid/catalog/DatasetSchemaTest-1.json': 'a Dataset without "@type": "Dataset" (the schema does not require it), so it expands to []',
};

const POLICY_TYPES = new Set(['Offer', 'Agreement', 'Set', 'Policy']);
/**
 * valid/ also holds fragments without @context (policies, data addresses). They get the context the enclosing
 * message would give them: the ODRL profile for policies, the DSP context otherwise. Not both at once: jsonld 8
 * crashes ("reading 'mappings'") when the spec's two files are listed side by side at the top level.
 */
function asDocument(value: unknown): Json {
  const doc = value as Json;
  if (doc['@context'] !== undefined) return doc;
  return { '@context': POLICY_TYPES.has(String(doc['@type'])) ? ODRL_PROFILE_CONTEXT_URL : DSP_CONTEXT, ...doc };
}

function specMessages(): string[] {
  const files: string[] = [];
  for (const area of ['catalog', 'negotiation', 'transfer']) for (const f of readdirSync(join(DIR, area, 'example'))) files.push(`${area}/example/${f}`);
  for (const area of readdirSync(join(DIR, 'valid'))) {
    if (area.endsWith('.json')) continue;
    for (const f of readdirSync(join(DIR, 'valid', area))) files.push(`valid/${area}/${f}`);
  }
  return files.filter((f) => f.endsWith('.json'));
}

/** Every node type in an expanded document, anywhere in the tree. */
function typesIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => typesIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '@type' && Array.isArray(v)) v.forEach((t) => out.add(String(t)));
      else typesIn(v, out);
    }
  }
  return out;
}

const termsOf = (ctx: unknown): string[] => Object.keys((ctx as { '@context'?: Json } | undefined)?.['@context'] ?? {}).filter((k) => !k.startsWith('@'));
const scopedTerms = (doc: object, type: string): string[] => termsOf(((doc as { '@context': Json })['@context'][type] as Json | undefined) ?? undefined);

describe('DSP 2025-1 JSON-LD contexts: ours expand exactly like the spec files', { skip: specSkip }, () => {
  it('expands every spec example and valid/ message identically', async () => {
    const official = officialLoader();
    const files = specMessages();
    for (const excluded of Object.keys(KNOWN_EXCLUSIONS)) assert.ok(existsSync(join(DIR, excluded)), `known exclusion ${excluded} still exists`);
    const checked = files.filter((f) => !(f in KNOWN_EXCLUSIONS));
    assert.ok(checked.length >= 50, `found ${checked.length} spec messages`);
    for (const f of checked) {
      const doc = asDocument(readJson(join(DIR, f)));
      const expected = await roundTrip(doc, official);
      const actual = await roundTrip(doc, dspDocumentLoader);
      assert.deepEqual(actual, expected, f);
      if (f in UNTYPED) continue;
      // Guards against both sides dropping everything: the message's type must come out as an absolute IRI.
      assert.ok([...typesIn(actual.expanded)].some((t) => /^https?:\/\//.test(t)), `${f} expands to typed nodes`);
    }
  });

  it('gives every term of every type (theirs and ours) the same IRI, value kind and container', async () => {
    const spec = readJson(join(DIR, 'context', 'dspace.jsonld')) as object;
    const specOdrl = readJson(join(DIR, 'context', 'odrl.jsonld')) as object;
    const official = officialLoader();
    const mismatches: string[] = [];
    assert.deepEqual(termsOf(DSPACE_CONTEXT).sort(), termsOf(spec).sort(), 'same top-level terms');
    // "REQUESTED" is a term of the DSP context: @vocab turns it into dspace:REQUESTED, @id into a relative IRI,
    // a plain term into a literal, so the three mappings expand differently.
    for (const type of termsOf(spec)) {
      const terms = new Set([...scopedTerms(spec, type), ...scopedTerms(DSPACE_CONTEXT, type)]);
      for (const term of terms) {
        const probe = { '@context': DSP_CONTEXT, '@type': type, [term]: 'REQUESTED' };
        const [ours, theirs] = [await roundTrip(probe, dspDocumentLoader), await roundTrip(probe, official)];
        if (!isDeepStrictEqual(ours, theirs)) mismatches.push(`${type}.${term}: ours ${JSON.stringify(ours)} spec ${JSON.stringify(theirs)}`);
      }
    }
    // Same for the ODRL profile, with "eq" (one of its terms) as the value.
    const odrlTerms = new Set([...termsOf(specOdrl), ...termsOf(ODRL_PROFILE_CONTEXT)]);
    for (const term of odrlTerms) {
      const probe = { '@context': ODRL_PROFILE_CONTEXT_URL, '@type': 'Offer', [term]: 'eq' };
      const [ours, theirs] = [await roundTrip(probe, dspDocumentLoader), await roundTrip(probe, official)];
      if (!isDeepStrictEqual(ours, theirs)) mismatches.push(`ODRL profile ${term}: ours ${JSON.stringify(ours)} spec ${JSON.stringify(theirs)}`);
    }
    assert.deepEqual(mismatches, []);
  });
});

describe('offline JSON-LD document loader', () => {
  it('serves the DSP context, its ODRL profile and the W3C ODRL context from the package', async () => {
    assert.deepEqual((await dspDocumentLoader(DSP_CONTEXT)).document, DSPACE_CONTEXT);
    assert.deepEqual((await dspDocumentLoader(ODRL_PROFILE_CONTEXT_URL)).document, ODRL_PROFILE_CONTEXT);
    for (const url of ['https://www.w3.org/ns/odrl.jsonld', 'http://www.w3.org/ns/odrl.jsonld']) {
      const odrl = (await dspDocumentLoader(url)).document as { '@context': Json };
      assert.equal(odrl['@context'].odrl, 'http://www.w3.org/ns/odrl/2/', url);
    }
  });

  it('refuses any other URL without fetching it', async () => {
    // A real server on loopback that would answer with a valid context: the loader must never ask it.
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.setHeader('content-type', 'application/ld+json').end(JSON.stringify({ '@context': { x: 'urn:x:' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/context.jsonld`;
    try {
      await assert.rejects(dspDocumentLoader(url), (e: unknown) => isAppError(e) && e.code === 'DS_DSP_UNKNOWN_CONTEXT' && e.message.includes(url));
      await assert.rejects(
        jsonld.expand({ '@context': [DSP_CONTEXT, url], '@type': 'CatalogError' }, { documentLoader: dspDocumentLoader }),
        (e: unknown) => {
          const cause = (e as { details?: { cause?: unknown } }).details?.cause;
          return (e as Error).name === 'jsonld.InvalidUrl' && isAppError(cause) && cause.code === 'DS_DSP_UNKNOWN_CONTEXT';
        },
      );
      assert.equal(hits, 0, 'no request reached the server');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('catalogs we emit, read as JSON-LD', () => {
  it('expand with our loader into dcat:Catalog, dcat:Dataset and odrl:Offer nodes with their descriptions', async () => {
    const catalog = new InMemoryCatalog([offered(1), offered(2, {}, 2)]);
    const app = await testApp(createDsp({ catalog, tokens: testTokens(), node: { did: 'did:web:provider.test', publicUrl: 'https://provider.test' }, logger: silentLogger() }).routes);
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/dsp/catalog/request',
        headers: { authorization: 'Bearer token-of-did:web:consumer.test', 'content-type': 'application/json' },
        payload: JSON.stringify({ '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage' }),
      });
      assert.equal(res.statusCode, 200);
      const expanded = await expand(res.json(), dspDocumentLoader);
      const types = typesIn(expanded);
      for (const t of ['http://www.w3.org/ns/dcat#Catalog', 'http://www.w3.org/ns/dcat#Dataset', 'http://www.w3.org/ns/dcat#DataService', 'http://www.w3.org/ns/dcat#Distribution', 'http://www.w3.org/ns/odrl/2/Offer']) {
        assert.ok(types.has(t), `${t} in ${[...types].join(', ')}`);
      }
      const flat = JSON.stringify(expanded);
      assert.match(flat, /"http:\/\/purl\.org\/dc\/terms\/title":\[\{"@language":"en","@value":"Dataset 1"\}/);
      assert.match(flat, /"http:\/\/www\.w3\.org\/ns\/odrl\/2\/action":\[\{"@id":"http:\/\/www\.w3\.org\/ns\/odrl\/2\/use"\}\]/);
      assert.match(flat, /"https:\/\/w3id\.org\/dspace\/2025\/1\/participantId":\[\{"@id":"did:web:provider\.test"\}\]/);
    } finally {
      await app.close();
    }
  });
});
