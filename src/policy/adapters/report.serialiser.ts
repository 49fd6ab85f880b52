import jsonld from 'jsonld';
import { Parser, Writer } from 'n3';
import { REPORT_CONTEXT } from '../domain/compliance-report.js';

/** The report's context is inline: anything asking for a remote document is a bug, never a fetch. */
const offline = async (url: string): Promise<never> => {
  throw new Error(`refusing to fetch ${url}: compliance reports carry their context inline`);
};

/** JSON-LD report -> N-Quads (jsonld) -> Turtle (n3), so both formats state exactly the same triples. */
export async function reportToTurtle(report: Record<string, unknown>): Promise<string> {
  const nquads = (await jsonld.toRDF(report as jsonld.JsonLdDocument, { format: 'application/n-quads', documentLoader: offline as never })) as unknown as string;
  const writer = new Writer({ prefixes: { ...REPORT_CONTEXT } });
  writer.addQuads(new Parser({ format: 'N-Quads' }).parse(nquads));
  return new Promise((resolve, reject) => writer.end((e, out) => (e ? reject(e) : resolve(out))));
}
