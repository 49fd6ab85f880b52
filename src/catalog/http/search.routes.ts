import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { CatalogService } from '../app/catalog.service.js';
import { ExportQuery, SearchPage, SearchQuery } from './catalog.schemas.js';
import { view } from './http-util.js';

const read = { auth: { management: 'read' as const } };
const tags = ['catalog'];

/** Search across datasets and services, and the DCAT-AP 3 export of the whole local catalog. */
export function searchRoutes(service: CatalogService) {
  return async (app: App) => {
    app.get('/api/v1/catalog/search', { config: read, schema: { tags, summary: 'Full-text (en, fr) and faceted search', querystring: SearchQuery, response: { 200: SearchPage } } }, async (req) => {
      const { kind, ...rest } = req.query;
      const kinds = kind === undefined ? undefined : kind === 'service' ? (['software-service', 'infrastructure-service'] as const) : ([kind] as const);
      const page = await service.search({ ...rest, ...(kinds ? { kinds: [...kinds] } : {}) });
      return { ...page, items: page.items.map(view), limit: req.query.limit, offset: req.query.offset };
    });
    app.get(
      '/api/v1/catalog/export',
      { config: read, schema: { tags, summary: 'DCAT-AP 3 export (JSON-LD or Turtle)', querystring: ExportQuery, response: { 200: Type.Unknown() } } },
      async (req, reply) => {
        if (req.query.format === 'turtle') return reply.type('text/turtle; charset=utf-8').send(await service.exportTurtle());
        return reply.type('application/ld+json').send(JSON.stringify(await service.exportJsonLd()));
      },
    );
  };
}
