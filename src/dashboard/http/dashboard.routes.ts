import { readFileSync } from 'node:fs';
import { cookieValue } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { LANGUAGE_COOKIE, pickLanguage, type Language } from '../domain/language.js';

/** The dashboard's files, shipped in the package beside dist/ (the same relative path from src/ and from dist/). */
const ASSETS = new URL('../../../assets/me/', import.meta.url);

const SHELL: Record<Language, Record<string, string>> = {
  fr: { title: 'Mes données de formation', brand: 'Mes données de formation', skip: 'Aller au contenu', languageLabel: 'Langue' },
  en: { title: 'My learning data', brand: 'My learning data', skip: 'Skip to content', languageLabel: 'Language' },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page may load only its own script and style, be framed by nobody, and send no referrer: it shows a person's
 * consents and history.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const FILES = [
  { path: '/me/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/me/strings.js', file: 'strings.js', type: 'text/javascript; charset=utf-8' },
  { path: '/me/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
];

/** The learner's dashboard at /me/: a page in French or English (Accept-Language, or the switch's cookie) and its files. */
export function dashboardRoutes() {
  const template = readFileSync(new URL('index.html', ASSETS), 'utf8');
  const files = FILES.map((f) => ({ ...f, body: readFileSync(new URL(f.file, ASSETS)) }));
  const pages = Object.fromEntries(
    (Object.keys(SHELL) as Language[]).map((lang) => [lang, template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => escapeHtml(key === 'lang' ? lang : (SHELL[lang][key] ?? '')))]),
  ) as Record<Language, string>;
  const tags = ['dashboard'];

  return async (app: App) => {
    app.get('/me/', { config: { auth: 'public' }, schema: { tags, summary: "The learner's dashboard (sign-up, sign-in, consents, history, rights), in French or English" } }, async (req, reply) => {
      const lang = pickLanguage(req.headers['accept-language'], cookieValue(req.headers.cookie, LANGUAGE_COOKIE));
      return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache', 'content-language': lang, vary: 'accept-language, cookie' }).type('text/html; charset=utf-8').send(pages[lang]);
    });
    for (const f of files) {
      app.get(f.path, { config: { auth: 'public' }, schema: { tags, summary: `Dashboard file ${f.file}` } }, async (_req, reply) =>
        reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type(f.type).send(f.body),
      );
    }
  };
}
