import { err, ok, type Result } from '../../kernel/index.js';
import type { DataAddress, DataDestination, DistributionSource, TransferFormat } from './transfer.types.js';
import { MESSAGE_TYPES, transition, type IllegalTransition, type MessageKind, type Role, type TransferState } from './transfer.machine.js';

/** One step of a transfer's history: which message moved it where. */
export interface HistoryEntry {
  at: string;
  state: TransferState;
  message: string;
  /** in: received from the counterparty; out: sent by this node. */
  direction: 'in' | 'out';
  by?: 'operator' | 'auto';
  note?: string;
}

/**
 * The consent a transfer of one person's data runs under. Provider: checked from the consent token of the request
 * (its id, the person's pseudonymous id here, its expiry), then by status on every data-plane request. Consumer:
 * which consent at which intermediary to ask a fresh token for.
 */
export interface TransferConsent {
  id: string;
  intermediaryDid?: string | undefined;
  subjectId?: string | undefined;
  expiresAt?: string | undefined;
}

export interface Transfer {
  /** This node's process id: providerPid when we provide, consumerPid when we consume. */
  id: string;
  role: Role;
  state: TransferState;
  /** Bumped by every change; a change decided on an older version is decided again. */
  version: number;
  counterpartyDid: string;
  /** The provider's DSP base (consumer side) or the consumer's callback address (provider side). */
  counterpartyAddress: string;
  counterpartyPid?: string | undefined;
  agreementId: string;
  datasetId: string;
  format: TransferFormat;
  /** Finite data completes; non-finite data (an API) runs until terminated. */
  finite: boolean;
  source?: DistributionSource | undefined;
  mediaType?: string | undefined;
  /** Consumer pull: the address received; provider push: the consumer's push address. */
  dataAddress?: DataAddress | undefined;
  destination?: DataDestination | undefined;
  /** Consumer: 'node' when this node moves the bytes itself (destination, push, one-call stream). */
  delivery: 'direct' | 'node';
  job?: 'push' | 'pull' | undefined;
  jobRuns: number;
  bytes?: number | undefined;
  sha256?: string | undefined;
  dataStartedAt?: Date | undefined;
  dataEndedAt?: Date | undefined;
  terminationCode?: string | undefined;
  terminationReason?: string | undefined;
  history: HistoryEntry[];
  /** Personal data: the consent the transfer runs under (see TransferConsent). */
  consent?: TransferConsent | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface Move {
  at: Date;
  direction: 'in' | 'out';
  by?: 'operator' | 'auto';
  note?: string;
}

/** Who sends in this move: the counterparty for a received message, this node for a sent one. */
export const senderOf = (t: Pick<Transfer, 'role'>, direction: 'in' | 'out'): Role => (direction === 'out' ? t.role : t.role === 'provider' ? 'consumer' : 'provider');

function entry(to: TransferState, kind: MessageKind, move: Move): HistoryEntry {
  return { at: move.at.toISOString(), state: to, message: MESSAGE_TYPES[kind], direction: move.direction, ...(move.by ? { by: move.by } : {}), ...(move.note ? { note: move.note } : {}) };
}

/** The transfer after `kind` moved it (pure): the machine decides, the history records, `changes` is what the message brought. */
export function advance(t: Transfer, kind: MessageKind, move: Move, changes: Partial<Transfer> = {}): Result<Transfer, IllegalTransition> {
  const to = transition(t.state, kind, senderOf(t, move.direction));
  if (!to.ok) return err(to.error);
  return ok({ ...t, ...changes, state: to.value, history: [...t.history, entry(to.value, kind, move)], updatedAt: move.at });
}

export type NewTransfer = Omit<Transfer, 'state' | 'version' | 'history' | 'createdAt' | 'updatedAt' | 'jobRuns' | 'delivery'> & Partial<Pick<Transfer, 'delivery' | 'jobRuns'>>;

/** A transfer started by a TransferRequestMessage (sent by a consumer, received by a provider). */
export function start(fields: NewTransfer, move: Move): Result<Transfer, IllegalTransition> {
  const to = transition(null, 'request', senderOf(fields, move.direction));
  if (!to.ok) return err(to.error);
  return ok({ delivery: 'direct', jobRuns: 0, ...fields, state: to.value, version: 1, history: [entry(to.value, 'request', move)], createdAt: move.at, updatedAt: move.at });
}

/** Both process ids as the protocol names them ('' while the counterparty's is unknown). */
export function pidsOf(t: Pick<Transfer, 'id' | 'role' | 'counterpartyPid'>): { providerPid: string; consumerPid: string } {
  const theirs = t.counterpartyPid ?? '';
  return t.role === 'provider' ? { providerPid: t.id, consumerPid: theirs } : { providerPid: theirs, consumerPid: t.id };
}

/** The pull or push nature of a format. */
export const isPush = (format: TransferFormat): boolean => format === 'HttpData-PUSH';
