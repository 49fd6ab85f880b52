import { err, ok, type Result } from '../../kernel/index.js';

/**
 * The DSP 2025-1 transfer process state machine, one table for both sides: a message moves a transfer the same way
 * whether we send it or receive it. Transitions are those of the protocol's state machine figure (C: consumer,
 * P: provider). One addition, documented in the README: a provider may send a TransferStartMessage in STARTED, the
 * answer to a consumer's resumption carrying a fresh DataAddress (the consumer moved to STARTED when it resumed).
 */
export const STATES = ['REQUESTED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'] as const;
export type TransferState = (typeof STATES)[number];
export type Role = 'provider' | 'consumer';
export type MessageKind = 'request' | 'start' | 'suspension' | 'completion' | 'termination';

export const MESSAGE_TYPES: Record<MessageKind, string> = {
  request: 'TransferRequestMessage',
  start: 'TransferStartMessage',
  suspension: 'TransferSuspensionMessage',
  completion: 'TransferCompletionMessage',
  termination: 'TransferTerminationMessage',
};

type Sender = Role | 'either';
interface Edge {
  from: TransferState | null;
  sender: Sender;
  to: TransferState;
}

const EDGES: Record<MessageKind, Edge[]> = {
  request: [{ from: null, sender: 'consumer', to: 'REQUESTED' }],
  start: [
    { from: 'REQUESTED', sender: 'provider', to: 'STARTED' },
    { from: 'SUSPENDED', sender: 'either', to: 'STARTED' },
    { from: 'STARTED', sender: 'provider', to: 'STARTED' },
  ],
  suspension: [{ from: 'STARTED', sender: 'either', to: 'SUSPENDED' }],
  completion: [{ from: 'STARTED', sender: 'either', to: 'COMPLETED' }],
  termination: (['REQUESTED', 'STARTED', 'SUSPENDED'] as const).map((from) => ({ from, sender: 'either' as const, to: 'TERMINATED' as const })),
};

export interface IllegalTransition {
  kind: 'illegal-transition';
  message: MessageKind;
  sender: Role;
  from: TransferState | null;
  why: string;
}

export const isTerminal = (s: TransferState): boolean => s === 'COMPLETED' || s === 'TERMINATED';
export const otherRole = (r: Role): Role => (r === 'provider' ? 'consumer' : 'provider');

/** The state `message` from `sender` leads to from `from` (`null`: it would start a transfer), or why it cannot. */
export function transition(from: TransferState | null, message: MessageKind, sender: Role): Result<TransferState, IllegalTransition> {
  const fail = (why: string) => err<IllegalTransition>({ kind: 'illegal-transition', message, sender, from, why });
  const type = MESSAGE_TYPES[message];
  const edges = EDGES[message];
  const here = edges.filter((e) => e.from === from);
  if (here.length === 0) {
    if (from === null) return fail(`a ${type} cannot start a transfer process`);
    if (isTerminal(from)) return fail(`the transfer process is ${from}, a terminal state`);
    return fail(`a ${type} is not allowed in state ${from}`);
  }
  const edge = here.find((e) => e.sender === 'either' || e.sender === sender);
  if (!edge) return fail(`in state ${String(from)} a ${type} is sent by the ${otherRole(sender)}, not the ${sender}`);
  return ok(edge.to);
}
