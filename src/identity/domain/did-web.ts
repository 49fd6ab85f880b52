import { AppError } from '../../kernel/index.js';

/**
 * did:web <-> URL mapping (W3C did:web method): the host (with its port percent-encoded as %3A) and the path
 * segments joined by ':'. A bare host's document lives at /.well-known/did.json, otherwise at <path>/did.json.
 */
const SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=@-]+$/;

const invalid = (field: string, message: string) => new AppError('DS_IDENTITY_INVALID_DID', `${field}: ${message}`, [{ path: field, message }]);

/** The did:web of a node reachable at `url`; `field` names the input in errors (a JSON pointer). */
export function didFromUrl(url: string, field = '/url'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid(field, 'is not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid(field, 'must be an http(s) URL');
  if (u.username || u.password || u.search || u.hash) throw invalid(field, 'must not carry credentials, a query or a fragment');
  const host = u.port ? `${u.hostname}%3A${u.port}` : u.hostname;
  const segments = u.pathname.split('/').filter(Boolean);
  if (segments.at(-1) === 'did.json') throw invalid(field, 'is the URL of a DID document, not of a node');
  return ['did', 'web', host, ...segments.map((s) => decodeURIComponent(s))].join(':');
}

/** Where the DID document of a did:web lives. Throws DS_IDENTITY_INVALID_DID for anything else. */
export function didDocumentUrl(did: string, field = '/did'): string {
  if (typeof did !== 'string' || !did.startsWith('did:web:')) throw invalid(field, 'must be a did:web identifier');
  if (/[?#/]/.test(did)) throw invalid(field, 'must not contain a path, query or fragment');
  const [hostPart, ...segments] = did.slice('did:web:'.length).split(':');
  if (!hostPart) throw invalid(field, 'has no host');
  const host = hostPart.replace(/%3A/gi, ':');
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) throw invalid(field, 'has an invalid host');
  if (segments.some((s) => !SEGMENT.test(s))) throw invalid(field, 'has an empty or invalid path segment');
  const scheme = isLoopbackHost(host.replace(/:\d+$/, '')) ? 'http' : 'https';
  const path = segments.length ? `/${segments.map(encodeURIComponent).join('/')}/did.json` : '/.well-known/did.json';
  return `${scheme}://${host}${path}`;
}

/**
 * Plain http is tolerated only on loopback, for development and tests; everything else must use https, as
 * did:web requires.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
