import type { JsonLdDocument } from 'jsonld';
import { REPORT_CONTEXT } from '../domain/compliance-report.js';

/** The report's context is inline: anything asking for a remote document is a bug, never a fetch. */
const offline = async (url: string): Promise<never> => {
  throw new Error(`refusing to fetch ${url}: compliance reports carry their context inline`);
};

/** JSON-LD report -> N-Quads (jsonld) -> Turtle (n3), so both formats state exactly the same triples. */
export async function reportToTurtle(report: Record<string, unknown>): Promise<string> {
  // Loaded on first use (resident memory): see src/catalog/adapters/turtle.writer.ts.
  const [{ default: jsonld }, { Parser, Writer }] = await Promise.all([import('jsonld'), import('n3')]);
  const nquads = (await jsonld.toRDF(report as JsonLdDocument, { format: 'application/n-quads', documentLoader: offline as never })) as unknown as string;
  const writer = new Writer({ prefixes: { ...REPORT_CONTEXT } });
  writer.addQuads(new Parser({ format: 'N-Quads' }).parse(nquads));
  return new Promise((resolve, reject) => writer.end((e, out) => (e ? reject(e) : resolve(out))));
}
