import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

const base: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ ...base, coerceTypes: coerce ? 'array' : false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const paramAjv = makeAjv(true);
const serializers = SerializerSelector();

type BuildSerializer = ReturnType<typeof serializers>;

export interface SchemaCompilers {
  validatorCompiler: FastifySchemaCompiler<unknown>;
  /** Fastify's `schemaController.compilersFactory.buildSerializer`. */
  buildSerializer: (externalSchemas: Parameters<typeof serializers>[0], options: Parameters<typeof serializers>[1]) => BuildSerializer;
  /** Compiles now every validator and serializer not yet used, and says how many; throws the first that does not compile. */
  compileAll(): number;
}

/**
 * The schema compilers of one HTTP app. Bodies are validated strictly (no type coercion, unknown fields refused
 * where the schema says so); query strings, params and headers are text and are coerced to the declared types.
 *
 * Each route's validators and response serializers are compiled on its first request, not when the route is
 * registered: a node serves a few of its two hundred routes, and compiling them all at start kept about 13 MB of
 * generated code (ajv validators, fast-json-stringify serializers) resident in every idle node. `compileAll`
 * compiles the rest at once (tests: every schema compiles).
 */
export function createSchemaCompilers(): SchemaCompilers {
  const pending = new Set<() => unknown>();
  const once = <T>(build: () => T): (() => T) => {
    let built: { value: T } | undefined;
    const get = () => {
      if (!built) {
        built = { value: build() };
        pending.delete(get);
      }
      return built.value;
    };
    pending.add(get);
    return get;
  };
  return {
    validatorCompiler: ({ schema, httpPart }) => {
      const ajv = httpPart === 'body' ? bodyAjv : paramAjv;
      const compiled = once(() => ajv.compile(schema as object));
      // Fastify reads the errors of a failed validation from the function it was given.
      const validate = (data: unknown) => {
        const fn = compiled();
        const ok = fn(data);
        validate.errors = fn.errors;
        return ok;
      };
      validate.errors = undefined as ValidateFunction['errors'];
      return validate;
    },
    buildSerializer: (externalSchemas, options) => {
      const build = serializers(externalSchemas, options);
      return (route) => {
        const compiled = once(() => build(route));
        return (data: unknown) => compiled()(data);
      };
    },
    compileAll: () => {
      const all = [...pending];
      for (const compile of all) compile();
      return all.length;
    },
  };
}
