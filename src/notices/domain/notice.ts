/**
 * A privacy notice as the controller (the provider node) gives it for one processing: one dataset, under one offer,
 * sent to one consumer, for one purpose, with consent collected by one personal-data intermediary. Every field of
 * GDPR Art. 13 has a place; a value the controller has not given is absent and listed in `missing`, never guessed.
 */
export type Right = 'access' | 'rectification' | 'erasure' | 'restriction' | 'portability';

export interface NoticeParty {
  did: string;
  legalName?: string;
  /** ISO 3166-1 alpha-2 country of its headquarters (else of its legal address). */
  country?: string;
}

/** A constraint of the offer's ODRL policy, reduced to what a person can be told: operator and values. */
export interface PolicyRestriction {
  operator: string;
  values: string[];
}

export interface NoticeContent {
  type: 'dases:PrivacyNotice';
  schemaVersion: 1;
  /** What the notice is about (the processing a consent will cover). */
  processing: { datasetId: string; offerId: string; consumerDid: string; purpose: string };
  dataset: { id: string; title: Record<string, string> };
  /** Art. 13(1)(a). `legalAddress` is the ISO 3166-2 subdivision the node's self-description gives. */
  controller: { did: string; legalName: string; legalAddress?: string; country?: string; contact?: string };
  /** Art. 13(1)(b). */
  dpo: { contact?: string };
  /** Art. 13(1)(c): consent, Art. 6(1)(a); explicit consent, Art. 9(2)(a), when special categories are included. */
  purposes: { purposes: string[]; legalBasis: 'consent'; article: 'GDPR Art. 6(1)(a)'; specialCategoriesArticle?: 'GDPR Art. 9(2)(a)' };
  /** Art. 13(1)(d) only applies to processing based on legitimate interests (Art. 6(1)(f)), never here. */
  legitimateInterests: { applicable: false };
  /** Art. 13(1)(e): the consumer, and the ODRL `recipient` constraints of the offer. */
  recipients: { parties: NoticeParty[]; policyRestrictions: PolicyRestriction[] };
  /** Art. 13(1)(f): from the recipients' countries and the offer's ODRL `spatial` constraints. */
  internationalTransfers: { outsideEea?: boolean; countriesOutsideEea: string[]; adequacyDecision?: boolean; policyAreas: PolicyRestriction[] };
  /** Art. 13(2)(a): an ODRL `delete` duty with an elapsed time, else the dataset's declared retention. */
  retention: { duration?: string; days?: number; from?: 'contract-signature' | 'data-receipt'; source?: 'policy' | 'dataset' };
  /** Art. 13(2)(b): the rights that apply to processing based on consent (objection, Art. 21, does not). */
  rights: { rights: Right[]; dashboardUrl?: string; contact?: string };
  /** Art. 13(2)(c). */
  withdrawal: { intermediaryDid: string; url?: string };
  /** Art. 13(2)(d). */
  complaint: { authority?: string; url?: string; source?: 'configuration' | 'headquarters' };
  /** Art. 13(2)(e): consent is never a statutory or contractual requirement. */
  requirement: { statutory: false; contractual: false; obliged: false };
  /** Art. 13(2)(f). */
  automatedDecisions: { exists?: boolean; description?: string };
  /** Categories of personal data concerned (Art. 14(1)(d)); special categories of Art. 9. */
  personalData: { categories: string[]; specialCategories?: boolean };
}

/** A field the controller must still provide: a JSON pointer into the content, and what to do. */
export interface MissingField {
  field: string;
  message: string;
}

export interface PrivacyNotice {
  /** The notice (one per processing); its versions share the id. */
  id: string;
  version: number;
  /** 'sha256:' + hex SHA-256 of the RFC 8785 canonical JSON of `content`. */
  hash: string;
  content: NoticeContent;
  missing: MissingField[];
  createdAt: string;
}
