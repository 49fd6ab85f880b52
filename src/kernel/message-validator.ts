import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from './errors.js';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** Returns the field errors of a message (empty when valid); paths are JSON pointers, optionally prefixed. */
export type MessageValidator = (value: unknown, prefix?: string) => FieldError[];

// One compiler for the protocol messages of every context (DSP catalog, negotiation, …): strict mode off because
// TypeBox schemas carry annotations ajv does not know. Formats (uuid, date-time, uri, …) are checked, not ignored.
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

function toFieldErrors(errors: ErrorObject[] | null | undefined, prefix: string): FieldError[] {
  return (errors ?? []).map((e) => {
    let path = e.instancePath;
    if (e.keyword === 'required') path += `/${String((e.params as { missingProperty?: string }).missingProperty)}`;
    return { path: `${prefix}${path}`, message: e.message ?? 'is not valid' };
  });
}

/** Compiles `schema` once; the validator reports every failure with the path of the offending field. */
export function messageValidator(schema: TSchema): MessageValidator {
  const check = ajv.compile(schema);
  return (value, prefix = '') => (check(value) ? [] : toFieldErrors(check.errors, prefix));
}
