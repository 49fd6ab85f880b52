import type { Quad } from 'n3';
import { AppError } from '../../kernel/index.js';
import { Graph, blankNode, literal, namedNode, type Resource, type Term } from '../domain/rdf-graph.js';
import { readJsonLd } from './jsonld-graph.reader.js';

export type InputFormat = 'jsonld' | 'turtle';

/** A document as callers hand it over: parsed JSON (JSON-LD), or text (JSON-LD or Turtle). */
export type RdfInput = string | Record<string, unknown> | unknown[];

/** JSON-LD text starts with `{` or `[`; anything else is read as Turtle. */
export function detectFormat(text: string, fileName?: string): InputFormat {
  if (fileName) {
    if (/\.(ttl|turtle|n3|nt)$/i.test(fileName)) return 'turtle';
    if (/\.(json|jsonld)$/i.test(fileName)) return 'jsonld';
  }
  return /^\s*[[{]/.test(text) ? 'jsonld' : 'turtle';
}

/**
 * Any supported input -> graph. `defaultContext` is the context a JSON-LD document without one is read with
 * (null: none). Throws DS_POLICY_UNREADABLE naming the syntax problem.
 */
export async function readRdf(input: RdfInput, opts: { format?: InputFormat; fileName?: string; defaultContext?: string | string[] | null } = {}): Promise<Graph> {
  const ctx = opts.defaultContext === undefined ? {} : { defaultContext: opts.defaultContext };
  if (typeof input !== 'string') return readJsonLd(input, ctx);
  const format = opts.format ?? detectFormat(input, opts.fileName);
  if (format === 'turtle') return readTurtle(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch (e) {
    throw new AppError('DS_POLICY_UNREADABLE', `not valid JSON: ${(e as Error).message}`);
  }
  return readJsonLd(parsed, ctx);
}

export async function readTurtle(text: string): Promise<Graph> {
  // Loaded on first use: n3 costs ~9 MB of resident memory that a node reading no Turtle never needs.
  const { Parser } = await import('n3');
  let quads: Quad[];
  try {
    quads = new Parser({ format: 'text/turtle' }).parse(text);
  } catch (e) {
    throw new AppError('DS_POLICY_UNREADABLE', `not valid Turtle: ${(e as Error).message}`);
  }
  const g = new Graph();
  for (const q of quads) {
    const s = resource(q.subject);
    const o = term(q.object);
    if (s && o && q.predicate.termType === 'NamedNode') g.add(s, q.predicate.value, o);
  }
  return g;
}

function resource(t: Quad['subject'] | Quad['object']): Resource | undefined {
  if (t.termType === 'NamedNode') return namedNode(t.value);
  if (t.termType === 'BlankNode') return blankNode(`t-${t.value}`);
  return undefined;
}

function term(t: Quad['object']): Term | undefined {
  if (t.termType === 'Literal') return literal(t.value, t.datatype.value, t.language || undefined);
  return resource(t);
}
