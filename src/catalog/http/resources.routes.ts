import type { App } from '../../node/http-app.js';
import type { CatalogService, ResourceGroup } from '../app/catalog.service.js';
import { DatasetBody, IdParams, IfMatch, ListQuery, ResourceView, SearchPage, ServiceBody, patchOf } from './catalog.schemas.js';
import { parseIfMatch, view, withEtag } from './http-util.js';

const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };

/** CRUD for /api/v1/datasets and /api/v1/services (a service is a software or infrastructure service). */
export function resourceRoutes(service: CatalogService) {
  return async (app: App) => {
    for (const group of ['datasets', 'services'] as const satisfies readonly ResourceGroup[]) {
      const Body = group === 'datasets' ? DatasetBody : ServiceBody;
      const base = `/api/v1/${group}`;
      const tags = ['catalog'];
      const kinds = group === 'datasets' ? (['dataset'] as const) : (['software-service', 'infrastructure-service'] as const);

      app.post(base, { config: write, schema: { tags, summary: `Create one of the ${group}`, body: Body, response: { 201: ResourceView } } }, async (req, reply) =>
        reply.code(201).send(withEtag(reply, await service.createResource(group, req.body))),
      );
      app.get(base, { config: read, schema: { tags, summary: `List ${group}: paging, filtering and sorting as in /api/v1/catalog/search`, querystring: ListQuery, response: { 200: SearchPage } } }, async (req) => {
        const page = await service.search({ ...req.query, kinds: [...kinds] });
        return { ...page, items: page.items.map(view), limit: req.query.limit, offset: req.query.offset };
      });
      app.get(`${base}/:id`, { config: read, schema: { tags, summary: `Get one of the ${group}`, params: IdParams, response: { 200: ResourceView } } }, async (req, reply) =>
        withEtag(reply, await service.getResource(group, req.params.id)),
      );
      app.put(`${base}/:id`, { config: write, schema: { tags, summary: 'Replace (If-Match or version for optimistic concurrency)', params: IdParams, headers: IfMatch, body: Body, response: { 200: ResourceView } } }, async (req, reply) =>
        withEtag(reply, await service.replaceResource(group, req.params.id, req.body, parseIfMatch(req.headers['if-match']))),
      );
      app.patch(`${base}/:id`, { config: write, schema: { tags, summary: 'JSON merge patch (RFC 7396)', params: IdParams, headers: IfMatch, body: patchOf(Body), response: { 200: ResourceView } } }, async (req, reply) =>
        withEtag(reply, await service.patchResource(group, req.params.id, req.body, parseIfMatch(req.headers['if-match']))),
      );
      app.delete(`${base}/:id`, { config: write, schema: { tags, summary: 'Delete (refused while an offering bundles it)', params: IdParams } }, async (req, reply) => {
        await service.deleteResource(group, req.params.id);
        return reply.code(204).send();
      });
    }
  };
}
