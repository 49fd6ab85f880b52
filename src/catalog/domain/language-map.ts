import type { FieldError } from '../../kernel/index.js';

/** Text per BCP 47 language tag: {"en": "Skills", "fr": "Compétences"}. */
export type LanguageMap = Record<string, string>;

/**
 * A plain string (no language given) is stored under `und`, the BCP 47 tag for "undetermined", so every title is
 * a language map; exports write it as a literal without a language tag.
 */
export const UNDETERMINED = 'und';

const TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;
export const isLanguageTag = (tag: string): boolean => TAG.test(tag);

/** Tags are case-insensitive; we keep the usual form: lower-case language, upper-case region (fr-BE). */
export function canonicalTag(tag: string): string {
  return tag
    .split('-')
    .map((part, i) => (i === 0 ? part.toLowerCase() : part.length === 2 ? part.toUpperCase() : part.toLowerCase()))
    .join('-');
}

export function toLanguageMap(value: unknown, path: string, errors: FieldError[], opts: { required: boolean }): LanguageMap {
  if (value === undefined || value === null) {
    if (opts.required) errors.push({ path, message: 'is required' });
    return {};
  }
  if (typeof value === 'string') {
    if (value.trim() === '') {
      if (opts.required) errors.push({ path, message: 'must not be empty' });
      return {};
    }
    return { [UNDETERMINED]: value };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push({ path, message: 'must be a string or a language map like {"en": "…", "fr": "…"}' });
    return {};
  }
  const out: LanguageMap = {};
  for (const [tag, text] of Object.entries(value)) {
    if (!isLanguageTag(tag)) errors.push({ path: `${path}/${tag}`, message: `"${tag}" is not a BCP 47 language tag` });
    else if (typeof text !== 'string' || text.trim() === '') errors.push({ path: `${path}/${tag}`, message: 'must be a non-empty string' });
    else out[canonicalTag(tag)] = text;
  }
  if (opts.required && Object.keys(out).length === 0 && !errors.some((e) => e.path.startsWith(path))) {
    errors.push({ path, message: 'needs at least one language' });
  }
  return out;
}

/** The first text of a map, preferring English then French (our two search languages), for sorting. */
export function firstText(map: LanguageMap): string {
  return map.en ?? map.fr ?? Object.values(map)[0] ?? '';
}
