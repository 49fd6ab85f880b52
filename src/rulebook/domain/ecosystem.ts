import type { MembershipStatus } from './membership.machine.js';

/** An ecosystem as this node knows it: its own (orchestrator = this node) or one it belongs to elsewhere. */
export interface Ecosystem {
  id: string;
  orchestrator: string;
  title: string;
  version: number;
  rulebookHash: string;
  contract?: { id: string; versionHash: string };
  createdAt: string;
  updatedAt: string;
}

export interface RulebookVersion {
  version: number;
  hash: string;
  publishedAt: string;
}

/** A member of an ecosystem this node orchestrates. */
export interface Member {
  did: string;
  role: string;
  status: 'active' | 'left';
  acceptedVersion: number;
  acceptedHash: string;
  signature: string;
  joinedAt: string;
  acceptedAt: string;
  leftAt?: string;
  leftReason?: string;
}

export interface Invitation {
  id: string;
  ecosystemId: string;
  participant: string;
  role: string;
  status: 'pending' | 'accepted' | 'undeliverable';
  delivered: boolean;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

export interface JoinRequest {
  id: string;
  ecosystemId: string;
  participant: string;
  role: string;
  message?: string;
  version: number;
  hash: string;
  signature: string;
  status: 'pending' | 'approved' | 'refused';
  reason?: string;
  createdAt: string;
  decidedAt?: string;
}

/** This node's membership in an ecosystem orchestrated elsewhere. */
export interface Membership {
  ecosystemId: string;
  orchestrator: string;
  title: string;
  role: string;
  status: MembershipStatus;
  invitationId?: string;
  requestId?: string;
  /** The newest rulebook version received from the orchestrator. */
  latestVersion: number;
  latestHash: string;
  /** The last version this node signed, and the last one the orchestrator confirmed. */
  signedVersion?: number;
  acceptedVersion?: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

export type Page<T> = { items: T[]; total: number };
