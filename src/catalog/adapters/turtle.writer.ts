import type { JsonLdDocument } from 'jsonld';
import { DCAT_CONTEXT } from '../domain/dcat.mapper.js';

/** Refuses every remote document: the export's context is inline, and an export must never touch the network. */
const offline = async (url: string): Promise<never> => {
  throw new Error(`refusing to fetch ${url}: only inline JSON-LD contexts are allowed`);
};

/** JSON-LD -> N-Quads (jsonld) -> Turtle (n3) with the catalog's prefixes. */
export async function toTurtle(doc: Record<string, unknown>): Promise<string> {
  // Loaded on first use: jsonld and n3 cost ~25 MB of resident memory that a node serving no Turtle never needs.
  const [{ default: jsonld }, { Parser, Writer }] = await Promise.all([import('jsonld'), import('n3')]);
  const nquads = (await jsonld.toRDF(doc as JsonLdDocument, { format: 'application/n-quads', documentLoader: offline as never })) as unknown as string;
  const quads = new Parser({ format: 'N-Quads' }).parse(nquads);
  const writer = new Writer({ prefixes: { ...DCAT_CONTEXT } });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((e, out) => (e ? reject(e) : resolve(out))));
}
