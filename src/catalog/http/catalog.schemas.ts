import { Type, type TSchema } from '@sinclair/typebox';
import { SORTS } from '../app/catalog.store.js';

/** Request schemas name the fields and refuse unknown ones; the domain parser then checks meaning (tags, SQL, ODRL). */
const Text = Type.Union([Type.String(), Type.Record(Type.String(), Type.String())], { description: 'A string, or a language map {"en": "…", "fr": "…"}' });
const Strings = Type.Array(Type.String());
const Source = Type.Object({ type: Type.Union([Type.Literal('rest'), Type.Literal('sql'), Type.Literal('file'), Type.Literal('lrs')]) }, { additionalProperties: true, description: 'rest {url, method?, headers?, connection?, api?} | sql {connection, query, parameters?} | file {path} (a file or a directory) | lrs {query (Statements resource filters), pseudonymise?}' });
const Distribution = Type.Object(
  { id: Type.Optional(Type.String()), title: Type.Optional(Type.String()), format: Type.String(), mediaType: Type.Optional(Type.String()), source: Source },
  { additionalProperties: false },
);
const common = {
  title: Text,
  description: Type.Optional(Text),
  keywords: Type.Optional(Type.Union([Strings, Type.Record(Type.String(), Strings)])),
  themes: Type.Optional(Strings),
  languages: Type.Optional(Strings),
  license: Type.Optional(Type.String()),
  publisher: Type.Optional(Type.String()),
  temporal: Type.Optional(Type.Object({ startDate: Type.Optional(Type.String()), endDate: Type.Optional(Type.String()) }, { additionalProperties: false })),
  spatial: Type.Optional(Strings),
  containsPersonalData: Type.Optional(Type.Boolean()),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'Expected current version (or send If-Match)' })),
};
const PersonalData = Type.Object(
  {
    categories: Type.Array(Type.String(), { description: 'Categories of personal data, e.g. "identification", "training results"' }),
    retentionDays: Type.Optional(Type.Integer({ description: 'Days the data is kept' })),
    automatedDecisions: Type.Optional(Type.String({ description: 'Automated decisions, profiling included, as told to people ("none" when there are none)' })),
    specialCategories: Type.Optional(Type.Boolean({ description: 'Whether special categories of personal data (GDPR Art. 9) are included' })),
  },
  { additionalProperties: false, description: 'Only with containsPersonalData: true; privacy notices are built from it' },
);
export const DatasetBody = Type.Object({ ...common, distributions: Type.Optional(Type.Array(Distribution)), personalData: Type.Optional(PersonalData) }, { additionalProperties: false });
export const ServiceBody = Type.Object(
  {
    ...common,
    kind: Type.Optional(Type.Union([Type.Literal('software-service'), Type.Literal('infrastructure-service')])),
    endpointUrl: Type.String(),
    endpointDescription: Type.Optional(Type.String()),
    serviceType: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A merge patch: the same fields, all optional, null allowed (it removes). Types are checked after merging. */
export const patchOf = (body: typeof DatasetBody | typeof ServiceBody | typeof OfferingBody) =>
  Type.Object(Object.fromEntries(Object.keys(body.properties).map((k) => [k, Type.Optional(Type.Unknown())])) as Record<string, TSchema>, { additionalProperties: false });

export const OfferingBody = Type.Object(
  {
    datasets: Type.Optional(Type.Array(Type.String())),
    services: Type.Optional(Type.Array(Type.String())),
    policy: Type.Record(Type.String(), Type.Unknown(), { description: 'ODRL offer policy, JSON-LD compact' }),
    title: Type.Optional(Text),
    description: Type.Optional(Text),
    pricing: Type.Optional(Type.Object({ amount: Type.Number({ minimum: 0 }), currency: Type.String(), period: Type.Optional(Type.Union([Type.Literal('one-off'), Type.Literal('month'), Type.Literal('year')])) }, { additionalProperties: false })),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ pattern: '^(W/)?"?[0-9]+"?$', description: 'Expected version, e.g. "3"' })) });

const Kind = Type.Union([Type.Literal('dataset'), Type.Literal('software-service'), Type.Literal('infrastructure-service'), Type.Literal('service')]);
const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};
export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 500 })),
    lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('fr')])),
    kind: Type.Optional(Kind),
    keyword: Type.Optional(Type.String()),
    theme: Type.Optional(Type.String()),
    language: Type.Optional(Type.String()),
    license: Type.Optional(Type.String()),
    publisher: Type.Optional(Type.String()),
    containsPersonalData: Type.Optional(Type.Boolean()),
    sort: Type.Optional(Type.Union(SORTS.map((s) => Type.Literal(s)))),
    facets: Type.Boolean({ default: false }),
    ...paging,
  },
  { additionalProperties: false },
);
/** GET /api/v1/datasets and /api/v1/services: the search parameters, the kind being implied by the path. */
export const ListQuery = Type.Omit(SearchQuery, ['kind'], { additionalProperties: false });
export const PageQuery = Type.Object(paging, { additionalProperties: false });
export const ExportQuery = Type.Object({ format: Type.Union([Type.Literal('jsonld'), Type.Literal('turtle')], { default: 'jsonld' }) }, { additionalProperties: false });

const Open = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: true });
const Any = Type.Any();
export const ResourceView = Open({ id: Type.String(), kind: Type.String(), title: Type.Record(Type.String(), Type.String()), version: Type.Integer(), createdAt: Any, updatedAt: Any });
export const OfferingView = Open({ id: Type.String(), datasets: Strings, services: Strings, policy: Type.Record(Type.String(), Type.Unknown()), version: Type.Integer(), createdAt: Any, updatedAt: Any });
const Facet = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }));
export const SearchPage = Type.Object({
  total: Type.Integer({ description: 'Number of matches; exact unless totalIsLowerBound, then "at least total" (counting stops at 1000)' }),
  totalIsLowerBound: Type.Boolean({ description: 'True when more than `total` entries match; with sort=relevance only the first matches found are ranked' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(ResourceView),
  facets: Type.Optional(Type.Record(Type.String(), Facet)),
});
export const OfferingPage = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), items: Type.Array(OfferingView) });
