import type { App } from '../../node/http-app.js';
import type { CatalogService } from '../app/catalog.service.js';
import { IdParams, IfMatch, OfferingBody, OfferingPage, OfferingView, PageQuery, patchOf } from './catalog.schemas.js';
import { parseIfMatch, view, withEtag } from './http-util.js';

const read = { auth: { management: 'read' as const } };
const write = { auth: { management: 'write' as const } };
const tags = ['catalog'];

/** Offerings: datasets and services bundled under an ODRL offer policy. */
export function offeringRoutes(service: CatalogService) {
  return async (app: App) => {
    const base = '/api/v1/offerings';
    app.post(base, { config: write, schema: { tags, summary: 'Create an offering', body: OfferingBody, response: { 201: OfferingView } } }, async (req, reply) =>
      reply.code(201).send(withEtag(reply, await service.createOffering(req.body))),
    );
    app.get(base, { config: read, schema: { tags, summary: 'List offerings', querystring: PageQuery, response: { 200: OfferingPage } } }, async (req) => {
      const page = await service.listOfferings(req.query.limit, req.query.offset);
      return { total: page.total, items: page.items.map(view), limit: req.query.limit, offset: req.query.offset };
    });
    app.get(`${base}/:id`, { config: read, schema: { tags, summary: 'Get an offering', params: IdParams, response: { 200: OfferingView } } }, async (req, reply) =>
      withEtag(reply, await service.getOffering(req.params.id)),
    );
    app.put(`${base}/:id`, { config: write, schema: { tags, summary: 'Replace an offering', params: IdParams, headers: IfMatch, body: OfferingBody, response: { 200: OfferingView } } }, async (req, reply) =>
      withEtag(reply, await service.updateOffering(req.params.id, req.body, 'replace', parseIfMatch(req.headers['if-match']))),
    );
    app.patch(`${base}/:id`, { config: write, schema: { tags, summary: 'JSON merge patch of an offering', params: IdParams, headers: IfMatch, body: patchOf(OfferingBody), response: { 200: OfferingView } } }, async (req, reply) =>
      withEtag(reply, await service.updateOffering(req.params.id, req.body, 'merge', parseIfMatch(req.headers['if-match']))),
    );
    app.delete(`${base}/:id`, { config: write, schema: { tags, summary: 'Delete an offering', params: IdParams } }, async (req, reply) => {
      await service.deleteOffering(req.params.id);
      return reply.code(204).send();
    });
  };
}
