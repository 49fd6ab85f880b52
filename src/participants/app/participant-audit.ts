import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/index.js';
import { contentHash } from '../../kernel/index.js';
import type { Participant } from '../domain/participant.js';

export type ParticipantEventType = 'participant.added' | 'participant.refreshed' | 'participant.suspended' | 'participant.activated' | 'participant.removed';

export interface ParticipantAuditEvent {
  type: ParticipantEventType;
  /** The participant's DID. */
  subject: string;
  /** did, name, roles, status, reason and `contentHash` of the stored record; never a secret. */
  payload: Record<string, unknown>;
}

/**
 * Where registry changes are recorded (the node wires it to the transparency log). `record` runs inside the
 * change's transaction `tx`: if it throws, the change is rolled back, so record and change exist together.
 */
export interface ParticipantAudit {
  record(tx: Transaction<DB> | Kysely<DB>, event: ParticipantAuditEvent): Promise<void>;
}

export function participantEvent(type: ParticipantEventType, p: Participant): ParticipantAuditEvent {
  return {
    type,
    subject: p.did,
    payload: { did: p.did, name: p.name, roles: p.roles, status: p.status, ...(p.statusReason ? { reason: p.statusReason } : {}), contentHash: contentHash(p) },
  };
}
