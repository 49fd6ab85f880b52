import { Type } from '@sinclair/typebox';
import { AppError, type Logger } from '../../kernel/index.js';
import type { App } from '../../node/http-app.js';
import type { CatalogReader } from '../app/ports.js';
import { parseCatalogFilter } from '../domain/catalog.filter.js';
import { isOffered, toDspCatalog, toRootDataset, type NodeRef } from '../domain/catalog.mapper.js';
import { CatalogRequestMessage } from '../domain/catalog.messages.js';
import { dataServiceIdOf, datasetUuidOf, DSP_AUTH, DSP_BASE_PATH, DSP_VERSION } from '../domain/dsp.vocabulary.js';

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;

// Response schemas stay open: the bodies are JSON-LD and the serializer must not drop terms it does not know.
const JsonLdObject = Type.Object({}, { additionalProperties: true, description: 'JSON-LD object in the compacted form of the DSP 2025-1 context' });
const VersionResponse = Type.Object({
  protocolVersions: Type.Array(
    Type.Object({
      version: Type.String(),
      path: Type.String(),
      binding: Type.Literal('HTTPS'),
      identifierType: Type.String(),
      serviceId: Type.String(),
      auth: Type.Object({ protocol: Type.String(), version: Type.String(), profile: Type.Array(Type.String()) }),
    }),
  ),
});
const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'Opaque continuation from a next Link (offset is then ignored)' })),
});

export interface ProviderDeps {
  catalog: CatalogReader;
  node: NodeRef;
  logger: Logger;
}

/**
 * Link header values (RFC 8288); a page is fetched by re-POSTing the same body to the link. `next` carries an
 * opaque cursor (keyset: the next page starts right after this one, however deep, and does not shift when
 * entries are added meanwhile). `previous` exists for offset pages only: a cursor does not go backwards.
 */
export function pageLinks(publicUrl: string, page: { offset?: number | undefined; limit: number; nextCursor?: string | undefined }): string[] {
  const url = (query: string) => `<${publicUrl}${DSP_BASE_PATH}/catalog/request?${query}&limit=${page.limit}>`;
  const links: string[] = [];
  const offset = page.offset ?? 0;
  if (offset > 0) links.push(`${url(`offset=${Math.max(0, offset - page.limit)}`)}; rel="previous"`);
  if (page.nextCursor !== undefined) links.push(`${url(`cursor=${page.nextCursor}`)}; rel="next"`);
  return links;
}

/** The provider side of the DSP 2025-1 catalog protocol (HTTPS binding) and the version discovery document. */
export function dspCatalogRoutes(deps: ProviderDeps) {
  const { catalog, node } = deps;
  return async (app: App) => {
    app.get(
      '/.well-known/dspace-version',
      { config: { auth: 'public' }, schema: { tags: ['dsp'], summary: 'Dataspace Protocol versions and endpoints of this node', response: { 200: VersionResponse } } },
      async () => ({
        protocolVersions: [
          // serviceId is the @id of the DataService our catalogs advertise, so both documents name the same service.
          { version: DSP_VERSION, path: DSP_BASE_PATH, binding: 'HTTPS' as const, identifierType: 'did:web', serviceId: dataServiceIdOf(node.did), auth: DSP_AUTH },
        ],
      }),
    );

    app.post(
      `${DSP_BASE_PATH}/catalog/request`,
      {
        config: { auth: 'dsp', dspErrorType: 'CatalogError' },
        schema: {
          tags: ['dsp'],
          summary: 'DSP CatalogRequestMessage: answers this node\'s catalog, paginated with Link headers',
          body: CatalogRequestMessage,
          querystring: PageQuery,
          response: { 200: JsonLdObject },
        },
      },
      async (request, reply) => {
        const parsed = parseCatalogFilter(request.body.filter);
        if (!parsed.ok) throw new AppError('DS_DSP_INVALID_MESSAGE', parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '), parsed.errors);
        const { limit, offset, cursor } = request.query;
        const f = parsed.filter;
        const page = await catalog.listOfferedDatasets({
          limit,
          ...(cursor !== undefined ? { cursor } : { offset }),
          ...(f.text ? { text: f.text } : {}),
          ...(f.keywords.length ? { keywords: f.keywords } : {}),
          ...(f.themes.length ? { themes: f.themes } : {}),
        });
        const links = pageLinks(node.publicUrl, { limit, nextCursor: page.nextCursor, ...(cursor === undefined ? { offset } : {}) });
        if (links.length) reply.header('link', links);
        return reply.type('application/json').send(toDspCatalog(page.items, node));
      },
    );

    app.get(
      `${DSP_BASE_PATH}/catalog/datasets/:id`,
      {
        config: { auth: 'dsp', dspErrorType: 'CatalogError' },
        schema: {
          tags: ['dsp'],
          summary: 'DSP DatasetRequestMessage: one offered dataset (id: urn:uuid:… or bare uuid)',
          params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
          response: { 200: JsonLdObject },
        },
      },
      async (request, reply) => {
        const uuid = datasetUuidOf(request.params.id);
        const found = uuid ? await catalog.getOfferedDataset(uuid) : undefined;
        // Entries that exist but are not offered are indistinguishable from unknown ones to a counterparty.
        if (!found || !isOffered(found)) throw new AppError('DS_DSP_NOT_FOUND', `no offered dataset ${request.params.id}`, [{ path: '/params/id', message: 'no such offered dataset' }]);
        return reply.type('application/json').send(toRootDataset(found, node));
      },
    );
  };
}
