import { AppError, readLimited, type Clock } from '../../kernel/index.js';
import { didDocumentUrl, isLoopbackHost } from '../domain/did-web.js';
import type { DidDocument } from '../domain/did-document.js';

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 256 * 1024;

const failure = (detail: string) => new AppError('DS_IDENTITY_DID_RESOLUTION_FAILED', detail);

/**
 * Fetches a small public document from another node: https only (http only on loopback), no redirects (a
 * redirect could lead to an address we would not have contacted), a timeout and a size limit.
 */
export async function fetchPublicDocument(fetchFn: typeof fetch, url: string, accept: string): Promise<string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw failure(`${url} is not a URL`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
    throw new AppError('DS_IDENTITY_INVALID_DID', `${url}: only https is allowed outside loopback`, [{ path: '/url', message: 'must be https' }]);
  }
  let res: Response;
  try {
    res = await fetchFn(u, { headers: { accept }, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw failure(`${url} could not be fetched: ${(e as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw failure(`${url} answered ${res.status}`);
  }
  return readLimited(res, MAX_BYTES, () => failure(`${url} is larger than ${MAX_BYTES} bytes`));
}

export interface DidResolver {
  resolve(did: string): Promise<DidDocument>;
  invalidate(did: string): void;
  /** The document `resolve` would return now without fetching, if it holds one. */
  cached?(did: string): DidDocument | undefined;
}

/** did:web resolution with a per-DID cache whose lifetime is measured on the injected clock. */
export function createDidResolver(deps: { fetch: typeof fetch; clock: Clock; ttlSeconds: number }): DidResolver {
  const cache = new Map<string, { doc: DidDocument; until: number }>();
  return {
    async resolve(did) {
      const now = deps.clock.now().getTime();
      const hit = cache.get(did);
      if (hit && hit.until > now) return hit.doc;
      const url = didDocumentUrl(did);
      const text = await fetchPublicDocument(deps.fetch, url, 'application/did+json, application/json');
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw failure(`${url} is not JSON`);
      }
      if (typeof doc !== 'object' || doc === null || (doc as { id?: unknown }).id !== did) throw failure(`${url} is not the DID document of ${did}`);
      const vms = (doc as { verificationMethod?: unknown }).verificationMethod;
      if (vms !== undefined && !Array.isArray(vms)) throw failure(`${url}: verificationMethod is not an array`);
      if (deps.ttlSeconds > 0) cache.set(did, { doc: doc as DidDocument, until: now + deps.ttlSeconds * 1000 });
      return doc as DidDocument;
    },
    invalidate(did) {
      cache.delete(did);
    },
    cached(did) {
      const hit = cache.get(did);
      return hit && hit.until > deps.clock.now().getTime() ? hit.doc : undefined;
    },
  };
}
