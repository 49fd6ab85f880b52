/**
 * Reading descriptive text out of datasets crawled from other nodes. They are JSON-LD in compacted form, but
 * other implementations spell DCT/DCAT terms differently (prefixed, bare, or full IRIs) and use plain strings,
 * value objects or arrays of either; we take what we can find and never fail on shape.
 */
const TERMS = {
  title: ['dct:title', 'dcterms:title', 'title', 'http://purl.org/dc/terms/title'],
  description: ['dct:description', 'dcterms:description', 'description', 'http://purl.org/dc/terms/description'],
  keyword: ['dcat:keyword', 'keyword', 'http://www.w3.org/ns/dcat#keyword'],
  theme: ['dcat:theme', 'theme', 'http://www.w3.org/ns/dcat#theme'],
};

interface Text {
  value: string;
  lang?: string;
}

function texts(v: unknown, out: Text[] = []): Text[] {
  if (typeof v === 'string') out.push({ value: v });
  else if (Array.isArray(v)) for (const x of v) texts(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['@value'] === 'string') out.push({ value: o['@value'], ...(typeof o['@language'] === 'string' ? { lang: o['@language'] } : {}) });
    else if (typeof o['@id'] === 'string') out.push({ value: o['@id'] });
  }
  return out;
}

const termTexts = (d: Record<string, unknown>, names: string[]) => names.flatMap((n) => texts(d[n]));

/** A display title: English if there is one, else the first title, else the dataset id. */
export function displayTitle(d: Record<string, unknown>, id: string, prefer = ['en', 'fr']): string {
  const all = termTexts(d, TERMS.title);
  for (const lang of prefer) {
    const t = all.find((x) => x.lang?.toLowerCase().startsWith(lang));
    if (t) return t.value.slice(0, 1000);
  }
  return (all[0]?.value ?? id).slice(0, 1000);
}

/** Everything searchable of a dataset, in every language, for the English and French full-text indexes. */
export function searchText(d: Record<string, unknown>): string {
  return [TERMS.title, TERMS.description, TERMS.keyword, TERMS.theme]
    .flatMap((names) => termTexts(d, names).map((t) => t.value))
    .join(' \n')
    .slice(0, 100_000);
}
