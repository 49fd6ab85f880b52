import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock, type IdGenerator, type Logger, type LrsScope, type Result } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import { SqlDocumentStore } from '../adapters/sql-document.store.js';
import { activityObject, personOf } from '../domain/document-activity.js';
import { parseDocumentParams, type DocumentParams, type ParamSpec, type Query } from '../domain/document-params.js';
import { decideDelete, decideWrite, etagOf, type DocumentKey, type DocumentKind, type StoredDocument } from '../domain/document.js';
import type { DocumentStore } from '../domain/document.store.js';
import { parseXapiVersion, XAPI_VERSION_HEADER, xapiVersion } from './xapi-version.js';

export { readActivityDefinitions, recordActivityDefinitions } from '../adapters/sql-document.store.js';
export type { ActivityDefinition, ActivityInput } from '../domain/document-activity.js';

export interface DocumentRoutesDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

interface DocResource {
  url: string;
  kind: DocumentKind;
  scope: LrsScope;
  tag: string;
  /** Which of activityId / agent / registration address a document of this kind. */
  address: Pick<ParamSpec, 'activityId' | 'agent' | 'registration'>;
  idName: 'stateId' | 'profileId';
  /** The bulk DELETE (no id) exists for State only (Communication §2.3.s5). */
  bulkDelete: boolean;
}

const RESOURCES: DocResource[] = [
  { url: '/xapi/activities/state', kind: 'state', scope: 'state', tag: 'xAPI State', address: { activityId: 'required', agent: 'required', registration: 'optional' }, idName: 'stateId', bulkDelete: true },
  { url: '/xapi/activities/profile', kind: 'activity_profile', scope: 'profile', tag: 'xAPI Activity Profile', address: { activityId: 'required' }, idName: 'profileId', bulkDelete: false },
  { url: '/xapi/agents/profile', kind: 'agent_profile', scope: 'profile', tag: 'xAPI Agent Profile', address: { agent: 'required' }, idName: 'profileId', bulkDelete: false },
];

const text = (description: string) => Type.Optional(Type.String({ description }));
const QUERY_DOCS: Record<string, TSchema> = {
  activityId: text('Activity id (IRI)'),
  agent: text('Agent object, JSON'),
  registration: text('Registration UUID'),
  stateId: text('State document id'),
  profileId: text('Profile document id'),
  since: text('ISO 8601 timestamp: only ids of documents stored after it (exclusive)'),
};
const VERSION_HEADER = Type.Object({ 'x-experience-api-version': Type.Optional(Type.String({ description: '1.0.x or 2.0.x' })) });
const NO_CONTENT = { 204: Type.Null({ description: 'Done' }) };

function querySchema(names: string[]): TSchema {
  return Type.Object(Object.fromEntries(names.map((n) => [n, QUERY_DOCS[n]!])));
}

const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw r.error;
  return r.value;
};

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

const httpDate = (d: Date) => d.toUTCString();

function sendDocument(reply: FastifyReply, doc: StoredDocument): FastifyReply {
  return reply.code(200).header('content-type', doc.contentType).header('etag', `"${doc.etag}"`).header('last-modified', httpDate(doc.updated)).send(Buffer.from(doc.content));
}

/** A JSON answer whose ETag is the SHA-1 of the bytes sent, as for documents (Communication §3.1.s4.b1–b2). */
function sendJson(reply: FastifyReply, value: unknown, lastModified?: Date): FastifyReply {
  const body = JSON.stringify(value);
  reply.code(200).header('content-type', 'application/json; charset=utf-8').header('etag', `"${etagOf(Buffer.from(body))}"`);
  if (lastModified) reply.header('last-modified', httpDate(lastModified));
  return reply.send(body);
}

function keyOf(r: DocResource, p: DocumentParams): DocumentKey {
  return { kind: r.kind, activityId: p.activityId ?? '', agentKey: p.agentKey ?? '', registration: p.registration ?? '', docId: p.docId ?? '' };
}

function registerDocResource(app: App, r: DocResource, store: DocumentStore, clock: Clock): void {
  const single: ParamSpec = { ...r.address, id: { name: r.idName, presence: 'required' } };
  const addressNames = Object.keys(r.address);
  const common = { tags: [r.tag], headers: VERSION_HEADER };
  const config = { auth: { lrs: r.scope } };

  app.get(r.url, { config, schema: { ...common, summary: `One ${r.tag} document (with ${r.idName}) or the ids stored`, querystring: querySchema([...addressNames, r.idName, 'since']), response: { 200: Type.Unknown({ description: 'The document, or a JSON array of ids' }) } } }, async (req, reply) => {
    xapiVersion(req, reply);
    const p = unwrap(parseDocumentParams(req.query as Query, { ...r.address, id: { name: r.idName, presence: 'optional' }, since: 'optional' }));
    if (p.docId !== undefined) {
      const doc = await store.get(keyOf(r, p));
      if (!doc) throw new AppError('DS_LRS_DOCUMENT_NOT_FOUND', `no ${r.idName} "${p.docId}" is stored here`, [{ path: `/query/${r.idName}`, message: 'not found' }]);
      return sendDocument(reply, doc);
    }
    const { ids, lastModified } = await store.list({ kind: r.kind, activityId: p.activityId ?? '', agentKey: p.agentKey ?? '', registration: p.registration, since: p.since });
    return sendJson(reply, ids, lastModified);
  });

  for (const method of ['PUT', 'POST'] as const) {
    const summary = method === 'PUT' ? `Stores a ${r.tag} document (replaces it)` : `Stores a ${r.tag} document, or merges a JSON object into the stored one`;
    app.route({ method, url: r.url, config, schema: { ...common, summary, querystring: querySchema([...addressNames, r.idName]), response: NO_CONTENT } as object, handler: async (req, reply) => {
      const version = xapiVersion(req, reply);
      const p = unwrap(parseDocumentParams(req.query as Query, single));
      const body = req.body instanceof Uint8Array ? req.body : new Uint8Array();
      const incoming = { contentType: header(req, 'content-type') ?? 'application/octet-stream', content: body };
      const pre = { ifMatch: header(req, 'if-match'), ifNoneMatch: header(req, 'if-none-match') };
      const rules = { requirePreconditionOnPut: r.kind !== 'state' || version === '2.0.0' };
      let written: StoredDocument | undefined;
      await store.change(keyOf(r, p), (existing) => (written = unwrap(decideWrite(method, existing, incoming, pre, rules, clock.now()))));
      return reply.code(204).header('etag', `"${written!.etag}"`).send();
    } });
  }

  app.delete(r.url, { config, schema: { ...common, summary: r.bulkDelete ? `Deletes a ${r.tag} document, or all of them in the context` : `Deletes a ${r.tag} document`, querystring: querySchema([...addressNames, r.idName, ...(r.bulkDelete ? ['since'] : [])]), response: NO_CONTENT } }, async (req, reply) => {
    xapiVersion(req, reply);
    const spec: ParamSpec = r.bulkDelete ? { ...r.address, id: { name: r.idName, presence: 'optional' }, since: 'optional' } : single;
    const p = unwrap(parseDocumentParams(req.query as Query, spec));
    if (p.docId === undefined) {
      await store.deleteAll({ kind: r.kind, activityId: p.activityId ?? '', agentKey: p.agentKey ?? '', registration: p.registration, since: p.since });
    } else {
      const pre = { ifMatch: header(req, 'if-match'), ifNoneMatch: header(req, 'if-none-match') };
      await store.change(keyOf(r, p), (existing) => {
        unwrap(decideDelete(existing, pre));
        return existing ? null : 'keep';
      });
    }
    return reply.code(204).send(null);
  });
}

/** Reading what the LRS knows of an activity or agent is open to profile clients and to statement readers. */
const READERS: readonly LrsScope[] = ['profile', 'statements/read'];

function registerLookups(app: App, store: DocumentStore): void {
  app.get('/xapi/activities', { config: { auth: { lrs: READERS } }, schema: { tags: ['xAPI Activities'], summary: 'The canonical definition of an activity', headers: VERSION_HEADER, querystring: querySchema(['activityId']), response: { 200: Type.Unknown({ description: 'Activity object' }) } } }, async (req, reply) => {
    xapiVersion(req, reply);
    const p = unwrap(parseDocumentParams(req.query as Query, { activityId: 'required' }));
    const id = p.activityId!;
    return sendJson(reply, activityObject(id, await store.activityDefinition(id)));
  });
  app.get('/xapi/agents', { config: { auth: { lrs: READERS } }, schema: { tags: ['xAPI Agents'], summary: 'The Person object of an agent', headers: VERSION_HEADER, querystring: querySchema(['agent']), response: { 200: Type.Unknown({ description: 'Person object' }) } } }, async (req, reply) => {
    xapiVersion(req, reply);
    const p = unwrap(parseDocumentParams(req.query as Query, { agent: 'required' }));
    return sendJson(reply, personOf(p.agent!));
  });
}

/**
 * The xAPI document resources (State, Activity Profile, Agent Profile) and the Activities and Agents resources,
 * at their absolute /xapi/... paths. Documents are bytes of any media type, so the plugin reads every body raw,
 * in a scope of its own (the rest of the app keeps its JSON parsers).
 */
export function documentRoutes(deps: DocumentRoutesDeps): (app: App) => Promise<void> {
  const store = new SqlDocumentStore(deps.db);
  return async (app: App) => {
    await app.register(async (scoped: App) => {
      scoped.removeAllContentTypeParsers();
      scoped.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
      // Every LRS response carries the version (Communication §3.3.s3.b1), even a refusal before the handler ran.
      scoped.addHook('onSend', async (req, reply) => {
        if (!reply.hasHeader(XAPI_VERSION_HEADER)) reply.header(XAPI_VERSION_HEADER, parseXapiVersion(header(req, 'x-experience-api-version')) ?? '2.0.0');
      });
      for (const r of RESOURCES) registerDocResource(scoped, r, store, deps.clock);
      registerLookups(scoped, store);
    });
  };
}
