import type { ActivityDefinition } from './document-activity.js';
import type { DocumentKey, DocumentScope, StoredDocument } from './document.js';

/** A scope of documents for lists and bulk deletes; without a registration it spans every registration. */
export interface DocumentQuery extends DocumentScope {
  registration?: string | undefined;
  /** Only documents updated strictly after this instant. */
  since?: Date | undefined;
}

/**
 * What the decision made of a document: the new content to store, `null` to delete it, or `'keep'` to leave it.
 * A decision refuses by throwing an AppError; nothing is then changed.
 */
export type DocumentChange = StoredDocument | null | 'keep';

/** Storage of xAPI documents and canonical Activity definitions. */
export interface DocumentStore {
  get(key: DocumentKey): Promise<StoredDocument | undefined>;
  /** The ids in scope (each once) and the newest modification time among them. */
  list(query: DocumentQuery): Promise<{ ids: string[]; lastModified?: Date }>;
  /** Decides on the current document while holding it (one transaction, row locked) and applies the decision. */
  change(key: DocumentKey, decide: (existing: StoredDocument | undefined) => DocumentChange): Promise<void>;
  deleteAll(query: DocumentQuery): Promise<void>;
  activityDefinition(id: string): Promise<ActivityDefinition | undefined>;
}
