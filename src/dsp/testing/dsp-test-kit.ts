import { AppError, silentLogger, type Authenticator } from '../../kernel/index.js';
import { createHttpApp, type App } from '../../node/http-app.js';
import type { CatalogQuery, CatalogReader, OfferedDataset, TokenSigner } from '../app/ports.js';

/**
 * Test doubles for the contexts the DSP tests stand on: identity is tested elsewhere, so here a bearer token
 * `token-of-<did>` simply proves `<did>`, and the catalog is an in-memory list with the reader's query semantics.
 */
export const testAuthenticator: Authenticator = {
  async operator(apiKey) {
    if (apiKey !== 'test-operator') throw new AppError('DS_AUTH_INVALID_API_KEY');
    return { kind: 'operator', keyId: 'k', name: 'test', scopes: ['admin'] };
  },
  async participant(token) {
    if (!token.startsWith('token-of-did:web:')) throw new AppError('DS_AUTH_INVALID_TOKEN');
    return { kind: 'participant', did: token.slice('token-of-'.length), jti: 'j' };
  },
};

export const testTokens = (from = 'did:web:consumer.test'): TokenSigner & { audiences: string[] } => {
  const audiences: string[] = [];
  return {
    audiences,
    async sign(aud) {
      audiences.push(aud);
      return `token-of-${from}`;
    },
  };
};

export class InMemoryCatalog implements CatalogReader {
  constructor(public items: OfferedDataset[]) {}
  async listOfferedDatasets(q: CatalogQuery) {
    const text = q.text?.toLowerCase();
    const hits = this.items.filter(
      (o) =>
        (!text || JSON.stringify([o.dataset.title, o.dataset.description, o.dataset.keywords]).toLowerCase().includes(text)) &&
        (q.keywords ?? []).every((k) => o.dataset.keywords.includes(k)) &&
        (q.themes ?? []).every((t) => o.dataset.themes.includes(t)),
    );
    // The cursor is the position of the next item: opaque to the routes, as the real catalog's is.
    const from = q.cursor !== undefined ? Number(Buffer.from(q.cursor, 'base64url').toString()) : (q.offset ?? 0);
    const next = from + q.limit;
    return { items: hits.slice(from, next), ...(next < hits.length ? { nextCursor: Buffer.from(String(next)).toString('base64url') } : {}) };
  }
  async getOfferedDataset(id: string) {
    return this.items.find((o) => o.dataset.id === id);
  }
}

export function offered(n: number, over: Partial<OfferedDataset['dataset']> = {}, offers = 1): OfferedDataset {
  const hex = n.toString(16).padStart(12, '0');
  return {
    dataset: {
      id: `10000000-0000-4000-8000-${hex}`,
      title: { en: `Dataset ${n}`, fr: `Jeu de données ${n}` },
      description: { en: `Description ${n}` },
      keywords: ['education'],
      themes: ['http://publications.europa.eu/resource/authority/data-theme/EDUC'],
      languages: ['fr'],
      license: 'https://creativecommons.org/licenses/by/4.0/',
      containsPersonalData: false,
      distributions: [{ format: 'CSV', mediaType: 'text/csv' }],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      ...over,
    },
    offers: Array.from({ length: offers }, (_, i) => ({
      id: `urn:uuid:20000000-0000-4000-8000-${hex.slice(0, 10)}${i.toString().padStart(2, '0')}`,
      policy: { '@context': 'http://www.w3.org/ns/odrl.jsonld', '@type': 'Set', uid: 'x', permission: [{ action: 'use' }] },
    })),
  };
}

export async function testApp(plugin: (app: App) => Promise<void>): Promise<App> {
  const { app } = await createHttpApp({ logger: silentLogger(), bodyLimit: 1_048_576, authenticator: testAuthenticator });
  await app.register(plugin);
  await app.ready();
  return app;
}
