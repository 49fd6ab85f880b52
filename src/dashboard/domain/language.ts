/** The languages the dashboard speaks; the first is the default. */
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_COOKIE = 'dases_lang';

const isLanguage = (v: string | undefined): v is Language => (LANGUAGES as readonly string[]).includes(v ?? '');

/**
 * The page's language: the person's explicit choice (the switch sets a cookie) wins; else the best match of
 * `Accept-Language` (RFC 9110 §12.5.4: quality values, primary subtags, `*`); else French, the data space's home.
 */
export function pickLanguage(acceptLanguage: string | undefined, chosen?: string): Language {
  if (isLanguage(chosen)) return chosen;
  let best: { lang: Language; q: number; order: number } | undefined;
  (acceptLanguage ?? '').split(',').forEach((part, order) => {
    const [range = '', ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0 || q > 1) return;
    const primary = range.trim().toLowerCase().split('-')[0];
    const lang: Language | undefined = primary === '*' ? LANGUAGES[0] : isLanguage(primary) ? primary : undefined;
    if (!lang) return;
    if (!best || q > best.q || (q === best.q && order < best.order)) best = { lang, q, order };
  });
  return best?.lang ?? LANGUAGES[0];
}
