import type { OfferedDataset } from '../app/ports.js';
import { catalogIdOf, dataServiceIdOf, datasetIri, DEFAULT_TRANSFER_FORMAT, DSP_BASE_PATH, DSP_CONTEXT } from './dsp.vocabulary.js';

/**
 * Turns offered catalog entries into DSP 2025-1 Catalog / Dataset objects in the compacted form of the DSP
 * context. That context defines no DCAT/DCT descriptive terms (title, keyword, …) but declares the `dct` and
 * `dcat` prefixes, so descriptive properties are written as compact IRIs (`dct:title`), and language maps as
 * JSON-LD value objects: they expand correctly and plain-JSON readers can still find them.
 */
export interface NodeRef {
  did: string;
  publicUrl: string;
}

type Json = Record<string, unknown>;

export function dataService(node: NodeRef): Json {
  return { '@id': dataServiceIdOf(node.did), '@type': 'DataService', endpointURL: `${node.publicUrl}${DSP_BASE_PATH}` };
}

const texts = (m: Record<string, string>) =>
  Object.entries(m).map(([lang, value]) => (lang && lang !== 'und' ? { '@value': value, '@language': lang } : { '@value': value }));

/** An ODRL policy as a catalog offer: our @id, type Offer, and no target (the enclosing dataset is the target). */
export function toOffer(offer: OfferedDataset['offers'][number]): Json {
  const { '@context': _c, '@id': _i, '@type': _t, uid: _u, target: _g, ...rest } = offer.policy;
  return { '@id': offer.id, '@type': 'Offer', ...rest };
}

export function toDspDataset(o: OfferedDataset, node: NodeRef, accessService: 'reference' | 'inline'): Json {
  const d = o.dataset;
  const service = accessService === 'inline' ? dataService(node) : dataServiceIdOf(node.did);
  // A DSP dataset needs at least one distribution; an entry without any is still obtainable through our service.
  const dists = d.distributions.length ? d.distributions : [{ format: '' }];
  const out: Json = {
    '@id': datasetIri(d.id),
    '@type': 'Dataset',
    'dct:title': texts(d.title),
    'dct:description': texts(d.description),
    'dcat:keyword': d.keywords,
    'dcat:theme': d.themes,
    'dct:language': d.languages,
    'dct:issued': d.createdAt,
    'dct:modified': d.updatedAt,
    hasPolicy: o.offers.map(toOffer),
    distribution: dists.map((x) => ({
      '@type': 'Distribution',
      format: DEFAULT_TRANSFER_FORMAT,
      accessService: service,
      ...(x.title ? { 'dct:title': x.title } : {}),
      ...(x.mediaType || x.format ? { 'dcat:mediaType': x.mediaType ?? x.format } : {}),
    })),
  };
  if (d.license) out['dct:license'] = d.license;
  if (d.publisher) out['dct:publisher'] = d.publisher;
  return out;
}

/** Only entries with at least one offer are datasets in the DSP sense (hasPolicy needs one Offer). */
export const isOffered = (o: OfferedDataset) => o.offers.length > 0;

export function toDspCatalog(items: OfferedDataset[], node: NodeRef): Json {
  const datasets = items.filter(isOffered).map((o) => toDspDataset(o, node, 'reference'));
  return {
    '@context': [DSP_CONTEXT],
    '@id': catalogIdOf(node.did),
    '@type': 'Catalog',
    participantId: node.did,
    service: [dataService(node)],
    // The schema wants a non-empty array when present, so an empty page omits the property.
    ...(datasets.length ? { dataset: datasets } : {}),
  };
}

export function toRootDataset(o: OfferedDataset, node: NodeRef): Json {
  return { '@context': [DSP_CONTEXT], ...toDspDataset(o, node, 'inline') };
}
