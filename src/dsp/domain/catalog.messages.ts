import { Type, type Static } from '@sinclair/typebox';
import { messageValidator } from '../../kernel/index.js';
import { DSP_CONTEXT } from './dsp.vocabulary.js';

export type { MessageValidator } from '../../kernel/index.js';

/*
 * Our own schemas of the DSP 2025-1 catalog messages, written from the catalog protocol text (the spec's files
 * are test data only). Extra properties are allowed everywhere: the protocol says servers MAY process
 * properties outside the schemas, and JSON-LD documents routinely carry more terms.
 */
const open = { additionalProperties: true } as const;

/** `@context` is an array of strings that contains the DSP 2025-1 context. */
export const DspContext = Type.Array(Type.String(), { contains: Type.Literal(DSP_CONTEXT), description: `must contain "${DSP_CONTEXT}"` });

export const CatalogRequestMessage = Type.Object(
  {
    '@context': DspContext,
    '@type': Type.Literal('CatalogRequestMessage'),
    filter: Type.Optional(Type.Array(Type.Unknown(), { description: 'dases filters: {"q": text} | {"keyword": k} | {"theme": t}, combined with AND' })),
  },
  open,
);
export type CatalogRequestMessage = Static<typeof CatalogRequestMessage>;

export const DatasetRequestMessage = Type.Object(
  { '@context': DspContext, '@type': Type.Literal('DatasetRequestMessage'), dataset: Type.String() },
  open,
);
export type DatasetRequestMessage = Static<typeof DatasetRequestMessage>;

/** A catalog/dataset offer: an ODRL policy with an @id, at least one permission or prohibition, and no target. */
const Offer = Type.Intersect([
  Type.Object({ '@id': Type.String(), '@type': Type.Optional(Type.Literal('Offer')), target: Type.Optional(Type.Never()) }, open),
  Type.Union([Type.Object({ permission: Type.Array(Type.Unknown(), { minItems: 1 }) }, open), Type.Object({ prohibition: Type.Array(Type.Unknown(), { minItems: 1 }) }, open)]),
]);

export const DataService = Type.Object({ '@id': Type.String(), '@type': Type.Literal('DataService'), endpointURL: Type.String() }, open);

const Distribution = Type.Object({ format: Type.String(), accessService: Type.Union([Type.String(), DataService]) }, open);

export const Dataset = Type.Object(
  {
    '@id': Type.String(),
    '@type': Type.Optional(Type.Literal('Dataset')),
    hasPolicy: Type.Array(Offer, { minItems: 1 }),
    distribution: Type.Array(Distribution, { minItems: 1 }),
  },
  open,
);
export type DspDataset = Static<typeof Dataset> & Record<string, unknown>;

export const RootDataset = Type.Intersect([Dataset, Type.Object({ '@context': DspContext }, open)]);

export const Catalog = Type.Object(
  {
    '@context': DspContext,
    '@id': Type.String(),
    '@type': Type.Literal('Catalog'),
    participantId: Type.String(),
    dataset: Type.Optional(Type.Array(Dataset, { minItems: 1 })),
    service: Type.Optional(Type.Array(DataService, { minItems: 1 })),
    hasPolicy: Type.Optional(Type.Never()),
  },
  open,
);
export type DspCatalog = Static<typeof Catalog> & Record<string, unknown>;

export const CatalogError = Type.Object(
  { '@context': DspContext, '@type': Type.Literal('CatalogError'), code: Type.Optional(Type.String()), reason: Type.Optional(Type.Array(Type.Unknown())) },
  open,
);

/** Each returns the field errors of a message (empty when valid); paths are JSON pointers, optionally prefixed. */
export const validateCatalogRequestMessage = messageValidator(CatalogRequestMessage);
export const validateDatasetRequestMessage = messageValidator(DatasetRequestMessage);
export const validateCatalog = messageValidator(Catalog);
export const validateDataset = messageValidator(RootDataset);
export const validateCatalogError = messageValidator(CatalogError);
