import { createHash } from 'node:crypto';
import { AppError, canonicalJson, type Clock, type IdGenerator, type Logger, type Result } from '../../kernel/index.js';
import type { IllegalTransition, MessageKind } from '../domain/negotiation.machine.js';
import { advance, pidsOf, type Move, type Negotiation, type Policy } from '../domain/negotiation.js';
import { SIGNATURE_TERM } from '../domain/negotiation.messages.js';
import { agreementMessage, eventMessage, messageUrl, terminationMessage } from '../domain/negotiation.wire.js';
import { buildAgreement } from '../domain/offer-terms.js';
import { NegotiationProblem, refused } from './negotiation.problem.js';
import type { Notifier } from '../../kernel/index.js';
import type { Runner, Step } from './negotiation.runner.js';
import type { ContractsPort, NegotiationStore, OfferCatalog, OfferResolver, OutboxPort, ParticipantLookup } from './ports.js';

/** Everything the use cases share. `self.dspUrl` is our DSP base, also the callback address we give. */
export interface NegotiationContext {
  store: NegotiationStore;
  runner: Runner;
  notifier: Notifier;
  outbox: OutboxPort;
  contracts: ContractsPort;
  catalog: OfferCatalog;
  participants: ParticipantLookup;
  resolver: OfferResolver;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  self: { did: string; dspUrl: string };
}

export type Actor = 'message' | 'operator';

export const newPid = (ctx: NegotiationContext): string => `urn:uuid:${ctx.ids.uuid()}`;

/** SHA-256 of a message's canonical JSON: recognises a redelivered message. */
export const digestOf = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

export function must<T>(r: Result<T, IllegalTransition>, n: Negotiation, actor: Actor): T {
  if (!r.ok) throw refused(r.error, n, actor);
  return r.value;
}

const out = (ctx: NegotiationContext, by: 'auto' | 'operator'): Move => ({ at: ctx.clock.now(), direction: 'out', by });

function send(n: Negotiation, kind: MessageKind, body: Record<string, unknown>): NonNullable<Step['sends']>[number] {
  if (n.counterpartyPid === undefined) throw new NegotiationProblem('DS_NEGOTIATION_ACTION_NOT_ALLOWED', `the counterparty's process id of ${n.id} is not known yet`, [{ path: '/params/id', message: 'wait for the counterparty to answer' }], n);
  return { kind, url: messageUrl(kind, n.counterpartyAddress, n.counterpartyPid), body };
}

/** The bilateral contract both nodes build from the agreement: the same document, hence the same hash, on each side. */
export function contractDoc(ctx: NegotiationContext, n: Negotiation, agreement: Policy): object {
  const [providerDid, consumerDid] = n.role === 'provider' ? [ctx.self.did, n.counterpartyDid] : [n.counterpartyDid, ctx.self.did];
  return ctx.contracts.bilateralFromAgreement({ agreement, providerDid, consumerDid, offerId: n.offerId, ...(n.purpose ? { purpose: n.purpose } : {}) });
}

/** Provider: agree to the offer on the table; the agreement message carries our signature of the contract. */
export async function agreeStep(ctx: NegotiationContext, n: Negotiation, by: 'auto' | 'operator', actor: Actor): Promise<Step> {
  const agreement = buildAgreement({ id: newPid(ctx), offer: n.offer, target: n.target, providerDid: ctx.self.did, consumerDid: n.counterpartyDid, timestamp: ctx.clock.now().toISOString() });
  const next = must(advance(n, 'agreement', out(ctx, by), { agreement, agreementId: String(agreement['@id']) }), n, actor);
  const signature = await ctx.contracts.sign(contractDoc(ctx, next, agreement));
  const signed = { ...next, providerSignature: signature };
  return { next: signed, sends: [send(signed, 'agreement', agreementMessage(pidsOf(signed), agreement, signature))] };
}

/** Consumer: accept the provider's offer on the table. */
export function acceptStep(ctx: NegotiationContext, n: Negotiation, by: 'auto' | 'operator', actor: Actor): Step {
  const next = must(advance(n, 'accepted', out(ctx, by)), n, actor);
  return { next, sends: [send(next, 'accepted', eventMessage(pidsOf(next), 'ACCEPTED'))] };
}

/** Provider, once verified: both signatures are in, so the contract is recorded and the negotiation finalised. */
export function finalizeStep(ctx: NegotiationContext, n: Negotiation): Step {
  const next = must(advance(n, 'finalized', out(ctx, 'auto')), n, 'message');
  return { next, sends: [send(next, 'finalized', eventMessage(pidsOf(next), 'FINALIZED'))], record: recordContract(ctx, next) };
}

/** Records the signed contract of a negotiation holding an agreement and both signatures. */
export function recordContract(ctx: NegotiationContext, n: Negotiation): Step['record'] {
  const { agreement, providerSignature, consumerSignature } = n;
  if (!agreement || !providerSignature || !consumerSignature) throw new Error(`negotiation ${n.id} has no agreement signed by both parties`);
  const doc = contractDoc(ctx, n, agreement);
  return async (tx) => {
    const r = await ctx.contracts.recordSigned(tx, doc, [providerSignature, consumerSignature]);
    if (r.status !== 'active') ctx.logger.warn({ negotiation: n.id, contract: r.contractId, status: r.status }, 'the contract of a finalised negotiation is not active');
  };
}

/** Either side: terminate; the counterparty is told when we know its process id (else it learns on its next message). */
export function terminateStep(ctx: NegotiationContext, n: Negotiation, t: { code: string; reason?: string | undefined; by: 'auto' | 'operator'; actor: Actor }): Step {
  const next = must(advance(n, 'termination', out(ctx, t.by), { terminationCode: t.code, terminationReason: t.reason }), n, t.actor);
  if (n.counterpartyPid === undefined) return { next };
  return { next, sends: [send(next, 'termination', terminationMessage(pidsOf(next), t.code, t.reason))] };
}

/** The counterparty's signature of the contract carried by `body`, checked against the negotiation's agreement. */
export async function verifiedSignature(ctx: NegotiationContext, n: Negotiation, body: Record<string, unknown>): Promise<string> {
  const jws = body[SIGNATURE_TERM];
  const path = `/body/${SIGNATURE_TERM}`;
  if (typeof jws !== 'string') throw new NegotiationProblem('DS_NEGOTIATION_SIGNATURE_INVALID', `the message must carry the sender's contract signature as ${SIGNATURE_TERM}`, [{ path, message: 'missing' }], n);
  if (!n.agreement) throw new Error(`negotiation ${n.id} has no agreement to verify a signature against`);
  try {
    await ctx.contracts.verifySignature(contractDoc(ctx, n, n.agreement), jws, n.counterpartyDid);
  } catch (e) {
    // Only a verdict on the signature is the sender's fault; a DID that cannot be resolved now is worth a retry.
    if (!(e instanceof AppError) || e.code !== 'DS_CONTRACT_SIGNATURE_INVALID') throw e;
    throw new NegotiationProblem('DS_NEGOTIATION_SIGNATURE_INVALID', `the contract signature does not verify: ${e.message}`, [{ path, message: 'does not verify' }], n);
  }
  return jws;
}
