import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../errors.js';

export const PROBLEM_TYPE_BASE = 'https://dases.eu/problems/';
export const DSP_CONTEXT = 'https://w3id.org/dspace/2025/1/context.jsonld';

/** RFC 9457 body; on Dataspace Protocol routes it is also a DSP error object (CatalogError, …). */
export function problemBody(e: AppError, request: FastifyRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: `${PROBLEM_TYPE_BASE}${e.code}`,
    title: e.title,
    status: e.status,
    detail: e.message,
    code: e.code,
    instance: request.url.split('?')[0],
  };
  if (e.errors?.length) body.errors = e.errors;
  const dspType = request.routeOptions?.config?.dspErrorType;
  if (dspType) {
    body['@context'] = [DSP_CONTEXT];
    body['@type'] = dspType;
    body.reason = [e.message, ...(e.errors ?? []).map((f) => `${f.path}: ${f.message}`)];
  }
  return body;
}

export function sendProblem(reply: FastifyReply, e: AppError): FastifyReply {
  return reply.code(e.status).type('application/problem+json').send(problemBody(e, reply.request));
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Fastify's validation errors become field errors whose paths name the offending request part and field. */
export function fieldErrors(validation: AjvIssue[], context: string | undefined): FieldError[] {
  const part = context ?? 'body';
  return validation.map((v) => {
    let path = v.instancePath ?? '';
    const p = v.params ?? {};
    if (v.keyword === 'required' && typeof p.missingProperty === 'string') path += `/${p.missingProperty}`;
    if (v.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
      path += `/${p.additionalProperty}`;
      return { path: `/${part}${path}`, message: 'unknown field' };
    }
    return { path: `/${part}${path}`, message: v.message ?? 'is not valid' };
  });
}

/** Maps anything thrown in a request to a problem; unknown errors are logged and leak nothing. */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation) {
    const errors = fieldErrors(fe.validation, fe.validationContext);
    return new AppError('DS_HTTP_VALIDATION', errors.map((x) => `${x.path}: ${x.message}`).join('; '), errors);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('DS_HTTP_MALFORMED_JSON', fe.message, [{ path: '/body', message: fe.message }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('DS_HTTP_BODY_TOO_LARGE', fe.message, [{ path: '/body', message: 'too large' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('DS_HTTP_UNSUPPORTED_MEDIA_TYPE', fe.message, [{ path: '/headers/content-type', message: 'unsupported' }]);
  }
  if (error instanceof SyntaxError || fe.statusCode === 400) {
    return new AppError('DS_HTTP_MALFORMED_JSON', fe.message, [{ path: '/body', message: fe.message }]);
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('DS_HTTP_VALIDATION', fe.message, [{ path: '/', message: fe.message }]);
  }
  request.log.error({ err: error }, 'unhandled error');
  return new AppError('DS_HTTP_INTERNAL', 'An internal error occurred; it has been logged.');
}
