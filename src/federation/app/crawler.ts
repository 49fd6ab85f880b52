import type { Clock, Logger } from '../../kernel/index.js';
import { AppError } from '../../kernel/index.js';
import type { DirectoryParticipant, DspCatalogClient, ParticipantDirectory } from '../../dsp/index.js';
import type { FederatedRow, SqlFederatedStore } from '../adapters/sql-federated.store.js';
import { displayTitle, searchText } from '../domain/federated-dataset.js';

export interface CrawlOutcome {
  participant: { did: string; name: string };
  sourceAddress: string;
  status: 'ok' | 'failed';
  datasetCount: number;
  pages: number;
  error?: string;
}

/** Bounds on one participant's catalog, so a misbehaving counterparty cannot loop us or flood the database. */
const MAX_PAGES = 1000;
const MAX_DATASETS = 50_000;

export interface CrawlerDeps {
  store: SqlFederatedStore;
  clock: Clock;
  logger: Logger;
  participants: ParticipantDirectory;
  client: DspCatalogClient;
}

/** Fetches every page of one participant's catalog; all network work happens before anything is written. */
async function fetchAll(client: DspCatalogClient, p: DirectoryParticipant, address: string): Promise<{ rows: FederatedRow[]; pages: number }> {
  const byId = new Map<string, FederatedRow>();
  const seen = new Set<string>();
  let next: string | undefined;
  let pages = 0;
  do {
    const page = await client.requestCatalog({ counterPartyAddress: address, counterPartyId: p.did, ...(next ? { url: next } : {}) });
    pages++;
    // A catalog speaking for someone else must not be filed under this participant.
    if (page.catalog.participantId !== p.did) throw new AppError('DS_DSP_REMOTE_INVALID', `catalog participantId ${page.catalog.participantId} is not ${p.did}`);
    for (const d of page.catalog.dataset ?? []) {
      const dataset = d as Record<string, unknown>;
      byId.set(d['@id'], { datasetId: d['@id'], dataset, title: displayTitle(dataset, d['@id']), searchText: searchText(dataset) });
    }
    if (byId.size > MAX_DATASETS) throw new AppError('DS_DSP_REMOTE_INVALID', `catalog has more than ${MAX_DATASETS} datasets`);
    if (page.nextUrl && seen.has(page.nextUrl)) throw new AppError('DS_DSP_REMOTE_INVALID', 'catalog pages link in a loop');
    next = page.nextUrl;
    if (next) seen.add(next);
  } while (next && pages < MAX_PAGES);
  if (next) throw new AppError('DS_DSP_REMOTE_INVALID', `catalog has more than ${MAX_PAGES} pages`);
  return { rows: [...byId.values()], pages };
}

/** Crawls every active participant that publishes a DSP endpoint; one failing participant does not stop the others. */
export async function crawlAll(deps: CrawlerDeps): Promise<CrawlOutcome[]> {
  const participants = (await deps.participants.listActive()).filter((p) => p.endpoints.dsp);
  const outcomes: CrawlOutcome[] = [];
  for (const p of participants) {
    const address = p.endpoints.dsp!;
    const participant = { did: p.did, name: p.name };
    try {
      const { rows, pages } = await fetchAll(deps.client, p, address);
      await deps.store.replace(p.did, address, rows, deps.clock.now());
      outcomes.push({ participant, sourceAddress: address, status: 'ok', datasetCount: rows.length, pages });
    } catch (e) {
      const error = e instanceof AppError ? `${e.code}: ${e.message}` : (e as Error).message;
      deps.logger.warn({ participant: p.did, error }, 'federated catalog crawl failed');
      await deps.store.recordFailure(p.did, address, deps.clock.now(), error);
      outcomes.push({ participant, sourceAddress: address, status: 'failed', datasetCount: 0, pages: 0, error });
    }
  }
  return outcomes;
}
