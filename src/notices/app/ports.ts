import type { MissingField, NoticeContent, PrivacyNotice } from '../domain/notice.js';

/** What notices read from the catalog (src/catalog's CatalogReader fits): an offered dataset and its offers. */
export interface NoticesCatalog {
  getOfferedDataset(id: string): Promise<
    | {
        dataset: { id: string; title: Record<string, string>; containsPersonalData: boolean; personalData?: { categories: string[]; retentionDays?: number; automatedDecisions?: string; specialCategories?: boolean } | undefined };
        offers: Array<{ id: string; policy: Record<string, unknown> }>;
      }
    | undefined
  >;
}

/** The trusted participants (src/participants' directory fits); the self-description is a verified gx:LegalPerson subject. */
export interface NoticesParticipants {
  get(did: string): Promise<{ did: string; name?: string; roles?: string[]; endpoints?: { dsp?: string }; selfDescription?: unknown } | undefined>;
}

/** The node's own profile (identity): who the controller is. */
export interface NodeProfile {
  legalName: string;
  legalAddress?: string | undefined;
  headquarters?: string | undefined;
  contact?: string | undefined;
}

/** The processing a notice is about: its versions share this key. */
export interface ProcessingKey {
  datasetId: string;
  offerId: string;
  consumerDid: string;
  purpose: string;
  intermediaryDid: string;
}

export interface NoticeFilter {
  datasetId?: string | undefined;
  consumerDid?: string | undefined;
  /** Only notices whose current version lists missing fields. */
  incomplete?: boolean | undefined;
}

export interface NoticeStore {
  /** The current version when its hash is `draft.hash`, else a new version (in one transaction; ids from `newId`). */
  record(key: ProcessingKey, draft: { hash: string; content: NoticeContent; missing: MissingField[] }, now: Date, newId: () => string): Promise<PrivacyNotice>;
  /** A version of a notice (default: its current one), with the current version number. */
  get(id: string, version?: number): Promise<(PrivacyNotice & { currentVersion: number }) | undefined>;
  /** Current versions, most recently changed first. */
  list(filter: NoticeFilter, page: { limit: number; offset: number }): Promise<{ items: PrivacyNotice[]; total: number }>;
}
