import { Type } from '@sinclair/typebox';
import type { App } from '../../node/http-app.js';
import type { DspCatalogClient } from '../adapters/dsp-catalog.client.js';

const Target = {
  counterPartyAddress: Type.String({ maxLength: 2000, description: 'DSP base URL of the counterparty, e.g. https://provider.example/dsp' }),
  counterPartyId: Type.String({ maxLength: 500, description: 'did:web of the counterparty' }),
};
const JsonLd = Type.Object({}, { additionalProperties: true, description: 'the DSP message as received' });
/** Upper bound when following next links, so a counterparty with endless pages cannot keep us busy forever. */
const MAX_PAGES = 100;

/** Management routes to browse a counterparty's DSP catalog through this node (the node signs the requests). */
export function catalogClientRoutes(client: DspCatalogClient) {
  return async (app: App) => {
    app.post(
      '/api/v1/catalog/request',
      {
        config: { auth: { management: 'read' } },
        schema: {
          tags: ['dsp'],
          summary: 'Requests a counterparty\'s DSP catalog (first page, or every page merged with "all": true)',
          body: Type.Object(
            { ...Target, filter: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50 })), all: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: { 200: JsonLd },
        },
      },
      async (request) => {
        const { all, ...input } = request.body;
        const first = await client.requestCatalog(input);
        if (!all) return first.catalog;
        const datasets = [...(first.catalog.dataset ?? [])];
        let next = first.nextUrl;
        for (let pages = 1; next && pages < MAX_PAGES; pages++) {
          const page = await client.requestCatalog({ ...input, url: next });
          datasets.push(...(page.catalog.dataset ?? []));
          next = page.nextUrl;
        }
        const { dataset: _d, ...rest } = first.catalog;
        return { ...rest, ...(datasets.length ? { dataset: datasets } : {}) };
      },
    );

    app.post(
      '/api/v1/catalog/dataset',
      {
        config: { auth: { management: 'read' } },
        schema: {
          tags: ['dsp'],
          summary: 'Requests one dataset from a counterparty\'s DSP catalog',
          body: Type.Object({ ...Target, datasetId: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
          response: { 200: JsonLd },
        },
      },
      async (request) => client.requestDataset(request.body),
    );
  };
}
