export { createTemplateLibrary, TEMPLATES, type TemplateLibrary, type TemplateDescriptor, type InstantiateInput, type OdrlPolicy, type PolicyType } from './template-library.js';
export type { OdrlNode, PolicyTemplate, TemplateContribution, TemplateKind, VocabularyTerm } from './policy-template.js';
export { PURPOSES, PURPOSE_KEYS } from './purposes.vocabulary.js';
export { GRANT_ACTIONS } from './access.templates.js';
export { ODRL_CONTEXT_URL, DASES_NS, DPV_NS, EVENTS, iso3166Iri, currencyIri } from './odrl-terms.js';
