import { err, ok, type Result } from '../../kernel/index.js';
import { MESSAGE_TYPES, transition, type IllegalTransition, type MessageKind, type NegotiationState, type Role } from './negotiation.machine.js';

/** An ODRL policy in the compacted form of the DSP 2025-1 context (offer or agreement). */
export type Policy = Record<string, unknown>;

/** One step of a negotiation's history: which message moved it where, and who decided. */
export interface HistoryEntry {
  at: string;
  state: NegotiationState;
  /** The DSP message type, with the event type for event messages. */
  message: string;
  /** in: received from the counterparty; out: sent by this node. */
  direction: 'in' | 'out';
  /** Who made an outgoing move: the operator (management API) or this node on its own (automatic decision). */
  by?: 'operator' | 'auto';
  /** SHA-256 of a received message's canonical JSON: a redelivered message is answered again, not applied twice. */
  digest?: string;
  note?: string;
}

export interface Negotiation {
  /** This node's process id: the providerPid when we provide, the consumerPid when we consume. */
  id: string;
  role: Role;
  state: NegotiationState;
  /** Bumped by every change; a change prepared on an older version is prepared again. */
  version: number;
  counterpartyDid: string;
  /** The counterparty's negotiation base: the provider's DSP base URL, or the consumer's callback address. */
  counterpartyAddress: string;
  counterpartyPid?: string | undefined;
  /** The @id of the offer the negotiation started from. */
  offerId: string;
  /** The dataset the negotiation is about. */
  target: string;
  /** The latest offer on the table (with its target) and who made it. */
  offer: Policy;
  offerBy: Role;
  /** The last offer this node made (what a consumer requested, or a provider offered). */
  ownOffer?: Policy | undefined;
  purpose?: string | undefined;
  agreementId?: string | undefined;
  agreement?: Policy | undefined;
  providerSignature?: string | undefined;
  consumerSignature?: string | undefined;
  terminationCode?: string | undefined;
  terminationReason?: string | undefined;
  history: HistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Move {
  at: Date;
  direction: 'in' | 'out';
  by?: 'operator' | 'auto';
  digest?: string;
  note?: string;
}

export const messageLabel = (kind: MessageKind): string =>
  kind === 'accepted' ? `${MESSAGE_TYPES.accepted}:ACCEPTED` : kind === 'finalized' ? `${MESSAGE_TYPES.finalized}:FINALIZED` : MESSAGE_TYPES[kind];

/** Who sends `kind` in this move: the counterparty for a received message, this node for a sent one. */
export const senderOf = (n: Pick<Negotiation, 'role'>, direction: 'in' | 'out'): Role => (direction === 'out' ? n.role : n.role === 'provider' ? 'consumer' : 'provider');

/**
 * The negotiation after `kind` moved it (pure): the state machine decides, the history records the move, and
 * `changes` carries what the message brought (an offer, the agreement, a termination reason…).
 */
export function advance(n: Negotiation, kind: MessageKind, move: Move, changes: Partial<Negotiation> = {}): Result<Negotiation, IllegalTransition> {
  const to = transition(n.state, kind, senderOf(n, move.direction));
  if (!to.ok) return err(to.error);
  const entry: HistoryEntry = {
    at: move.at.toISOString(),
    state: to.value,
    message: messageLabel(kind),
    direction: move.direction,
    ...(move.by ? { by: move.by } : {}),
    ...(move.digest ? { digest: move.digest } : {}),
    ...(move.note ? { note: move.note } : {}),
  };
  return ok({ ...n, ...changes, state: to.value, history: [...n.history, entry], updatedAt: move.at });
}

/** A negotiation that the message `kind` starts (an initiating request or offer), before any history. */
export function start(fields: Omit<Negotiation, 'state' | 'version' | 'history' | 'createdAt' | 'updatedAt'>, kind: 'request' | 'offer', move: Move): Result<Negotiation, IllegalTransition> {
  const to = transition(null, kind, senderOf(fields, move.direction));
  if (!to.ok) return err(to.error);
  const entry: HistoryEntry = { at: move.at.toISOString(), state: to.value, message: messageLabel(kind), direction: move.direction, ...(move.by ? { by: move.by } : {}), ...(move.digest ? { digest: move.digest } : {}) };
  return ok({ ...fields, state: to.value, version: 1, history: [entry], createdAt: move.at, updatedAt: move.at });
}

/** Both process ids as the protocol names them; the counterparty's may still be unknown ('' until learnt). */
export function pidsOf(n: Pick<Negotiation, 'id' | 'role' | 'counterpartyPid'>): { providerPid: string; consumerPid: string } {
  const theirs = n.counterpartyPid ?? '';
  return n.role === 'provider' ? { providerPid: n.id, consumerPid: theirs } : { providerPid: theirs, consumerPid: n.id };
}

/** The answer to a message already applied once (a redelivery), or undefined. */
export const replayed = (n: Negotiation, digest: string): HistoryEntry | undefined => n.history.find((h) => h.direction === 'in' && h.digest === digest);
