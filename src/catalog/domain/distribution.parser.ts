import type { FieldError } from '../../kernel/index.js';
import type { Distribution, DistributionSource } from './catalog-resource.js';
import { checkReadOnlyQuery } from './sql-source.check.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** Headers that carry credentials: refused inline (they would be stored and shown in clear), a connection holds them. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token', 'x-csrf-token', 'x-amz-security-token', 'private-token', 'x-goog-api-key', 'ocp-apim-subscription-key']);
const CONNECTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The Statements resource's filters an LRS distribution may fix (xAPI 1.0.3 §2.1.3; no paging or format). */
const LRS_FILTERS = new Set(['agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents', 'since', 'until']);

export function unknownFields(value: Json, allowed: readonly string[], path: string, errors: FieldError[]): void {
  for (const k of Object.keys(value)) if (!allowed.includes(k)) errors.push({ path: `${path}/${k}`, message: 'unknown field' });
}

export const isHttpUrl = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

export function parseDistributions(value: unknown, path: string, errors: FieldError[], newId: () => string): Distribution[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.push({ path, message: 'must be an array' });
    return [];
  }
  return value.flatMap((d, i) => {
    const p = `${path}/${i}`;
    if (!isObject(d)) {
      errors.push({ path: p, message: 'must be an object' });
      return [];
    }
    unknownFields(d, ['id', 'title', 'format', 'mediaType', 'source'], p, errors);
    if (d.id !== undefined && (typeof d.id !== 'string' || !UUID.test(d.id))) errors.push({ path: `${p}/id`, message: 'must be a UUID' });
    if (typeof d.format !== 'string' || d.format.trim() === '') errors.push({ path: `${p}/format`, message: 'is required (e.g. "application/json" or "HttpData-PULL")' });
    if (d.mediaType !== undefined && (typeof d.mediaType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(d.mediaType))) errors.push({ path: `${p}/mediaType`, message: 'must be a media type like "text/csv"' });
    const source = parseSource(d.source, `${p}/source`, errors);
    if (d.title !== undefined && (typeof d.title !== 'string' || d.title.trim() === '')) errors.push({ path: `${p}/title`, message: 'must be a non-empty string' });
    if (!source || typeof d.format !== 'string') return [];
    const out: Distribution = { id: typeof d.id === 'string' ? d.id.toLowerCase() : newId(), format: d.format, source };
    if (typeof d.title === 'string') out.title = d.title;
    if (typeof d.mediaType === 'string') out.mediaType = d.mediaType;
    return [out];
  });
}

function parseSource(s: unknown, p: string, errors: FieldError[]): DistributionSource | undefined {
  const fail = (path: string, message: string) => void errors.push({ path, message });
  if (!isObject(s)) return fail(p, 'is required: {"type": "rest" | "sql" | "file" | "lrs", …}'), undefined;
  const before = errors.length;
  switch (s.type) {
    case 'rest': {
      unknownFields(s, ['type', 'url', 'method', 'headers', 'connection', 'api'], p, errors);
      if (!isHttpUrl(s.url)) fail(`${p}/url`, 'must be an http(s) URL');
      if (s.method !== undefined && s.method !== 'GET' && s.method !== 'POST') fail(`${p}/method`, 'must be GET or POST');
      if (s.headers !== undefined) {
        if (!isObject(s.headers)) fail(`${p}/headers`, 'must be an object of header names to strings');
        else
          for (const [name, v] of Object.entries(s.headers)) {
            if (typeof v !== 'string') fail(`${p}/headers/${name}`, 'must be a string');
            if (CREDENTIAL_HEADERS.has(name.toLowerCase()) || /secret|token|password|credential/i.test(name)) {
              fail(`${p}/headers/${name}`, 'credentials are not stored in the catalog: create an http connection (POST /api/v1/connections) with this header and name it in "connection"');
            }
          }
      }
      if (s.connection !== undefined && (typeof s.connection !== 'string' || !CONNECTION_NAME.test(s.connection))) fail(`${p}/connection`, 'must name a data-plane connection');
      if (s.api !== undefined && typeof s.api !== 'boolean') fail(`${p}/api`, 'must be a boolean');
      if (errors.length > before) return undefined;
      return {
        type: 'rest',
        url: s.url as string,
        ...(s.method ? { method: s.method as 'GET' | 'POST' } : {}),
        ...(s.headers ? { headers: s.headers as Record<string, string> } : {}),
        ...(typeof s.connection === 'string' ? { connection: s.connection } : {}),
        ...(s.api === true ? { api: true } : {}),
      };
    }
    case 'sql': {
      unknownFields(s, ['type', 'connection', 'query', 'parameters'], p, errors);
      if (typeof s.connection !== 'string' || !CONNECTION_NAME.test(s.connection)) fail(`${p}/connection`, 'must name a configured connection');
      if (typeof s.query !== 'string') fail(`${p}/query`, 'is required');
      else {
        const problem = checkReadOnlyQuery(s.query);
        if (problem) fail(`${p}/query`, problem);
      }
      if (s.parameters !== undefined && !Array.isArray(s.parameters)) fail(`${p}/parameters`, 'must be an array');
      if (errors.length > before) return undefined;
      return { type: 'sql', connection: s.connection as string, query: s.query as string, ...(s.parameters ? { parameters: s.parameters as unknown[] } : {}) };
    }
    case 'file':
      unknownFields(s, ['type', 'path'], p, errors);
      if (typeof s.path !== 'string' || s.path.trim() === '') fail(`${p}/path`, 'is required');
      return errors.length > before ? undefined : { type: 'file', path: s.path as string };
    case 'lrs': {
      unknownFields(s, ['type', 'query', 'pseudonymise'], p, errors);
      if (!isObject(s.query)) fail(`${p}/query`, 'must be an object of Statements resource filter parameters');
      else
        for (const [name, v] of Object.entries(s.query)) {
          if (!LRS_FILTERS.has(name)) fail(`${p}/query/${name}`, `is not a filter of the Statements resource (${[...LRS_FILTERS].join(', ')})`);
          else if (typeof v !== 'string') fail(`${p}/query/${name}`, 'must be a string (as in the query string)');
        }
      if (s.pseudonymise !== undefined && typeof s.pseudonymise !== 'boolean') fail(`${p}/pseudonymise`, 'must be a boolean');
      if (errors.length > before) return undefined;
      return { type: 'lrs', query: s.query as Record<string, string>, ...(s.pseudonymise === true ? { pseudonymise: true } : {}) };
    }
    default:
      return fail(`${p}/type`, 'must be "rest", "sql", "file" or "lrs"'), undefined;
  }
}
