import { AppError, type FieldError } from '../../kernel/index.js';

export type ConnectionKind = 'postgres' | 'http';
export const CONNECTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** What an operator sends: the secret parts (a PostgreSQL URL with its password, credential headers) included. */
export interface ConnectionInput {
  name: string;
  kind: ConnectionKind;
  url: string;
  headers?: Record<string, string>;
}

/** What may be stored in clear and shown: never a password or a header value. */
export type ConnectionSettings = { kind: 'http'; baseUrl: string; headerNames: string[] } | { kind: 'postgres'; displayUrl: string };

/** The secret, sealed at rest: the whole PostgreSQL URL, or the HTTP credential headers. */
export type ConnectionSecret = { kind: 'http'; headers: Record<string, string> } | { kind: 'postgres'; url: string };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks what a JSON schema cannot (URL schemes, header names) and splits the input into settings and secret. */
export function splitConnection(input: ConnectionInput): { settings: ConnectionSettings; secret: ConnectionSecret | undefined } {
  const errors: FieldError[] = [];
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    errors.push({ path: '/body/url', message: 'must be an absolute URL' });
  }
  if (input.kind === 'postgres') {
    if (url && url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') errors.push({ path: '/body/url', message: 'must be a postgres:// or postgresql:// URL' });
    if (input.headers !== undefined) errors.push({ path: '/body/headers', message: 'only http connections have headers' });
    if (errors.length || !url) throw validation(errors);
    const display = new URL(url.href);
    display.password = '';
    return { settings: { kind: 'postgres', displayUrl: display.href }, secret: { kind: 'postgres', url: input.url } };
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') errors.push({ path: '/body/url', message: 'must be an http(s) URL' });
  if (url && (url.username || url.password)) errors.push({ path: '/body/url', message: 'must not hold credentials: give them as headers' });
  if (url && (url.search || url.hash)) errors.push({ path: '/body/url', message: 'must be a base URL without query or fragment' });
  const headers = input.headers ?? {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) errors.push({ path: `/body/headers/${name}`, message: 'is not a valid header name' });
    if (/[\r\n]/.test(value)) errors.push({ path: `/body/headers/${name}`, message: 'must not contain line breaks' });
  }
  if (errors.length || !url) throw validation(errors);
  const names = Object.keys(headers).sort();
  return { settings: { kind: 'http', baseUrl: url.href, headerNames: names }, secret: names.length ? { kind: 'http', headers } : undefined };
}

/**
 * Credentials of an http connection are only ever sent under its base URL: a source or sink naming the connection
 * with a URL elsewhere is refused rather than handing the secret to another host.
 */
export function isUnderBase(url: string, baseUrl: string): boolean {
  const target = new URL(url);
  const base = new URL(baseUrl);
  if (target.origin !== base.origin) return false;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return target.pathname === base.pathname || target.pathname.startsWith(prefix);
}

const validation = (errors: FieldError[]) => new AppError('DS_HTTP_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
