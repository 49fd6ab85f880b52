import type { FieldError } from '../../kernel/index.js';

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];

export interface Person {
  id: string;
  login: string;
  name?: string;
  language: Language;
  createdAt: Date;
}

export const LOGIN_MIN = 3;
export const LOGIN_MAX = 100;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const NAME_MAX = 200;

// Control characters in a login or name would corrupt logs and pages; nothing legitimate needs them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Lengths count code points, as a person counts characters (not UTF-16 units). */
const length = (s: string) => [...s].length;

/** Logins are unique case-insensitively and regardless of Unicode compatibility forms (ｌéa = Léa = LÉA). */
export function loginKey(login: string): string {
  return login.normalize('NFKC').toLowerCase();
}

/** The rules of a new account, each failure naming its field under `base` (e.g. `/body`). */
export function checkSignUp(input: { login: string; password: string; name?: string | undefined }, base = ''): FieldError[] {
  const errors: FieldError[] = [];
  const login = input.login;
  if (length(login) < LOGIN_MIN || length(login) > LOGIN_MAX) errors.push({ path: `${base}/login`, message: `must be ${LOGIN_MIN} to ${LOGIN_MAX} characters` });
  else if (CONTROL.test(login) || login.trim() !== login) errors.push({ path: `${base}/login`, message: 'must not contain control characters or start or end with spaces' });
  errors.push(...checkPassword(input.password, `${base}/password`));
  if (input.name !== undefined && (length(input.name) > NAME_MAX || CONTROL.test(input.name) || input.name.trim() === '')) {
    errors.push({ path: `${base}/name`, message: `must be 1 to ${NAME_MAX} printable characters` });
  }
  return errors;
}

export function checkPassword(password: string, path: string): FieldError[] {
  const n = length(password);
  return n < PASSWORD_MIN || n > PASSWORD_MAX ? [{ path, message: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` }] : [];
}

/** The language of a new account: the one asked for, else the first of ours the browser prefers, else English. */
export function pickLanguage(asked: Language | undefined, acceptLanguage: string | undefined): Language {
  if (asked) return asked;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const hit = ranked.find((x) => (LANGUAGES as readonly string[]).includes(x.lang));
  return (hit?.lang as Language | undefined) ?? 'en';
}
