import type { Selectable } from 'kysely';
import { json, type CatalogResourcesTable, type OfferingsTable } from '../../db/index.js';
import { firstText } from '../domain/language-map.js';
import { searchTextOf, type CatalogResource, type Distribution, type PersonalDataDescription, type TemporalCoverage } from '../domain/catalog-resource.js';
import type { Offering, Pricing } from '../domain/offering.js';

/** Kind-specific and rarely filtered fields live in `details`; filtered fields have columns with indexes. */
interface Details {
  keywordsByLanguage?: Record<string, string[]>;
  temporal?: TemporalCoverage;
  spatial?: string[];
  distributions?: Distribution[];
  endpointUrl?: string;
  endpointDescription?: string;
  serviceType?: string;
  personalData?: PersonalDataDescription;
}

export function resourceToRow(r: CatalogResource) {
  const details: Details = { spatial: r.spatial, distributions: r.distributions };
  for (const k of ['keywordsByLanguage', 'temporal', 'endpointUrl', 'endpointDescription', 'serviceType', 'personalData'] as const) if (r[k] !== undefined) (details as Record<string, unknown>)[k] = r[k];
  return {
    id: r.id,
    kind: r.kind,
    title: json(r.title),
    description: json(r.description),
    keywords: json(r.keywords),
    themes: json(r.themes),
    languages: json(r.languages),
    license: r.license ?? null,
    publisher: r.publisher ?? null,
    contains_personal_data: r.containsPersonalData,
    details: json(details),
    sort_title: firstText(r.title).toLowerCase(),
    search_text: searchTextOf(r),
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export type ResourceRow = Omit<Selectable<CatalogResourcesTable>, 'fts' | 'offered'>;
export const RESOURCE_COLUMNS = ['id', 'kind', 'title', 'description', 'keywords', 'themes', 'languages', 'license', 'publisher', 'contains_personal_data', 'details', 'sort_title', 'search_text', 'version', 'created_at', 'updated_at'] as const;

export function rowToResource(row: ResourceRow): CatalogResource {
  const d = row.details as Details;
  const r: CatalogResource = {
    id: row.id,
    kind: row.kind,
    title: row.title as Record<string, string>,
    description: row.description as Record<string, string>,
    keywords: row.keywords as string[],
    themes: row.themes as string[],
    languages: row.languages as string[],
    spatial: d.spatial ?? [],
    containsPersonalData: row.contains_personal_data,
    distributions: d.distributions ?? [],
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.license !== null) r.license = row.license;
  if (row.publisher !== null) r.publisher = row.publisher;
  for (const k of ['keywordsByLanguage', 'temporal', 'endpointUrl', 'endpointDescription', 'serviceType', 'personalData'] as const) if (d[k] !== undefined) (r as unknown as Record<string, unknown>)[k] = d[k];
  return r;
}

export function offeringToRow(o: Offering) {
  return {
    id: o.id,
    title: json(o.title),
    description: json(o.description),
    policy: json(o.policy),
    pricing: o.pricing ? json(o.pricing) : null,
    version: o.version,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

export function rowToOffering(row: Selectable<OfferingsTable>, resources: Array<{ id: string; kind: string }>): Offering {
  const o: Offering = {
    id: row.id,
    title: row.title as Record<string, string>,
    description: row.description as Record<string, string>,
    datasets: resources.filter((r) => r.kind === 'dataset').map((r) => r.id),
    services: resources.filter((r) => r.kind !== 'dataset').map((r) => r.id),
    policy: row.policy as Record<string, unknown>,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.pricing) o.pricing = row.pricing as Pricing;
  return o;
}
