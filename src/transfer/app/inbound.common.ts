import { callbackAddressOf } from '../../dsp/index.js';
import type { TransferState } from '../domain/transfer.machine.js';
import type { Transfer } from '../domain/transfer.js';
import type { TransferContext } from './transfer.context.js';
import { notFound, TransferProblem } from './transfer.problem.js';
import type { Step } from './transfer.runner.js';
import type { ParticipantLookup } from './ports.js';

/** A received DSP message, after schema validation and authentication. */
export interface Received {
  caller: string;
  /** Our process id from the path (absent on the request endpoint). */
  pid?: string;
  body: Record<string, unknown>;
}

/** What the routes answer: the transfer, and the state the ACK names. */
export interface Ack {
  status: 200 | 201;
  transfer: Transfer;
  state: TransferState;
}

/**
 * The transfer a message addresses: ours (path pid), with the caller as counterparty (else 404: unknown and
 * not-yours look the same, as the binding asks), and naming both pids consistently. A counterparty pid not learnt
 * yet (its answer to our request still on the way) is adopted from the body.
 */
export async function addressed(ctx: TransferContext, m: Received, read?: Transfer): Promise<Transfer> {
  const t = read ?? (m.pid === undefined ? undefined : await ctx.store.get(m.pid));
  if (!t || t.counterpartyDid !== m.caller) throw notFound(m.pid ?? '');
  const [ourKey, theirKey] = t.role === 'provider' ? ['providerPid', 'consumerPid'] : ['consumerPid', 'providerPid'];
  const mismatch = (key: string, want: string) => new TransferProblem('DS_TRANSFER_PID_MISMATCH', `${key} must be ${want}`, [{ path: `/body/${key}`, message: `must be ${want}` }], t);
  if (m.body[ourKey] !== t.id) throw mismatch(ourKey, t.id);
  const theirs = m.body[theirKey];
  if (t.counterpartyPid !== undefined && theirs !== t.counterpartyPid) throw mismatch(theirKey, t.counterpartyPid);
  return t;
}

/** The counterparty pid a message brings, for a transfer that did not know it yet. */
export function adopt(t: Transfer, body: Record<string, unknown>): Partial<Transfer> {
  if (t.counterpartyPid !== undefined) return {};
  const theirs = body[t.role === 'provider' ? 'consumerPid' : 'providerPid'];
  return typeof theirs === 'string' ? { counterpartyPid: theirs } : {};
}

/**
 * Applies a received message to the transfer it addresses; `decide` returns undefined for "already so" (a
 * redelivery). `read`: the transfer of the message's pid, when the caller read it already.
 */
export async function receive(ctx: TransferContext, m: Received, decide: (t: Transfer) => Promise<Step | undefined> | Step | undefined, read?: Transfer): Promise<Ack> {
  const t = await addressed(ctx, m, read);
  const after = await ctx.runner.change(t, decide);
  return { status: 200, transfer: after, state: after.state };
}

/** The counterparty's callback address, checked by the DSP rule (src/dsp callbackAddressOf). */
export async function checkCallback(participants: ParticipantLookup, did: string, address: string): Promise<string> {
  const checked = callbackAddressOf(address, (await participants.get(did))?.endpoints.dsp);
  if (!checked.ok) throw new TransferProblem('DS_TRANSFER_INVALID_CALLBACK', `callbackAddress ${checked.why}`, [{ path: '/body/callbackAddress', message: checked.why }]);
  return checked.url;
}
