import type { Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { createDspCatalogClient, type DspCatalogClient } from './adapters/dsp-catalog.client.js';
import type { CatalogReader, TokenSigner } from './app/ports.js';
import { catalogClientRoutes } from './http/catalog-client.routes.js';
import { dspCatalogRoutes } from './http/dsp-catalog.routes.js';

export type { CatalogReader, CatalogQuery, CatalogPage, OfferedDataset, TokenSigner, ParticipantDirectory, DirectoryParticipant } from './app/ports.js';
export type { DspCatalogClient, CatalogRequestInput, DatasetRequestInput } from './adapters/dsp-catalog.client.js';
export { createDspCatalogClient } from './adapters/dsp-catalog.client.js';
export { DSP_BASE_PATH, DSP_CONTEXT, DSP_VERSION, catalogIdOf, dataServiceIdOf } from './domain/dsp.vocabulary.js';
// The negotiation context compares requested offers with the catalog's offers exactly as the catalog presents them.
export { datasetIri, datasetUuidOf } from './domain/dsp.vocabulary.js';
export { toOffer } from './domain/catalog.mapper.js';
export {
  validateCatalogRequestMessage,
  validateDatasetRequestMessage,
  validateCatalog,
  validateDataset,
  validateCatalogError,
  type DspCatalog,
  type DspDataset,
  type MessageValidator,
} from './domain/catalog.messages.js';
export { parseCatalogFilter, type CatalogFilter } from './domain/catalog.filter.js';
export { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './http/dsp-catalog.routes.js';

export interface DspDeps {
  catalog: CatalogReader;
  tokens: TokenSigner;
  node: { did: string; publicUrl: string };
  logger: Logger;
  fetch?: typeof fetch;
}

export interface Dsp {
  /** Provider endpoints under DSP_BASE_PATH, /.well-known/dspace-version and the management catalog-browsing routes. */
  routes: (app: App) => Promise<void>;
  client: DspCatalogClient;
}

/** The Dataspace Protocol 2025-1 catalog protocol, provider and consumer sides. */
export function createDsp(deps: DspDeps): Dsp {
  const node = { did: deps.node.did, publicUrl: deps.node.publicUrl.replace(/\/+$/, '') };
  const client = createDspCatalogClient({ tokens: deps.tokens, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const provider = dspCatalogRoutes({ catalog: deps.catalog, node, logger: deps.logger });
  const management = catalogClientRoutes(client);
  return {
    client,
    routes: async (app: App) => {
      await provider(app);
      await management(app);
    },
  };
}

// JSON-LD: our own DSP 2025-1 contexts, an offline document loader for the jsonld package, and their public routes.
export { DSPACE_CONTEXT } from './domain/dspace-2025-1.context.js';
export { ODRL_PROFILE_CONTEXT, ODRL_PROFILE_CONTEXT_URL } from './domain/odrl-profile-2025-1.context.js';
export { createDocumentLoader, dspDocumentLoader, LOCAL_CONTEXTS, W3C_ODRL_CONTEXT_URL, type JsonLdDocumentLoader } from './adapters/jsonld.loader.js';
export { contextRoutes, CONTEXT_ROUTES } from './http/contexts.routes.js';
export { callbackAddressOf } from './domain/callback-address.js';
