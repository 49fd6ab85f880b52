import { Type } from '@sinclair/typebox';
import { AppError, isAppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { ConvertKind, ConvertOptions } from '../app/convert.js';
import type { Profile, ProfileValidation } from '../domain/profile.js';
import type { Statement } from '../domain/statement.js';

const tags = ['xapi'];
const ConvertQuery = Type.Object(
  {
    from: Type.Union([Type.Literal('scorm12'), Type.Literal('scorm2004'), Type.Literal('caliper'), Type.Literal('csv')], { description: 'What the body holds' }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('ndjson')], { description: 'json (an array, default) or ndjson (one statement per line)' })),
    homePage: Type.Optional(Type.String({ format: 'uri', description: 'Home page of learner accounts built from LMS or platform ids' })),
    flavour: Type.Optional(Type.Union([Type.Literal('scorm'), Type.Literal('cmi5')], { description: 'SCORM input: xAPI SCORM Profile statements (default) or cmi5 defined statements' })),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 35, description: 'Language tag of names given as plain strings (default en-US)' })),
    platform: Type.Optional(Type.String({ maxLength: 200 })),
    pseudonymise: Type.Optional(Type.Boolean({ description: "Replace every person by a keyed-hash account on this participant's home page" })),
    category: Type.Optional(Type.Array(Type.String({ format: 'uri' }), { maxItems: 20, description: 'Activity ids added to every statement\'s category context activities (repeat the parameter)' })),
    mapping: Type.Optional(Type.String({ description: 'CSV mapping document (JSON text) when the body is text/csv' })),
  },
  { additionalProperties: false },
);
const ConvertBody = Type.Unknown({
  description:
    'SCORM: NDJSON or a JSON array of attempt records {course, sco, attempt?, learner?, startedAt?, endedAt?, cmi}; Caliper: NDJSON, an array of events or envelopes, or one envelope; CSV: text/csv (mapping in the query) or JSON {mapping, data}',
});
const StatementSchema = Type.Object({}, { additionalProperties: true });

export interface XapiRoutesPort {
  convert(kind: ConvertKind, input: string, opts: ConvertOptions): AsyncIterable<Statement>;
  profile(doc: unknown): Profile;
  validate(statement: unknown, profile: Profile): ProfileValidation;
}

const ValidateBody = Type.Object(
  {
    profile: Type.Object({}, { additionalProperties: true, description: 'An xAPI Profile document (JSON-LD, xAPI Profiles 1.0)' }),
    statements: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
const Violation = Type.Object({ template: Type.String(), rule: Type.Optional(Type.Integer()), location: Type.Optional(Type.String()), message: Type.String() });
const ValidateAnswer = Type.Object({
  valid: Type.Boolean(),
  results: Type.Array(Type.Object({ outcome: Type.Union([Type.Literal('success'), Type.Literal('invalid'), Type.Literal('unmatched')]), templates: Type.Array(Type.String()), violations: Type.Array(Violation) })),
});

/**
 * POST /api/v1/xapi/convert: the whole answer is built before anything is sent, so a bad record gives a 400
 * problem+json naming it (never half a conversion); the body limit bounds what is held.
 */
export function xapiRoutes(tools: XapiRoutesPort) {
  return async (app: App) => {
    // Encapsulated in this plugin: CSV and NDJSON bodies arrive as text for the converters to stream through.
    app.addContentTypeParser(['text/csv', 'text/plain', 'application/x-ndjson', 'application/ndjson'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post(
      '/api/v1/xapi/convert',
      {
        config: { auth: { management: 'write' } },
        schema: {
          tags,
          summary: 'Convert SCORM 1.2 / 2004 run-time data, IMS Caliper events or a CSV activity log (with a mapping) into xAPI statements',
          querystring: ConvertQuery,
          body: ConvertBody,
          response: { 200: { content: { 'application/json': { schema: Type.Array(StatementSchema) }, 'application/x-ndjson': { schema: Type.String() } } } },
        },
      },
      async (req, reply) => {
        const q = req.query;
        let input: string;
        let mapping: unknown;
        let inputPath = '/body';
        if (q.from === 'csv') {
          const b = req.body;
          if (typeof b === 'string') {
            input = b;
            if (q.mapping === undefined) throw new AppError('DS_XAPI_INVALID_MAPPING', 'a text/csv body needs the mapping query parameter', [{ path: '/querystring/mapping', message: 'is required with a text/csv body' }]);
            try {
              mapping = JSON.parse(q.mapping);
            } catch {
              throw new AppError('DS_XAPI_INVALID_MAPPING', 'the mapping query parameter is not JSON', [{ path: '/querystring/mapping', message: 'must be a JSON document' }]);
            }
          } else if (typeof b === 'object' && b !== null && !Array.isArray(b) && typeof (b as { data?: unknown }).data === 'string') {
            input = (b as { data: string }).data;
            mapping = (b as { mapping?: unknown }).mapping;
            inputPath = '/body/data';
          } else throw new AppError('DS_HTTP_VALIDATION', 'a CSV conversion takes text/csv or a JSON object {mapping, data}', [{ path: '/body', message: 'must be text/csv or {"mapping": {...}, "data": "<csv text>"}' }]);
        } else input = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? '', null, 1); // one document, never read as NDJSON
        const opts: ConvertOptions = {
          inputPath,
          ...(q.homePage ? { homePage: q.homePage } : {}),
          ...(q.flavour ? { flavour: q.flavour } : {}),
          ...(q.language ? { language: q.language } : {}),
          ...(q.platform ? { platform: q.platform } : {}),
          ...(q.pseudonymise ? { pseudonymise: true } : {}),
          ...(q.category?.length ? { categories: q.category } : {}),
          ...(mapping !== undefined ? { mapping } : {}),
        };
        const out: Statement[] = [];
        try {
          for await (const s of tools.convert(q.from, input, opts)) out.push(s);
        } catch (e) {
          // Mapping errors point into the mapping, wherever the request carried it.
          if (isAppError(e) && e.code === 'DS_XAPI_INVALID_MAPPING' && e.errors) {
            const at = inputPath === '/body/data' ? '/body' : '/querystring';
            throw new AppError(e.code, e.message, e.errors.map((x) => ({ ...x, path: `${at}${x.path}` })));
          }
          throw e;
        }
        const ndjson = q.format === 'ndjson' || (q.format === undefined && /application\/(x-)?ndjson/.test(req.headers.accept ?? ''));
        if (ndjson) return reply.type('application/x-ndjson').send(out.map((s) => JSON.stringify(s)).join('\n') + (out.length ? '\n' : ''));
        return reply.type('application/json').send(out);
      },
    );

    app.post(
      '/api/v1/xapi/validate',
      {
        config: { auth: { management: 'read' } },
        schema: { tags, summary: "Check statements against an xAPI Profile's statement templates (every violation names its template and rule)", body: ValidateBody, response: { 200: ValidateAnswer } },
      },
      async (req) => {
        let profile: Profile;
        try {
          profile = tools.profile(req.body.profile);
        } catch (e) {
          if (isAppError(e) && e.errors) throw new AppError(e.code, e.message, e.errors.map((x) => ({ ...x, path: `/body/profile${x.path}` })));
          throw e;
        }
        const results = req.body.statements.map((st) => tools.validate(st, profile));
        // "unmatched" is not a failure: a statement may lie outside the profile (xAPI Profiles §2.1 outcome table).
        return { valid: results.every((r) => r.outcome !== 'invalid'), results };
      },
    );
  };
}
