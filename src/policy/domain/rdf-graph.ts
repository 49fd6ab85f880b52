/**
 * A small in-memory RDF graph. Policies, evaluation requests and states of the world arrive as JSON-LD or Turtle;
 * both readers fill this one structure, so the ODRL reader sees the same triples whatever the syntax. Objects keep
 * their insertion order (document order), which the reports follow, and every subject may remember the JSON
 * pointer of the object it came from so validation errors can name it.
 */
export type Term =
  | { readonly termType: 'NamedNode'; readonly value: string }
  | { readonly termType: 'BlankNode'; readonly value: string }
  | { readonly termType: 'Literal'; readonly value: string; readonly datatype: string; readonly language?: string };

export type Resource = Extract<Term, { termType: 'NamedNode' | 'BlankNode' }>;
export type LiteralTerm = Extract<Term, { termType: 'Literal' }>;

export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const RDF_TYPE = `${RDF}type`;
const LANG_STRING = `${RDF}langString`;

export const namedNode = (value: string): Resource => ({ termType: 'NamedNode', value });
export const blankNode = (value: string): Resource => ({ termType: 'BlankNode', value: value.startsWith('_:') ? value : `_:${value}` });
export const literal = (value: string, datatype = `${XSD}string`, language?: string): LiteralTerm =>
  language ? { termType: 'Literal', value, datatype: LANG_STRING, language } : { termType: 'Literal', value, datatype };

export const isResource = (t: Term | undefined): t is Resource => t !== undefined && t.termType !== 'Literal';
export const isLiteral = (t: Term | undefined): t is LiteralTerm => t?.termType === 'Literal';

/** Subjects are keyed by their value: IRIs as they are, blank nodes with their `_:` prefix. */
export class Graph {
  readonly #index = new Map<string, Map<string, Term[]>>();
  readonly #pointers = new Map<string, string>();
  readonly #referencedAt = new Map<string, string>();
  #size = 0;

  add(subject: Resource, predicate: string, object: Term): void {
    let props = this.#index.get(subject.value);
    if (!props) this.#index.set(subject.value, (props = new Map()));
    let list = props.get(predicate);
    if (!list) props.set(predicate, (list = []));
    if (list.some((o) => sameTerm(o, object))) return;
    list.push(object);
    this.#size += 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Objects of (subject, predicate), in document order. */
  objects(subject: string, predicate: string): readonly Term[] {
    return this.#index.get(subject)?.get(predicate) ?? [];
  }

  /** Objects of (subject, any of the predicates): for terms that have aliases. */
  objectsOf(subject: string, predicates: readonly string[]): Term[] {
    return predicates.flatMap((p) => this.objects(subject, p));
  }

  predicates(subject: string): ReadonlyMap<string, readonly Term[]> {
    return this.#index.get(subject) ?? new Map();
  }

  subjects(): IterableIterator<string> {
    return this.#index.keys();
  }

  /** Subjects having `predicate` (with `object`, when given). */
  subjectsWith(predicate: string, object?: string): string[] {
    const out: string[] = [];
    for (const [s, props] of this.#index) {
      const list = props.get(predicate);
      if (list && (object === undefined || list.some((o) => o.value === object && o.termType !== 'Literal'))) out.push(s);
    }
    return out;
  }

  types(subject: string): string[] {
    return this.objects(subject, RDF_TYPE).map((t) => t.value);
  }

  /** Every (subject, predicate, object) triple, in insertion order. */
  *triples(): IterableIterator<[string, string, Term]> {
    for (const [s, props] of this.#index) for (const [p, list] of props) for (const o of list) yield [s, p, o];
  }

  /**
   * Where a subject is described in a JSON input. A description (an object with properties) wins over a mere
   * reference (`{"@id": …}`), so a rule defined elsewhere in a `@graph` is located where its content is.
   */
  setPointer(subject: string, pointer: string, described: boolean): void {
    const map = described ? this.#pointers : this.#referencedAt;
    if (!map.has(subject)) map.set(subject, pointer);
  }

  /** JSON pointer of the object a subject came from (JSON-LD input only). */
  pointer(subject: string): string | undefined {
    return this.#pointers.get(subject) ?? this.#referencedAt.get(subject);
  }

  /** The members of an RDF collection (rdf:first / rdf:rest), or undefined when `head` is not one. */
  list(head: string): Term[] | undefined {
    const out: Term[] = [];
    let node = head;
    for (let guard = 0; node !== `${RDF}nil`; guard += 1) {
      const first = this.objects(node, `${RDF}first`)[0];
      const rest = this.objects(node, `${RDF}rest`)[0];
      if (!first || !rest || guard > 10_000) return undefined;
      out.push(first);
      node = rest.value;
    }
    return out;
  }
}

export function sameTerm(a: Term, b: Term): boolean {
  if (a.termType !== b.termType || a.value !== b.value) return false;
  if (a.termType === 'Literal' && b.termType === 'Literal') return a.datatype === b.datatype && (a.language ?? '') === (b.language ?? '');
  return true;
}

/** A short label for messages: the IRI, or "a blank node" for anonymous nodes. */
export const describeNode = (id: string): string => (id.startsWith('_:') ? 'an unnamed node' : `<${id}>`);
