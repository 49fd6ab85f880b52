import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import type { StatementFilter } from '../domain/statement-query.js';
import type { Statement, StatementIndex } from '../domain/statement.prepare.js';

export type Tx = Kysely<DB>;

export interface StoredStatement {
  statement: Statement;
  stored: Date;
  voided: boolean;
  isVoiding: boolean;
  attachmentHashes: string[];
}

export interface NewStatement {
  statement: Statement;
  stored: Date;
  index: StatementIndex;
  attachmentHashes: string[];
}

export interface Attachment {
  sha2: string;
  contentType: string;
  content: Buffer;
}

/** Where a page continues: after (before, descending) this stored instant and id. */
export interface Cursor {
  stored: Date;
  id: string;
}

export interface StatementStore {
  /** Inserts the statements not already stored (by id) with their index rows; returns the ids inserted. */
  insert(tx: Tx, rows: NewStatement[]): Promise<Set<string>>;
  getMany(tx: Tx, ids: string[]): Promise<Map<string, StoredStatement>>;
  /** Flags the non-voiding statements among `ids` as voided. */
  markVoided(tx: Tx, ids: string[]): Promise<void>;
  /** Those of `ids` that a stored voiding statement already targets (a target can arrive after its voiding). */
  targetedByVoiding(tx: Tx, ids: string[]): Promise<string[]>;
  putAttachments(tx: Tx, attachments: Attachment[], at: Date): Promise<void>;
  attachments(hashes: string[]): Promise<Attachment[]>;
  get(id: string): Promise<StoredStatement | undefined>;
  /** One page of statements matching the filter, not voided, ordered by (stored, id), `limit` rows at most. */
  query(filter: StatementFilter, after: Cursor | undefined, limit: number): Promise<StoredStatement[]>;
}

/** DOCUMENTS' hook: keeps the canonical Activity definitions up to date as statements arrive (in the same tx). */
export type RecordActivityDefinitions = (tx: Tx, activities: Array<Record<string, unknown>>) => Promise<void>;
