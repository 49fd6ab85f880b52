import type { FieldError } from '../../kernel/index.js';

/**
 * The DSP `filter` is implementation-specific. dases accepts an array of single-key objects, combined with AND:
 * `{"q": "full text"}` (at most one), `{"keyword": "k"}`, `{"theme": "t"}` (repeatable). Anything else is
 * refused: the HTTPS binding requires a 400 for filter expressions an implementation does not support.
 */
export interface CatalogFilter {
  text?: string;
  keywords: string[];
  themes: string[];
}

export type FilterResult = { ok: true; filter: CatalogFilter } | { ok: false; errors: FieldError[] };

const SUPPORTED = 'supported filters are {"q": string}, {"keyword": string}, {"theme": string}';

export function parseCatalogFilter(filter: unknown[] | undefined, pathPrefix = '/filter'): FilterResult {
  const out: CatalogFilter = { keywords: [], themes: [] };
  const errors: FieldError[] = [];
  (filter ?? []).forEach((f, i) => {
    const path = `${pathPrefix}/${i}`;
    const entries = f && typeof f === 'object' && !Array.isArray(f) ? Object.entries(f) : [];
    const [key, value] = entries[0] ?? [];
    if (entries.length !== 1 || typeof value !== 'string' || value.trim() === '' || value.length > 500) {
      errors.push({ path, message: `unsupported filter expression; ${SUPPORTED} (non-empty, at most 500 characters)` });
      return;
    }
    if (key === 'q' && out.text === undefined) out.text = value.trim();
    else if (key === 'keyword') out.keywords.push(value);
    else if (key === 'theme') out.themes.push(value);
    else errors.push({ path, message: key === 'q' ? 'at most one "q" filter' : `unsupported filter "${key}"; ${SUPPORTED}` });
  });
  return errors.length ? { ok: false, errors } : { ok: true, filter: out };
}
