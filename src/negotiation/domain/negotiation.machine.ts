import { err, ok, type Result } from '../../kernel/index.js';

/**
 * The DSP 2025-1 contract negotiation state machine, the same table on both sides: a message moves the
 * negotiation the same way whether we send it (operator action, automatic decision) or receive it. Transitions
 * are those of the protocol's state machine figure; termination is allowed from every non-terminal state by
 * either party, as the Termination Message section says ("can be sent at any state of a CN").
 */
export const STATES = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'] as const;
export type NegotiationState = (typeof STATES)[number];
export type Role = 'provider' | 'consumer';

/** What moves a negotiation: one kind per DSP message (the event message splits into its two event types). */
export type MessageKind = 'request' | 'offer' | 'accepted' | 'agreement' | 'verification' | 'finalized' | 'termination';

export const MESSAGE_TYPES: Record<MessageKind, string> = {
  request: 'ContractRequestMessage',
  offer: 'ContractOfferMessage',
  accepted: 'ContractNegotiationEventMessage',
  agreement: 'ContractAgreementMessage',
  verification: 'ContractAgreementVerificationMessage',
  finalized: 'ContractNegotiationEventMessage',
  termination: 'ContractNegotiationTerminationMessage',
};

interface Rule {
  sender: Role | 'either';
  /** States the message may arrive in; `null` stands for "no negotiation yet" (the initiating messages). */
  from: ReadonlyArray<NegotiationState | null>;
  to: NegotiationState;
}

const NON_TERMINAL: NegotiationState[] = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED'];

export const TRANSITIONS: Record<MessageKind, Rule> = {
  request: { sender: 'consumer', from: [null, 'OFFERED'], to: 'REQUESTED' },
  offer: { sender: 'provider', from: [null, 'REQUESTED'], to: 'OFFERED' },
  accepted: { sender: 'consumer', from: ['OFFERED'], to: 'ACCEPTED' },
  agreement: { sender: 'provider', from: ['REQUESTED', 'ACCEPTED'], to: 'AGREED' },
  verification: { sender: 'consumer', from: ['AGREED'], to: 'VERIFIED' },
  finalized: { sender: 'provider', from: ['VERIFIED'], to: 'FINALIZED' },
  termination: { sender: 'either', from: NON_TERMINAL, to: 'TERMINATED' },
};

export interface IllegalTransition {
  kind: 'illegal-transition';
  message: MessageKind;
  sender: Role;
  from: NegotiationState | null;
  why: string;
}

export const isTerminal = (s: NegotiationState): boolean => s === 'FINALIZED' || s === 'TERMINATED';

/** The state `message` from `sender` leads to from `from` (`null`: it would start a negotiation), or why it cannot. */
export function transition(from: NegotiationState | null, message: MessageKind, sender: Role): Result<NegotiationState, IllegalTransition> {
  const rule = TRANSITIONS[message];
  const fail = (why: string) => err<IllegalTransition>({ kind: 'illegal-transition', message, sender, from, why });
  if (rule.sender !== 'either' && rule.sender !== sender) return fail(`a ${MESSAGE_TYPES[message]}${eventSuffix(message)} is sent by the ${rule.sender}, not the ${sender}`);
  if (!rule.from.includes(from)) {
    if (from === null) return fail(`a ${MESSAGE_TYPES[message]}${eventSuffix(message)} cannot start a negotiation`);
    if (isTerminal(from)) return fail(`the negotiation is ${from}, a terminal state`);
    return fail(`a ${MESSAGE_TYPES[message]}${eventSuffix(message)} is not allowed in state ${from}`);
  }
  return ok(rule.to);
}

const eventSuffix = (m: MessageKind) => (m === 'accepted' ? ' (ACCEPTED)' : m === 'finalized' ? ' (FINALIZED)' : '');

/** Whose move it is in `state`; undefined once the negotiation is over. */
export function nextActor(state: NegotiationState): Role | undefined {
  switch (state) {
    case 'REQUESTED':
    case 'ACCEPTED':
    case 'VERIFIED':
      return 'provider';
    case 'OFFERED':
    case 'AGREED':
      return 'consumer';
    default:
      return undefined;
  }
}

export const otherRole = (r: Role): Role => (r === 'provider' ? 'consumer' : 'provider');
