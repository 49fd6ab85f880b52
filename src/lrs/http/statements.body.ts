import type { FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/index.js';
import { firstDuplicateKey } from '../domain/json-duplicates.js';
import { boundaryOf, parseMultipart, type Part } from '../domain/multipart.js';

/** A statements request body: the statement(s), whether it was a batch (array), and attachment parts. */
export interface StatementsBody { statements: unknown[]; batch: boolean; parts: Part[] }

/** Parses JSON text as the LRS must: malformed → 400, a repeated property (XAPI-00021) → 400 naming it. */
export function parseStatementJson(text: string, base: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AppError('DS_HTTP_MALFORMED_JSON', (e as Error).message, [{ path: base, message: 'is not valid JSON' }]);
  }
  const dup = firstDuplicateKey(text);
  if (dup !== undefined) throw new AppError('DS_LRS_INVALID_STATEMENT', `property ${base}${dup} appears twice`, [{ path: `${base}${dup}`, message: 'a property may appear only once' }]);
  return value;
}

/** The statements of a POST/PUT: application/json, or multipart/mixed with the JSON first and attachments after. */
export function readStatementsBody(req: FastifyRequest): StatementsBody {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  let value: unknown;
  let parts: Part[] = [];
  if (type === 'multipart/mixed') {
    const boundary = boundaryOf(req.headers['content-type']);
    const all = boundary && Buffer.isBuffer(req.body) ? parseMultipart(req.body, boundary) : undefined;
    if (!all || all.length === 0) throw new AppError('DS_LRS_ATTACHMENT_INVALID', 'the multipart/mixed body is malformed or has no boundary', [{ path: '/body', message: 'malformed multipart/mixed' }]);
    const [first, ...rest] = all as [Part, ...Part[]];
    if (!(first.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      throw new AppError('DS_LRS_ATTACHMENT_INVALID', 'the first part must be the statements as application/json', [{ path: '/body/parts/0/headers/content-type', message: 'must be application/json' }]);
    }
    value = parseStatementJson(first.body.toString('utf8'), '/body');
    parts = rest;
  } else if (type === 'application/json') {
    value = req.body;
  } else {
    throw new AppError('DS_HTTP_UNSUPPORTED_MEDIA_TYPE', 'statements are sent as application/json or multipart/mixed', [{ path: '/headers/content-type', message: 'must be application/json or multipart/mixed' }]);
  }
  if (value === undefined || value === null) throw new AppError('DS_LRS_INVALID_STATEMENT', 'the body holds no statement', [{ path: '/body', message: 'is required' }]);
  return Array.isArray(value) ? { statements: value, batch: true, parts } : { statements: [value], batch: false, parts };
}
