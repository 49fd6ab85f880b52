import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/index.js';
import type { CatalogResource, DatasetView, ResourceKind } from '../domain/catalog-resource.js';
import type { Offering } from '../domain/offering.js';

export const SORTS = ['title', '-title', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'relevance'] as const;
export type Sort = (typeof SORTS)[number];

export interface SearchQuery {
  /** Full text, web-search syntax ("quoted phrases", -excluded, or). */
  q?: string;
  /** Which text-search configuration to use; both when absent. */
  lang?: 'en' | 'fr';
  kinds?: ResourceKind[];
  keyword?: string;
  theme?: string;
  language?: string;
  license?: string;
  publisher?: string;
  containsPersonalData?: boolean;
  sort?: Sort;
  limit: number;
  offset: number;
  facets?: boolean;
}

export type FacetName = 'kind' | 'keyword' | 'theme' | 'language' | 'license' | 'publisher' | 'containsPersonalData';
export type Facets = Record<FacetName, Array<{ value: string; count: number }>>;

export interface SearchResult {
  /** Exact when `totalIsLowerBound` is false; otherwise "at least this many" (counting stops at a cap). */
  total: number;
  totalIsLowerBound: boolean;
  items: Array<CatalogResource & { score?: number }>;
  facets?: Facets;
}

export interface OfferedDataset {
  dataset: DatasetView;
  /** Offers of the dataset: id `urn:uuid:<offering id>`, policy as stored. */
  offers: Array<{ id: string; policy: Record<string, unknown> }>;
}

export interface OfferedQuery {
  text?: string;
  keywords?: string[];
  themes?: string[];
  limit: number;
  /** Rows to skip; ignored when `cursor` is given. */
  offset?: number;
  /** `nextCursor` of the previous page: continues right after it. */
  cursor?: string;
}

/** One page of the DSP listing; `nextCursor` (opaque) is present when more datasets follow. */
export interface OfferedPage {
  items: OfferedDataset[];
  nextCursor?: string;
}

/**
 * Persistence of catalog resources and offerings. Writes that must not half-happen run inside `transaction`, whose
 * `tx` is handed on to the audit so the change and its log entry commit together.
 */
export interface CatalogStore {
  transaction<T>(fn: (store: CatalogStore, tx: Transaction<DB> | Kysely<DB>) => Promise<T>): Promise<T>;
  getResource(id: string): Promise<CatalogResource | undefined>;
  insertResource(r: CatalogResource): Promise<void>;
  /** Writes `r` if the stored version is still `expectedVersion`; false otherwise. */
  updateResource(r: CatalogResource, expectedVersion: number): Promise<boolean>;
  deleteResource(id: string): Promise<boolean>;
  /** Offerings that bundle the resource. */
  offeringsUsing(resourceId: string): Promise<string[]>;
  /** The ids among `ids` that exist with one of `kinds`. */
  existingIds(ids: string[], kinds: readonly ResourceKind[]): Promise<Set<string>>;
  search(q: SearchQuery): Promise<SearchResult>;
  /** Every resource, oldest first (the DCAT export). */
  allResources(): Promise<CatalogResource[]>;

  getOffering(id: string): Promise<Offering | undefined>;
  listOfferings(limit: number, offset: number): Promise<{ total: number; items: Offering[] }>;
  insertOffering(o: Offering): Promise<void>;
  updateOffering(o: Offering, expectedVersion: number): Promise<boolean>;
  deleteOffering(id: string): Promise<boolean>;
  allOfferings(): Promise<Offering[]>;

  listOfferedDatasets(q: OfferedQuery): Promise<OfferedPage>;
  getOfferedDataset(id: string): Promise<OfferedDataset | undefined>;
}
