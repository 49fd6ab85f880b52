import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { SPEC_DIR } from './spec.js';

// ajv-formats is CommonJS; under NodeNext its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2019) => void;

/** The Dataspace Protocol 2025-1 artifacts in ../shared/spec (schemas, examples, valid/ and invalid/ sets). */
export const DIR = join(SPEC_DIR, 'dsp', '2025-1');
/** The $id of a spec schema, from its path under DIR (`transfer/transfer-process-schema.json`). */
export const ID = (s: string): string => `https://w3id.org/dspace/2025/1/${s}`;
export const readJson = (p: string): unknown => JSON.parse(readFileSync(join(DIR, p), 'utf8'));
export type SpecAjv = Ajv2019;

/**
 * The spec's own JSON Schemas of `folders`, every one registered before any is compiled (they cross-reference each
 * other by $id; the spec writes some local references as `#definitions/`, fixed to `#/definitions/`).
 */
export function specAjv(folders: readonly string[]): SpecAjv {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const folder of folders) {
    for (const f of readdirSync(join(DIR, folder)).filter((n) => n.endsWith('-schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(join(DIR, folder, f), 'utf8').replaceAll('#definitions/', '#/definitions/')));
    }
  }
  return ajv;
}
