import type { JsonLdDocument } from 'jsonld';
import { AppError, isAppError } from '../../kernel/index.js';
import { Graph, RDF, RDF_TYPE, XSD, blankNode, literal, namedNode, type Resource, type Term } from '../domain/rdf-graph.js';
import { DEFAULT_POLICY_CONTEXT, keyIri, policyDocumentLoader } from './jsonld.documents.js';

type Json = Record<string, unknown>;
type Segment = string | number;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON-LD -> graph. The document is expanded by the jsonld package with the offline loader, then its expanded
 * form is turned into triples here, so each subject keeps the JSON pointer of the object it was written in.
 * A document without `@context` is read with the ODRL context (plain ODRL JSON). Throws DS_POLICY_UNREADABLE.
 */
export async function readJsonLd(doc: unknown, opts: { defaultContext?: string | string[] | null } = {}): Promise<Graph> {
  if (!isObject(doc) && !Array.isArray(doc)) throw new AppError('DS_POLICY_UNREADABLE', 'a JSON-LD document is a JSON object or array');
  const fallback = opts.defaultContext === undefined ? DEFAULT_POLICY_CONTEXT : opts.defaultContext;
  const input = isObject(doc) && doc['@context'] === undefined && fallback ? { '@context': fallback, ...doc } : doc;
  // Loaded on first use: jsonld costs ~20 MB of resident memory that a node reading no policy documents never needs.
  const { default: jsonld } = await import('jsonld');
  let expanded: unknown[];
  try {
    expanded = (await jsonld.expand(structuredClone(input) as JsonLdDocument, { documentLoader: policyDocumentLoader as never })) as unknown[];
  } catch (e) {
    throw new AppError('DS_POLICY_UNREADABLE', `not valid JSON-LD: ${jsonLdMessage(e)}`);
  }
  const g = new Graph();
  const converter = new Converter(g, doc);
  expanded.forEach((node, i) => isObject(node) && converter.node(node, [i]));
  return g;
}

/** jsonld wraps our loader's AppError (and its own errors) in layers of `details.cause`. */
function jsonLdMessage(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (isAppError(cur)) return cur.message;
    const details = (cur as { details?: { cause?: unknown } }).details;
    if (!details?.cause) break;
    cur = details.cause;
  }
  return e instanceof Error ? e.message : String(e);
}

class Converter {
  #blank = 0;
  constructor(
    private readonly g: Graph,
    private readonly original: unknown,
  ) {}

  node(node: Json, at: Segment[]): Resource {
    const id = typeof node['@id'] === 'string' ? node['@id'] : undefined;
    const subject = id === undefined ? blankNode(`g${++this.#blank}`) : id.startsWith('_:') ? blankNode(`d-${id.slice(2)}`) : namedNode(id);
    const keys = Object.keys(node).filter((k) => k !== '@id');
    this.g.setPointer(subject.value, pointerOf(this.original, at), keys.length > 0);
    for (const t of (node['@type'] as string[] | undefined) ?? []) this.g.add(subject, RDF_TYPE, t.startsWith('_:') ? blankNode(`d-${t.slice(2)}`) : namedNode(t));
    for (const [p, values] of Object.entries(node)) {
      if (p.startsWith('@') || !Array.isArray(values)) continue;
      values.forEach((v, i) => {
        const o = isObject(v) ? this.term(v, [...at, p, i]) : undefined;
        if (o) this.g.add(subject, p, o);
      });
    }
    const graph = node['@graph'];
    if (Array.isArray(graph)) graph.forEach((n, i) => isObject(n) && this.node(n, [...at, '@graph', i]));
    return subject;
  }

  term(v: Json, at: Segment[]): Term | undefined {
    if ('@value' in v) return valueTerm(v);
    if (Array.isArray(v['@list'])) {
      const items = (v['@list'] as unknown[]).flatMap((item, j) => {
        const t = isObject(item) ? this.term(item, [...at, '@list', j]) : undefined;
        return t ? [t] : [];
      });
      return this.list(items);
    }
    return this.node(v, at);
  }

  /** An RDF collection, as Turtle's `( … )` gives: the reader treats both alike. */
  list(items: Term[]): Term {
    let head: Resource = namedNode(`${RDF}nil`);
    for (let i = items.length - 1; i >= 0; i--) {
      const cell = blankNode(`g${++this.#blank}`);
      this.g.add(cell, `${RDF}first`, items[i]!);
      this.g.add(cell, `${RDF}rest`, head);
      head = cell;
    }
    return head;
  }
}

/** JSON-LD value objects as RDF literals (JSON-LD 1.1 §8.6: native numbers and booleans get XSD types). */
function valueTerm(v: Json): Term {
  const value = v['@value'];
  const type = typeof v['@type'] === 'string' ? v['@type'] : undefined;
  const language = typeof v['@language'] === 'string' ? v['@language'] : undefined;
  if (type === '@json') return literal(JSON.stringify(value), `${RDF}JSON`);
  if (typeof value === 'boolean') return literal(String(value), type ?? `${XSD}boolean`);
  if (typeof value === 'number') return literal(String(value), type ?? (Number.isInteger(value) ? `${XSD}integer` : `${XSD}double`));
  return literal(String(value), type ?? `${XSD}string`, language);
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The JSON pointer, in the document as written, of the object at an expanded path ([top index, property IRI,
 * index, …]). Keys are matched by the IRI they stand for; the walk stops where the correspondence is lost.
 */
function pointerOf(original: unknown, at: Segment[]): string {
  let cur: unknown = original;
  let out = '';
  const top = at[0] as number;
  if (Array.isArray(cur)) {
    cur = cur[top];
    out = `/${top}`;
  } else if (isObject(cur) && Array.isArray(cur['@graph']) && !Object.keys(cur).some((k) => !k.startsWith('@'))) {
    cur = cur['@graph'][top];
    out = `/@graph/${top}`;
  }
  for (let i = 1; i < at.length; i += 2) {
    const key = at[i] as string;
    const index = at[i + 1] as number;
    if (!isObject(cur)) break;
    const obj: Json = cur;
    const written = key.startsWith('@') ? (key in obj ? key : undefined) : Object.keys(obj).find((k) => k === key || keyIri(k) === key);
    if (written === undefined) break;
    out += `/${escape(written)}`;
    const value = obj[written];
    if (at[i + 2] === '@list') {
      // A list item: written as {"@list": […]}, or as a plain array under a term whose container is @list.
      const j = at[i + 3] as number;
      const items = isObject(value) && Array.isArray(value['@list']) ? value['@list'] : value;
      out += isObject(value) ? `/@list/${j}` : `/${j}`;
      cur = Array.isArray(items) ? items[j] : undefined;
      i += 2;
      continue;
    }
    if (Array.isArray(value)) {
      cur = value[index];
      out += `/${index}`;
    } else cur = value;
  }
  return out;
}
