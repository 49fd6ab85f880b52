import type { LanguageMap } from './language-map.js';

export const RESOURCE_KINDS = ['dataset', 'software-service', 'infrastructure-service'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const SERVICE_KINDS: readonly ResourceKind[] = ['software-service', 'infrastructure-service'];

/**
 * Where a distribution's bytes come from. Credentials are never stored here: a REST or SQL source names a data-plane
 * connection (`/api/v1/connections`) whose secret is sealed at rest. A REST source with `api: true` is a non-finite
 * API the data address proxies (subpath and query string forwarded). A file source may name a directory (streamed
 * as a tar).
 */
export type DistributionSource =
  | { type: 'rest'; url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; connection?: string; api?: boolean }
  | { type: 'sql'; connection: string; query: string; parameters?: unknown[] }
  | { type: 'file'; path: string }
  /** A query of this node's xAPI LRS (the Statements resource's filter parameters), streamed as NDJSON statements. */
  | { type: 'lrs'; query: Record<string, string>; pseudonymise?: boolean };

export interface Distribution {
  id: string;
  title?: string;
  /** dct:format, e.g. `application/json` or a DSP transfer format such as `HttpData-PULL`. */
  format: string;
  mediaType?: string;
  source: DistributionSource;
}

/**
 * What a dataset holding personal data declares about it, for the privacy notices its controller gives the people
 * concerned (GDPR Art. 13): the categories of personal data, how long they are kept, automated decisions (the text
 * shown to people; "none" when there are none) and whether special categories (Art. 9) are among them.
 */
export interface PersonalDataDescription {
  categories: string[];
  retentionDays?: number;
  automatedDecisions?: string;
  specialCategories?: boolean;
}

export interface TemporalCoverage {
  startDate?: string;
  endDate?: string;
}

/** What an operator describes; everything but identity, kind and bookkeeping. */
export interface ResourceContent {
  title: LanguageMap;
  description: LanguageMap;
  /** All keywords, flat: what filters and facets use. */
  keywords: string[];
  /** Present when keywords were given per language ({"en": [...], "fr": [...]}). */
  keywordsByLanguage?: Record<string, string[]>;
  themes: string[];
  /** ISO 639-1 codes (lower case) or EU language authority IRIs. */
  languages: string[];
  license?: string;
  publisher?: string;
  temporal?: TemporalCoverage;
  spatial: string[];
  containsPersonalData: boolean;
  /** Datasets with `containsPersonalData` only. */
  personalData?: PersonalDataDescription;
  /** Datasets only (empty for services). */
  distributions: Distribution[];
  /** Services only. */
  endpointUrl?: string;
  endpointDescription?: string;
  serviceType?: string;
}

/** A dataset (DCAT-AP Dataset) or a software/infrastructure service (DCAT-AP DataService). */
export interface CatalogResource extends ResourceContent {
  id: string;
  kind: ResourceKind;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type Dataset = CatalogResource;

/** A dataset as other contexts see it (JSON-friendly: timestamps as ISO 8601 strings). */
export type DatasetView = Omit<CatalogResource, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

export const toView = (r: CatalogResource): DatasetView => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/** EU Data Theme codes (http://publications.europa.eu/resource/authority/data-theme). */
export const EU_DATA_THEMES = ['AGRI', 'ECON', 'EDUC', 'ENER', 'ENVI', 'GOVE', 'HEAL', 'INTR', 'JUST', 'OP_DATPRO', 'REGI', 'SOCI', 'TECH', 'TRAN'] as const;

/** Text indexed for full-text search: every title, description, keyword and theme. */
export function searchTextOf(c: ResourceContent): string {
  return [...Object.values(c.title), ...Object.values(c.description), ...c.keywords, ...c.themes].join(' \n ');
}

/** The resource as an operator would send it back (PATCH merges into this). */
export function toInput(kind: ResourceKind, r: ResourceContent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    title: r.title,
    description: r.description,
    keywords: r.keywordsByLanguage ?? r.keywords,
    themes: r.themes,
    languages: r.languages,
    spatial: r.spatial,
    containsPersonalData: r.containsPersonalData,
  };
  if (kind === 'dataset') out.distributions = r.distributions;
  if (r.personalData) out.personalData = r.personalData;
  for (const k of ['license', 'publisher', 'temporal', 'endpointUrl', 'endpointDescription', 'serviceType'] as const) if (r[k] !== undefined) out[k] = r[k];
  return out;
}
