import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { StoredStatement } from '../app/ports.js';
import type { StatementsService } from '../app/statements.service.js';
import { decodeMore } from '../app/query-statements.js';
import { buildMultipart, type Part } from '../domain/multipart.js';
import { parseStatementGet } from '../domain/statement-query.js';
import { isUuid } from '../domain/xapi-primitives.js';
import { acceptLanguages, formatStatement } from '../domain/statement.format.js';
import { parseStatementJson, readStatementsBody } from './statements.body.js';
import { xapiVersion } from './xapi-version.js';

const tags = ['xAPI Statements'];
const Params = Type.Object({}, { additionalProperties: Type.String() });
const PutQuery = Type.Object({ statementId: Type.Optional(Type.String({ description: 'UUID of the statement' })) }, { additionalProperties: Type.String() });
const GetQuery = Type.Object({
  statementId: Type.Optional(Type.String()), voidedStatementId: Type.Optional(Type.String()), agent: Type.Optional(Type.String({ description: 'Agent or identified Group as JSON' })),
  verb: Type.Optional(Type.String()), activity: Type.Optional(Type.String()), registration: Type.Optional(Type.String()), related_activities: Type.Optional(Type.String()),
  related_agents: Type.Optional(Type.String()), since: Type.Optional(Type.String()), until: Type.Optional(Type.String()), limit: Type.Optional(Type.String()),
  format: Type.Optional(Type.String({ description: 'ids | exact | canonical' })), attachments: Type.Optional(Type.String()), ascending: Type.Optional(Type.String()),
  more: Type.Optional(Type.String({ description: 'continuation token from a StatementResult' })),
}, { additionalProperties: Type.String() });
const AnyBody = Type.Unknown({ description: 'a Statement, an array of Statements, or multipart/mixed with attachments' });
const AnyJson = Type.Unknown({ description: 'a Statement or a StatementResult (or multipart/mixed with attachments)' });

export const STATEMENTS_PATH = '/xapi/statements';

/** The xAPI Statements resource (xAPI 1.0.3 Communication §2.1; IEEE 9274.1.1 §10.2). */
export function statementsRoutes(deps: { service: StatementsService; home: string }) {
  const { service } = deps;
  return async (app: App) => {
    // Statement JSON is parsed here (repeated properties refused, XAPI-00021); multipart bodies arrive raw.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : parseStatementJson(body as string, '/body'));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    app.addContentTypeParser('multipart/mixed', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    const write = async (req: FastifyRequest, reply: FastifyReply, putId: string | undefined) => {
      const version = xapiVersion(req, reply);
      if (req.principal.kind !== 'lrs-client') throw new AppError('DS_AUTH_MISSING_CREDENTIALS');
      const body = readStatementsBody(req);
      if (putId !== undefined && body.batch) throw new AppError('DS_LRS_INVALID_STATEMENT', 'PUT takes a single statement', [{ path: '/body', message: 'must be one Statement object' }]);
      const authority = { objectType: 'Agent', name: req.principal.name, account: { homePage: deps.home, name: req.principal.clientId } };
      return service.store({ statements: body.statements, pathOf: (i) => (body.batch ? `/body/${i}` : '/body'), version, authority, putId, parts: body.parts });
    };

    app.put(STATEMENTS_PATH, { config: { auth: { lrs: 'statements/write' } }, schema: { tags, summary: 'Stores one statement with the given statementId', querystring: PutQuery, body: AnyBody, response: { 204: Type.Null() } } }, async (req, reply) => {
      const q = req.query as Record<string, string>;
      const errors = Object.keys(q).filter((k) => k !== 'statementId').map((k) => ({ path: `/query/${k}`, message: 'is not a parameter of PUT statements' }));
      // XAPI-00145: PUT without statementId is refused.
      if (q.statementId === undefined) errors.push({ path: '/query/statementId', message: 'is required' });
      else if (!isUuid(q.statementId)) errors.push({ path: '/query/statementId', message: 'must be a UUID' });
      if (errors.length) {
        xapiVersion(req, reply);
        throw new AppError('DS_LRS_INVALID_QUERY', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
      }
      await write(req, reply, q.statementId?.toLowerCase());
      return reply.code(204).send(null);
    });

    app.post(STATEMENTS_PATH, { config: { auth: { lrs: 'statements/write' } }, schema: { tags, summary: 'Stores one statement or a batch (all or nothing); answers their ids', querystring: Params, body: AnyBody, response: { 200: Type.Array(Type.String()) } } }, async (req, reply) => {
      const extra = Object.keys(req.query as object);
      if (extra.length) {
        xapiVersion(req, reply);
        // A POST with ?method= is the 1.0.3 alternate request syntax, answered by alternate-syntax.routes.ts.
        throw new AppError('DS_LRS_INVALID_QUERY', 'POST statements takes no parameters', extra.map((k) => ({ path: `/query/${k}`, message: 'is not a parameter of POST statements' })));
      }
      return write(req, reply, undefined);
    });

    app.get(STATEMENTS_PATH, { config: { auth: { lrs: 'statements/read' } }, schema: { tags, summary: 'One statement by id, or a filtered page of statements (HEAD: headers only)', querystring: GetQuery, response: { 200: AnyJson } } }, async (req, reply) => {
      // XAPI-00153: the header is present whatever the answer.
      reply.header('X-Experience-API-Consistent-Through', service.consistentThrough().toISOString());
      const version = xapiVersion(req, reply);
      const parsed = parseStatementGet(req.query as Record<string, string>, version);
      if ('errors' in parsed) throw new AppError('DS_LRS_INVALID_QUERY', parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '), parsed.errors);
      const languages = acceptLanguages(req.headers['accept-language']);
      const p = parsed.ok;
      if (p.kind === 'single') {
        const s = await service.single(p.id, p.voided);
        reply.header('Last-Modified', s.stored.toUTCString());
        const definitions = p.format === 'canonical' ? await service.definitionsFor([s]) : undefined;
        return send(reply, formatStatement(s.statement, p.format, languages, definitions), [s], p.attachments);
      }
      const { query, after } = p.kind === 'more' ? decodeMore(p.cursor) : { query: p.query, after: undefined };
      const page = await service.page(query, after);
      const newest = page.statements.reduce<Date | undefined>((m, s) => (!m || s.stored > m ? s.stored : m), undefined);
      if (newest) reply.header('Last-Modified', newest.toUTCString());
      const definitions = query.format === 'canonical' ? await service.definitionsFor(page.statements) : undefined;
      const result = { statements: page.statements.map((s) => formatStatement(s.statement, query.format, languages, definitions)), more: page.more ? `${STATEMENTS_PATH}?more=${page.more}` : '' };
      return send(reply, result, page.statements, query.attachments);
    });

    /** JSON, or with attachments=true multipart/mixed: the JSON first, then each attachment's bytes once (XAPI-00167). */
    async function send(reply: FastifyReply, body: unknown, statements: StoredStatement[], attachments: boolean) {
      if (!attachments) return reply.type('application/json').send(body);
      const hashes = [...new Set(statements.flatMap((s) => s.attachmentHashes))];
      const files = await service.attachments(hashes);
      const boundary = `dases-${randomBytes(12).toString('hex')}`;
      const parts: Part[] = [
        { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) },
        ...files.map((f) => ({ headers: { 'Content-Type': f.contentType, 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': f.sha2 }, body: f.content })),
      ];
      return reply.type(`multipart/mixed; boundary=${boundary}`).send(buildMultipart(boundary, parts));
    }
  };
}
