import { ODRL_PROFILE_CONTEXT_URL } from './odrl-profile-2025-1.context.js';

/**
 * The Dataspace Protocol 2025-1 context (`https://w3id.org/dspace/2025/1/context.jsonld`), written from the
 * catalog, negotiation and transfer specifications so that it ships inside our package: nothing is fetched.
 *
 * Shape, per the spec's "compaction must produce messages that validate against the JSON Schemas" rule: the
 * top level only names the types (messages in `dspace:`, catalog classes in `dcat:`) and the process states;
 * every property lives in the type-scoped context of the type that uses it, because the same short name means
 * different things in different messages (`dataset` is a reference in a DatasetRequestMessage but a list of
 * nested datasets in a Catalog; `format` is the transfer type). Everything is `@protected`, as the spec asks.
 * Messages carrying policies `@import` the ODRL profile and `@propagate` it into their nested policy nodes.
 */
const iri = (id: string) => ({ '@type': '@id', '@id': id }) as const;
const vocab = (id: string) => ({ '@type': '@vocab', '@id': id }) as const;
const set = (id: string) => ({ '@id': id, '@container': '@set' }) as const;

type Terms = Record<string, unknown>;
/** A class with its own type-scoped context; `withPolicies` brings the ODRL profile into its subtree. */
const scoped = (id: string, terms: Terms, withPolicies = false) => ({
  '@id': id,
  '@context': {
    '@version': 1.1,
    '@protected': true,
    ...(withPolicies ? { '@import': ODRL_PROFILE_CONTEXT_URL, '@propagate': true } : {}),
    ...terms,
  },
});

/** Both process ids are IRIs (the spec's examples use `urn:uuid:`), chosen by each side. */
const pids = { providerPid: iri('dspace:providerPid'), consumerPid: iri('dspace:consumerPid') };
const consumerPid = { consumerPid: pids.consumerPid };
/** Error and termination messages: an implementation code and human-readable reasons. */
const failure = { code: 'dspace:code', reason: set('dspace:reason') };
const callback = { callbackAddress: 'dspace:callbackAddress' };
/** The transfer type (e.g. `HttpData-PULL`) is a vocabulary value of dct:format, in distributions and requests. */
const format = { format: vocab('dct:format') };
const dataAddress = { dataAddress: 'dspace:dataAddress' };

const catalogMessages = {
  CatalogRequestMessage: scoped('dspace:CatalogRequestMessage', { filter: set('dspace:filter') }),
  // The spec's context leaves the dataset id a plain string here (a literal once expanded), unlike the pids.
  DatasetRequestMessage: scoped('dspace:DatasetRequestMessage', { dataset: 'dspace:dataset' }),
  CatalogError: scoped('dspace:CatalogError', failure),
};

const catalogClasses = {
  Catalog: scoped('dcat:Catalog', {
    participantId: iri('dspace:participantId'),
    service: set('dcat:service'),
    catalog: set('dcat:catalog'),
    dataset: set('dcat:dataset'),
    distribution: set('dcat:distribution'),
  }),
  // hasPolicy holds the Offers inline here, so unlike the ODRL profile's IRI-valued hasPolicy it is a plain set.
  Dataset: scoped('dcat:Dataset', { hasPolicy: set('odrl:hasPolicy'), distribution: set('dcat:distribution') }, true),
  // accessService and endpointURL are not `@type: @id` in the spec's context: a DataService given by its id
  // (a string) expands to a literal, an inline DataService object to a node. We keep that, to read as peers do.
  Distribution: scoped('dcat:Distribution', { ...format, accessService: 'dcat:accessService' }),
  DataService: scoped('dcat:DataService', { endpointURL: 'dcat:endpointURL', endpointDescription: 'dcat:endpointDescription' }),
  // A DID document `service` entry announcing a catalog (common/did-service-schema): DID-core's id/type/serviceEndpoint.
  CatalogService: scoped('dspace:CatalogService', { id: '@id', type: '@type', serviceEndpoint: iri('https://www.w3.org/ns/did#serviceEndpoint') }),
};

const negotiationMessages = {
  ContractRequestMessage: scoped('dspace:ContractRequestMessage', { ...pids, ...callback, offer: iri('dspace:offer') }, true),
  ContractOfferMessage: scoped('dspace:ContractOfferMessage', { ...pids, ...callback, offer: iri('dspace:offer') }, true),
  ContractAgreementMessage: scoped('dspace:ContractAgreementMessage', { ...pids, ...callback, agreement: iri('dspace:agreement') }, true),
  ContractAgreementVerificationMessage: scoped('dspace:ContractAgreementVerificationMessage', pids),
  ContractNegotiationEventMessage: scoped('dspace:ContractNegotiationEventMessage', { ...pids, eventType: vocab('dspace:eventType') }),
  ContractNegotiationTerminationMessage: scoped('dspace:ContractNegotiationTerminationMessage', { ...pids, ...failure }),
  ContractNegotiation: scoped('dspace:ContractNegotiation', { ...pids, state: vocab('dspace:state') }),
  ContractNegotiationError: scoped('dspace:ContractNegotiationError', { ...pids, ...failure }),
};

const transferMessages = {
  TransferRequestMessage: scoped('dspace:TransferRequestMessage', {
    ...consumerPid,
    ...callback,
    ...format,
    ...dataAddress,
    agreementId: iri('dspace:agreementId'),
  }),
  TransferStartMessage: scoped('dspace:TransferStartMessage', { ...pids, ...dataAddress }),
  TransferCompletionMessage: scoped('dspace:TransferCompletionMessage', pids),
  TransferTerminationMessage: scoped('dspace:TransferTerminationMessage', { ...pids, ...failure }),
  TransferSuspensionMessage: scoped('dspace:TransferSuspensionMessage', { ...pids, ...failure }),
  // Alone among the messages, TransferError's pids are plain strings in the spec's context.
  TransferError: scoped('dspace:TransferError', { providerPid: 'dspace:providerPid', consumerPid: 'dspace:consumerPid', ...failure }),
  TransferProcess: scoped('dspace:TransferProcess', { ...pids, state: vocab('dspace:state') }),
  DataAddress: scoped('dspace:DataAddress', {
    endpointType: vocab('dspace:endpointType'),
    endpoint: 'dspace:endpoint',
    endpointProperties: set('dspace:endpointProperties'),
  }),
  EndpointProperty: scoped('dspace:EndpointProperty', { name: 'dspace:name', value: 'dspace:value' }),
};

/** Values of `state` (both processes) and `eventType`, as vocabulary terms. */
const states = Object.fromEntries(
  ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'].map((s) => [s, `dspace:${s}`]),
);

export const DSPACE_CONTEXT = {
  '@context': {
    '@version': 1.1,
    '@protected': true,
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    dct: 'http://purl.org/dc/terms/',
    dcat: 'http://www.w3.org/ns/dcat#',
    odrl: 'http://www.w3.org/ns/odrl/2/',
    dspace: 'https://w3id.org/dspace/2025/1/',
    ...catalogMessages,
    ...catalogClasses,
    ...negotiationMessages,
    ...transferMessages,
    VersionsError: scoped('dspace:VersionsError', failure),
    ...states,
  },
} as const;
