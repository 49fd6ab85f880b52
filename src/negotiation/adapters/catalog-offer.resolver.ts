import type { OfferResolver } from '../app/ports.js';
import type { Policy } from '../domain/negotiation.js';

/** The part of the DSP catalog client (src/dsp) a consumer uses to find an offer in a provider's catalog. */
export interface CatalogBrowser {
  requestCatalog(input: { counterPartyAddress: string; counterPartyId: string; url?: string | undefined }): Promise<{ catalog: { dataset?: unknown[] | undefined }; nextUrl?: string }>;
  requestDataset(input: { counterPartyAddress: string; counterPartyId: string; datasetId: string }): Promise<unknown>;
}

function offerIn(dataset: unknown, offerId: string): { offer: Policy; target: string } | undefined {
  const d = (dataset ?? {}) as { '@id'?: unknown; hasPolicy?: unknown };
  if (typeof d['@id'] !== 'string' || !Array.isArray(d.hasPolicy)) return undefined;
  const offer = (d.hasPolicy as Policy[]).find((p) => p && p['@id'] === offerId);
  return offer ? { offer, target: d['@id'] } : undefined;
}

const remoteStatus = (e: unknown): string | undefined => (e as { errors?: Array<{ path: string; message: string }> }).errors?.find((x) => x.path === '/remote/status')?.message;

export interface ResolverOptions {
  maxPages?: number;
  /** How long a found offer is reused for further negotiations with the same provider (0: always ask). */
  ttlMs?: number;
  now?: () => number;
}

const MAX_CACHED = 1000;

/**
 * Finds an offer by @id in the provider's DSP catalog, as the provider presents it: one dataset request when the
 * dataset is known, else a walk through the catalog's pages (at most `maxPages`). An offer found is reused for
 * `ttlMs` (default 30 s): a consumer negotiating one offer repeatedly does not fetch the catalog each time; a
 * provider that changed the offer meanwhile sees a counter-offer and decides, and a refused request forgets it.
 */
export function catalogOfferResolver(client: CatalogBrowser, opts: ResolverOptions = {}): OfferResolver {
  const maxPages = opts.maxPages ?? 50;
  const ttlMs = opts.ttlMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { until: number; value: { offer: Policy; target: string } }>();
  const keyOf = (i: { counterPartyId: string; offerId: string; datasetId?: string | undefined }) => JSON.stringify([i.counterPartyId, i.offerId, i.datasetId ?? null]);

  async function find({ counterPartyAddress, counterPartyId, offerId, datasetId }: Parameters<OfferResolver['resolve']>[0]) {
    if (datasetId !== undefined) {
      try {
        return offerIn(await client.requestDataset({ counterPartyAddress, counterPartyId, datasetId }), offerId);
      } catch (e) {
        // The provider's 404 for the dataset: no such offer there. Anything else (unreachable…) is reported as is.
        if (remoteStatus(e) === '404') return undefined;
        throw e;
      }
    }
    let url: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const { catalog, nextUrl } = await client.requestCatalog({ counterPartyAddress, counterPartyId, ...(url ? { url } : {}) });
      for (const d of catalog.dataset ?? []) {
        const hit = offerIn(d, offerId);
        if (hit) return hit;
      }
      if (!nextUrl) return undefined;
      url = nextUrl;
    }
    return undefined;
  }

  return {
    async resolve(input) {
      const key = keyOf(input);
      const hit = cache.get(key);
      if (hit && hit.until > now()) return hit.value;
      const value = await find(input);
      if (value && ttlMs > 0) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        cache.set(key, { until: now() + ttlMs, value });
      }
      return value;
    },
    forget(input) {
      for (const k of [...cache.keys()]) if (k.startsWith(JSON.stringify([input.counterPartyId, input.offerId]).slice(0, -1))) cache.delete(k);
    },
  };
}
