import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/index.js';

/** The two xAPI versions this LRS serves at once; each request says which one it speaks. */
export type XapiVersion = '1.0.3' | '2.0.0';

export const XAPI_VERSION_HEADER = 'X-Experience-API-Version';

/**
 * Maps a request's `X-Experience-API-Version` to the version we answer with: any `1.0` or `1.0.x` patch is served
 * as 1.0.3 (xAPI 1.0.3 §6.2: patches are compatible, "1.0" means "1.0.0"), any `2.0` or `2.0.x` as 2.0.0.
 * Anything else (0.95, 1.1, 3.0, garbage) is unsupported: undefined.
 */
export function parseXapiVersion(header: string | undefined): XapiVersion | undefined {
  if (header === undefined) return undefined;
  const v = header.trim();
  if (/^1\.0(\.\d+)?$/.test(v)) return '1.0.3';
  if (/^2\.0(\.\d+)?$/.test(v)) return '2.0.0';
  return undefined;
}

/**
 * Negotiates the version of one /xapi request: sets the response header and returns the version, or throws
 * DS_LRS_VERSION (400) naming the header. Even the refusal carries a version header (every LRS response must),
 * the newest we serve, so the client learns what to ask for.
 */
export function xapiVersion(req: FastifyRequest, reply: FastifyReply): XapiVersion {
  const raw = req.headers['x-experience-api-version'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  const version = parseXapiVersion(header);
  if (!version) {
    reply.header(XAPI_VERSION_HEADER, '2.0.0');
    throw new AppError(
      'DS_LRS_VERSION',
      header === undefined ? `the ${XAPI_VERSION_HEADER} header is required` : `xAPI version "${header}" is not supported (1.0.x and 2.0.x are)`,
      [{ path: '/headers/x-experience-api-version', message: header === undefined ? 'missing' : 'unsupported version' }],
    );
  }
  reply.header(XAPI_VERSION_HEADER, version);
  return version;
}
