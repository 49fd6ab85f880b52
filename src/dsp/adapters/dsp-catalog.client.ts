import { AppError, invalidField, nodeCall, type Logger, type NodeCallOptions } from '../../kernel/index.js';
import type { TokenSigner } from '../app/ports.js';
import { validateCatalog, validateDataset, type DspCatalog, type DspDataset } from '../domain/catalog.messages.js';
import { DSP_CONTEXT } from '../domain/dsp.vocabulary.js';
import { linkTarget } from './link-header.js';

export interface CatalogRequestInput {
  /** The counterparty's DSP base URL (`<base>`), e.g. https://provider.example/dsp. */
  counterPartyAddress: string;
  /** The counterparty's did:web: the audience of our token. */
  counterPartyId: string;
  filter?: unknown[] | undefined;
  /** A page URL from a previous answer's Link header (must be on the counterparty's origin). */
  url?: string | undefined;
}

export interface DatasetRequestInput {
  counterPartyAddress: string;
  counterPartyId: string;
  datasetId: string;
}

export interface DspCatalogClient {
  requestCatalog(input: CatalogRequestInput): Promise<{ catalog: DspCatalog; nextUrl?: string }>;
  requestDataset(input: DatasetRequestInput): Promise<DspDataset>;
}

export interface ClientOptions {
  tokens: TokenSigner;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

const DID_WEB = /^did:web:[a-zA-Z0-9.%_-]+(:[a-zA-Z0-9.%_~-]+)*$/;

function checkTarget(address: string, did: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalidField('/counterPartyAddress', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('/counterPartyAddress', 'must be an http(s) URL');
  if (url.username || url.password) throw invalidField('/counterPartyAddress', 'must not carry credentials');
  if (!DID_WEB.test(did)) throw invalidField('/counterPartyId', 'must be a did:web identifier');
  return url;
}

function remoteError(status: number, text: string, url: string): AppError {
  let code: unknown;
  let reason: unknown;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    code = body.code;
    reason = body.reason;
  } catch {
    // Not a DSP error object: the status alone has to do.
  }
  const reasons = Array.isArray(reason) ? reason.map(String) : reason !== undefined ? [String(reason)] : [];
  const detail = `${url} answered ${status}${typeof code === 'string' ? ` ${code}` : ''}${reasons.length ? `: ${reasons.join('; ')}` : ''}`;
  return new AppError('DS_DSP_REMOTE_ERROR', detail.slice(0, 2000), [
    { path: '/remote/status', message: String(status) },
    ...(typeof code === 'string' ? [{ path: '/remote/code', message: code }] : []),
    ...reasons.slice(0, 10).map((r) => ({ path: '/remote/reason', message: r.slice(0, 500) })),
  ]);
}

/** The consumer side of the DSP catalog protocol: signed requests, bounded answers, schema-checked results. */
export function createDspCatalogClient(opts: ClientOptions): DspCatalogClient {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const max = opts.maxResponseBytes ?? 10 * 1024 * 1024;

  const callOptions: NodeCallOptions = {
    sign: (did) => opts.tokens.sign(did),
    fetch: doFetch,
    logger: opts.logger,
    timeoutMs,
    maxBytes: max,
    accept: 'application/json, application/ld+json',
    unreachable: (detail) => new AppError('DS_DSP_REMOTE_UNREACHABLE', detail),
    tooLarge: (detail) => new AppError('DS_DSP_REMOTE_INVALID', detail),
  };

  async function call(url: string, did: string, init: RequestInit): Promise<{ headers: Headers; json: unknown }> {
    const { status, headers, text } = await nodeCall(callOptions, url, did, init);
    if (status >= 400) throw remoteError(status, text, url);
    try {
      return { headers, json: JSON.parse(text) };
    } catch {
      throw new AppError('DS_DSP_REMOTE_INVALID', `${url} answered with a body that is not JSON`);
    }
  }

  const invalid = (url: string, errors: { path: string; message: string }[]) =>
    new AppError('DS_DSP_REMOTE_INVALID', `${url} answered with an invalid message: ${errors.slice(0, 5).map((e) => `${e.path} ${e.message}`).join('; ')}`, errors.slice(0, 20));

  return {
    async requestCatalog(input) {
      const base = checkTarget(input.counterPartyAddress, input.counterPartyId);
      const baseUrl = base.toString().replace(/\/+$/, '');
      let url = `${baseUrl}/catalog/request`;
      if (input.url !== undefined) {
        let page: URL;
        try {
          page = new URL(input.url);
        } catch {
          throw invalidField('/url', 'must be an absolute URL');
        }
        // Our token must never be sent to another host than the counterparty's.
        if (page.origin !== base.origin) throw invalidField('/url', 'must be on the counterparty\'s origin');
        url = page.toString();
      }
      const message = { '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage', filter: input.filter ?? [] };
      const { headers, json } = await call(url, input.counterPartyId, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
      const errors = validateCatalog(json);
      if (errors.length) throw invalid(url, errors);
      const next = linkTarget(headers.get('link'), 'next', url);
      if (next !== undefined && new URL(next).origin !== base.origin) throw new AppError('DS_DSP_REMOTE_INVALID', `${url} links its next page to another origin`);
      return { catalog: json as DspCatalog, ...(next ? { nextUrl: next } : {}) };
    },

    async requestDataset(input) {
      const base = checkTarget(input.counterPartyAddress, input.counterPartyId);
      if (!input.datasetId || input.datasetId.length > 500) throw invalidField('/datasetId', 'must be a non-empty identifier of at most 500 characters');
      const url = `${base.toString().replace(/\/+$/, '')}/catalog/datasets/${encodeURIComponent(input.datasetId)}`;
      const { json } = await call(url, input.counterPartyId, { method: 'GET' });
      const errors = validateDataset(json);
      if (errors.length) throw invalid(url, errors);
      return json as DspDataset;
    },
  };
}
