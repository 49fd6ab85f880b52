import type { FieldError } from '../../kernel/index.js';

/** A record the converter cannot turn into statements; paths are JSON pointers inside the record. */
export class InputProblem extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    this.name = 'InputProblem';
  }
}

export const problem = (path: string, message: string): InputProblem => new InputProblem([{ path, message }]);

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 6901 escaping of one pointer token (CMI element names and CSV headers may hold `/` or `~`). */
export const token = (s: string | number): string => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
