import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

/** One failure of a field: a JSON pointer into the offending request part, and what is wrong there. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A failure the caller can act on. Domain and application code return or throw these; the HTTP layer maps
 * them to RFC 9457 problem+json (or a DSP error object on protocol routes). The status comes from the catalogue.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;

  constructor(code: ErrorCode, detail?: string, errors?: FieldError[]) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.errors = errors;
  }

  get title(): string {
    return ERROR_CATALOGUE[this.code].title;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Narrow helper for a single-field validation failure. */
export const invalidField = (path: string, message: string): AppError =>
  new AppError('DS_HTTP_VALIDATION', `${path}: ${message}`, [{ path, message }]);
