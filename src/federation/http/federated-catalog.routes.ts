import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { ParticipantDirectory } from '../../dsp/index.js';
import type { SqlFederatedStore } from '../adapters/sql-federated.store.js';
import type { CrawlOutcome } from '../app/crawler.js';

const Participant = Type.Object({ did: Type.String(), name: Type.String() });
const Outcome = Type.Object({
  participant: Participant,
  sourceAddress: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
  datasetCount: Type.Integer(),
  pages: Type.Integer(),
  error: Type.Optional(Type.String()),
});
const Hit = Type.Object({
  participant: Participant,
  datasetId: Type.String(),
  title: Type.String(),
  dataset: Type.Object({}, { additionalProperties: true, description: 'the DSP Dataset as received' }),
  sourceAddress: Type.String(),
  fetchedAt: Type.String({ format: 'date-time' }),
});
const Source = Type.Object({
  participant: Participant,
  sourceAddress: Type.String(),
  lastCrawlAt: Type.String({ format: 'date-time' }),
  lastStatus: Type.Union([Type.Literal('ok'), Type.Literal('failed')]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  datasetCount: Type.Integer(),
});

export function federatedCatalogRoutes(deps: { store: SqlFederatedStore; participants: ParticipantDirectory; crawl: () => Promise<CrawlOutcome[]> }) {
  // Only active participants' entries are shown: suspending a participant hides its datasets at once.
  const active = async () => new Map((await deps.participants.listActive()).map((p) => [p.did, p.name]));
  return async (app: App) => {
    app.post(
      '/api/v1/federated-catalog/crawl',
      { config: { auth: { management: 'write' } }, schema: { tags: ['federation'], summary: 'Crawls the catalogs of all active participants now', response: { 200: Type.Object({ participants: Type.Array(Outcome) }) } } },
      async () => ({ participants: await deps.crawl() }),
    );

    app.get(
      '/api/v1/federated-catalog',
      {
        config: { auth: { management: 'read' } },
        schema: {
          tags: ['federation'],
          summary: 'Searches datasets crawled from participants (English and French full text)',
          querystring: Type.Object({
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
            participant: Type.Optional(Type.String({ maxLength: 500 })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
          }),
          response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Hit) }) },
        },
      },
      async (request) => {
        const { q, participant, limit, offset } = request.query;
        const names = await active();
        const dids = participant ? (names.has(participant) ? [participant] : []) : [...names.keys()];
        const page = await deps.store.search({ q, participantDids: dids, limit, offset });
        return {
          total: page.total,
          items: page.items.map((h) => ({
            participant: { did: h.participantDid, name: names.get(h.participantDid) ?? h.participantDid },
            datasetId: h.datasetId,
            title: h.title,
            dataset: h.dataset as Record<string, unknown>,
            sourceAddress: h.sourceAddress,
            fetchedAt: h.fetchedAt.toISOString(),
          })),
        };
      },
    );

    app.get(
      '/api/v1/federated-catalog/sources',
      { config: { auth: { management: 'read' } }, schema: { tags: ['federation'], summary: 'Last crawl outcome per participant', response: { 200: Type.Object({ items: Type.Array(Source) }) } } },
      async () => {
        const names = await active();
        const rows = await deps.store.sources();
        return {
          items: rows.map((r) => ({
            participant: { did: r.participant_did, name: names.get(r.participant_did) ?? r.participant_did },
            sourceAddress: r.source_address,
            lastCrawlAt: r.last_crawl_at.toISOString(),
            lastStatus: r.last_status,
            lastError: r.last_error,
            datasetCount: r.dataset_count,
          })),
        };
      },
    );
  };
}
