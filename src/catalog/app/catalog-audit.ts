import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/index.js';
import { contentHash } from '../../kernel/index.js';
import type { CatalogResource } from '../domain/catalog-resource.js';
import type { Offering } from '../domain/offering.js';

export type CatalogEventType =
  | 'dataset.published'
  | 'dataset.updated'
  | 'dataset.deleted'
  | 'service.published'
  | 'service.updated'
  | 'service.deleted'
  | 'offering.published'
  | 'offering.updated'
  | 'offering.withdrawn';

export interface CatalogAuditEvent {
  type: CatalogEventType;
  /** The id of the resource or offering. */
  subject: string;
  /** A summary a counterparty understands, plus `contentHash` of the stored record; never a secret. */
  payload: Record<string, unknown>;
}

/**
 * Where catalog changes are recorded (the node wires it to the transparency log). `record` runs inside the
 * change's transaction `tx`: if it throws, the change is rolled back, so record and change exist together.
 */
export interface CatalogAudit {
  record(tx: Transaction<DB> | Kysely<DB>, event: CatalogAuditEvent): Promise<void>;
}

type Change = 'published' | 'updated' | 'deleted';

export function resourceEvent(change: Change, r: CatalogResource): CatalogAuditEvent {
  const prefix = r.kind === 'dataset' ? 'dataset' : 'service';
  return {
    type: `${prefix}.${change}`,
    subject: r.id,
    payload: { id: r.id, kind: r.kind, title: r.title, version: r.version, contentHash: contentHash(r) },
  };
}

export function offeringEvent(change: 'published' | 'updated' | 'withdrawn', o: Offering): CatalogAuditEvent {
  return {
    type: `offering.${change}`,
    subject: o.id,
    payload: { id: o.id, title: o.title, version: o.version, datasets: o.datasets, services: o.services, contentHash: contentHash(o) },
  };
}
