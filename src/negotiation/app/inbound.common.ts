import type { NegotiationState } from '../domain/negotiation.machine.js';
import { replayed, type Negotiation } from '../domain/negotiation.js';
import { digestOf, type NegotiationContext } from './negotiation.moves.js';
import { NegotiationProblem, notFound } from './negotiation.problem.js';
import type { Step } from './negotiation.runner.js';

/** A received DSP message, after schema validation and authentication. */
export interface Received {
  /** The authenticated sender. */
  caller: string;
  /** Our process id from the path (absent on the initiating endpoints). */
  pid?: string;
  body: Record<string, unknown>;
}

/** What the routes answer: the negotiation, and the state the received message led to (the ACK's state). */
export interface Ack {
  status: 200 | 201;
  negotiation: Negotiation;
  state: NegotiationState;
}

/**
 * The negotiation a message addresses: ours (path pid), created with the caller (else 404: unknown and
 * not-yours look the same), and named consistently in the body. A counterparty pid we had not learnt yet
 * (its answer to our first message still on the way) is adopted from the body.
 */
export async function addressed(ctx: NegotiationContext, m: Received): Promise<Negotiation> {
  const n = m.pid === undefined ? undefined : await ctx.store.get(m.pid);
  if (!n || n.counterpartyDid !== m.caller) throw notFound(m.pid ?? '');
  const [ourKey, theirKey] = n.role === 'provider' ? ['providerPid', 'consumerPid'] : ['consumerPid', 'providerPid'];
  const mismatch = (key: string, want: string) =>
    new NegotiationProblem('DS_NEGOTIATION_PID_MISMATCH', `${key} must be ${want}`, [{ path: `/body/${key}`, message: `must be ${want}` }], n);
  if (m.body[ourKey] !== n.id) throw mismatch(ourKey, n.id);
  const theirs = m.body[theirKey];
  if (n.counterpartyPid !== undefined && theirs !== n.counterpartyPid) throw mismatch(theirKey, n.counterpartyPid);
  return n;
}

/** The counterparty pid a message brings, for a negotiation that did not know it yet. */
export function adopt(n: Negotiation, body: Record<string, unknown>): Partial<Negotiation> {
  if (n.counterpartyPid !== undefined) return {};
  const theirs = body[n.role === 'provider' ? 'consumerPid' : 'providerPid'];
  return typeof theirs === 'string' ? { counterpartyPid: theirs } : {};
}

/**
 * Applies a received message to the negotiation it addresses. A message already applied (the outbox of the
 * other side retries after a lost answer) is answered again with the state it led to, and changes nothing.
 */
export async function receive(ctx: NegotiationContext, m: Received, decide: (n: Negotiation, digest: string) => Promise<Step>, ackState: NegotiationState): Promise<Ack> {
  const n = await addressed(ctx, m);
  const digest = digestOf(m.body);
  let state = ackState;
  const after = await ctx.runner.change(n, async (current) => {
    const seen = replayed(current, digest);
    if (seen) {
      state = seen.state;
      return undefined;
    }
    return decide(current, digest);
  });
  return { status: 200, negotiation: after, state };
}

/** A redelivered initiating message gets its first answer again; another message reusing the pid is refused. */
export function againOrRefuse(n: Negotiation, digest: string): Ack {
  const first = replayed(n, digest);
  if (first && n.history[0]?.digest === digest) return { status: 201, negotiation: n, state: first.state };
  const key = n.role === 'provider' ? 'consumerPid' : 'providerPid';
  throw new NegotiationProblem('DS_NEGOTIATION_ILLEGAL_TRANSITION', `${key} already names negotiation ${n.id}`, [{ path: `/body/${key}`, message: 'already in use: a new negotiation needs a new process id' }], n);
}
