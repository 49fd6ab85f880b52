import { normaliseOfferPolicy } from '../../policy/index.js';
import { EU_DATA_THEMES, type CatalogResource, type PersonalDataDescription } from './catalog-resource.js';
import { UNDETERMINED, type LanguageMap } from './language-map.js';
import type { Offering } from './offering.js';

export const DASES_NS = 'https://w3id.org/dases/ns#';

/** Inline, so producing or reading the export never fetches a context from the network. */
export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  odrl: 'http://www.w3.org/ns/odrl/2/',
  dases: DASES_NS,
} as const;

const THEME_BASE = 'http://publications.europa.eu/resource/authority/data-theme/';
const LANGUAGE_BASE = 'http://publications.europa.eu/resource/authority/language/';
// ISO 639-1 -> EU language authority codes for the EU's official languages; other codes stay literals.
const ISO_639_3: Record<string, string> = {
  bg: 'BUL', cs: 'CES', da: 'DAN', de: 'DEU', el: 'ELL', en: 'ENG', es: 'SPA', et: 'EST', fi: 'FIN', fr: 'FRA', ga: 'GLE', hr: 'HRV', hu: 'HUN',
  it: 'ITA', lt: 'LIT', lv: 'LAV', mt: 'MLT', nl: 'NLD', pl: 'POL', pt: 'POR', ro: 'RON', sk: 'SLK', sl: 'SLV', sv: 'SWE',
};
const isIri = (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(s);

const text = (map: LanguageMap) =>
  Object.entries(map).map(([lang, value]) => (lang === UNDETERMINED ? { '@value': value } : { '@value': value, '@language': lang }));
const ref = (iri: string) => ({ '@id': iri });

function agent(publisher: string) {
  return isIri(publisher) ? ref(publisher) : { '@type': 'foaf:Agent', 'foaf:name': publisher };
}

function common(r: CatalogResource, offers: Offering[]): Record<string, unknown> {
  const node: Record<string, unknown> = {
    '@id': `urn:uuid:${r.id}`,
    'dct:identifier': r.id,
    'dct:title': text(r.title),
    'dct:description': text(r.description),
    'dcat:keyword': r.keywordsByLanguage ? (Object.entries(r.keywordsByLanguage).flatMap(([l, ks]) => ks.map((k) => (l === UNDETERMINED ? { '@value': k } : { '@value': k, '@language': l })))) : r.keywords,
    'dcat:theme': r.themes.map((t) => ((EU_DATA_THEMES as readonly string[]).includes(t) ? ref(THEME_BASE + t) : isIri(t) ? ref(t) : t)),
    'dct:language': r.languages.map((l) => (ISO_639_3[l] ? ref(LANGUAGE_BASE + ISO_639_3[l]) : isIri(l) ? ref(l) : l)),
    'dct:spatial': r.spatial.map((s) => (isIri(s) ? ref(s) : s)),
    'dct:issued': { '@value': r.createdAt.toISOString(), '@type': 'xsd:dateTime' },
    'dct:modified': { '@value': r.updatedAt.toISOString(), '@type': 'xsd:dateTime' },
    // DCAT-AP 3 has no property for "contains personal data"; this is our own, in the dases namespace.
    'dases:containsPersonalData': { '@value': String(r.containsPersonalData), '@type': 'xsd:boolean' },
  };
  if (r.license) node['dct:license'] = ref(isIri(r.license) ? r.license : `https://spdx.org/licenses/${r.license}`);
  if (r.publisher) node['dct:publisher'] = agent(r.publisher);
  if (r.temporal) {
    const period: Record<string, unknown> = { '@type': 'dct:PeriodOfTime' };
    const typed = (v: string) => ({ '@value': v, '@type': v.includes('T') ? 'xsd:dateTime' : 'xsd:date' });
    if (r.temporal.startDate) period['dcat:startDate'] = typed(r.temporal.startDate);
    if (r.temporal.endDate) period['dcat:endDate'] = typed(r.temporal.endDate);
    node['dct:temporal'] = period;
  }
  if (offers.length) node['odrl:hasPolicy'] = offers.map((o) => normaliseOfferPolicy(o.policy, { offerId: `urn:uuid:${o.id}` }));
  return node;
}

/** DCAT-AP has no terms for what a dataset's personal data are: ours, in the dases namespace. */
function personalDataNode(p: PersonalDataDescription): Record<string, unknown> {
  return {
    '@type': 'dases:PersonalDataDescription',
    'dases:personalDataCategory': p.categories,
    ...(p.retentionDays !== undefined ? { 'dases:retentionDays': { '@value': String(p.retentionDays), '@type': 'xsd:integer' } } : {}),
    ...(p.automatedDecisions !== undefined ? { 'dases:automatedDecisions': p.automatedDecisions } : {}),
    ...(p.specialCategories !== undefined ? { 'dases:specialCategories': { '@value': String(p.specialCategories), '@type': 'xsd:boolean' } } : {}),
  };
}

/**
 * The local catalog as a DCAT-AP 3 dcat:Catalog in JSON-LD. Distribution sources (URLs, queries, paths) are
 * internal and never exported; access goes through the node's Dataspace Protocol endpoint.
 */
export function toDcatCatalog(node: { did: string; name: string; publicUrl: string }, resources: CatalogResource[], offerings: Offering[]): Record<string, unknown> {
  const offersOf = (id: string) => offerings.filter((o) => o.datasets.includes(id) || o.services.includes(id));
  const accessService = { '@id': `${node.publicUrl}#dsp`, '@type': 'dcat:DataService', 'dcat:endpointURL': ref(node.publicUrl) };
  const datasets = resources.filter((r) => r.kind === 'dataset').map((r) => ({
    '@type': 'dcat:Dataset',
    ...common(r, offersOf(r.id)),
    ...(r.personalData ? { 'dases:personalData': personalDataNode(r.personalData) } : {}),
    'dcat:distribution': r.distributions.map((d) => ({
      '@id': `urn:uuid:${d.id}`,
      '@type': 'dcat:Distribution',
      'dct:format': d.format,
      ...(d.mediaType ? { 'dcat:mediaType': ref(`https://www.iana.org/assignments/media-types/${d.mediaType}`) } : {}),
      ...(d.title ? { 'dct:title': d.title } : {}),
      'dcat:accessService': accessService,
    })),
  }));
  const services = resources.filter((r) => r.kind !== 'dataset').map((r) => ({
    '@type': 'dcat:DataService',
    ...common(r, offersOf(r.id)),
    'dases:serviceKind': r.kind,
    ...(r.endpointUrl ? { 'dcat:endpointURL': ref(r.endpointUrl) } : {}),
    ...(r.endpointDescription ? { 'dcat:endpointDescription': ref(r.endpointDescription) } : {}),
    ...(r.serviceType ? { 'dct:type': r.serviceType } : {}),
  }));
  return {
    '@context': DCAT_CONTEXT,
    '@id': node.did,
    '@type': 'dcat:Catalog',
    'dct:title': { '@value': node.name },
    'dct:publisher': { '@id': node.did, '@type': 'foaf:Agent', 'foaf:name': node.name },
    'foaf:homepage': ref(node.publicUrl),
    'dcat:dataset': datasets,
    'dcat:service': services,
  };
}
