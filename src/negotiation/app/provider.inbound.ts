import { invalidField } from '../../kernel/index.js';
import { advance, start, type Negotiation, type Policy } from '../domain/negotiation.js';
import { PURPOSE_TERM } from '../domain/negotiation.messages.js';
import { sameTerms } from '../domain/offer-terms.js';
import { catalogMatch, checkCallback } from './counterparty.checks.js';
import { adopt, againOrRefuse, receive, type Ack, type Received } from './inbound.common.js';
import { agreeStep, digestOf, finalizeStep, must, newPid, verifiedSignature, type NegotiationContext } from './negotiation.moves.js';
import { isUniqueViolation, NegotiationProblem } from './negotiation.problem.js';
import type { Step } from './negotiation.runner.js';

/**
 * The provider side of received messages. Decisions: a request for exactly one of our catalog offers (or for
 * exactly our own last offer) is agreed at once, in the transaction that records it; any other request waits
 * for the operator (counter-offer, agree or terminate); a request for an offer we do not know is refused.
 */

const offerTarget = (offer: Policy): string => {
  if (typeof offer.target !== 'string') throw invalidField('/body/offer/target', 'an offer in a contract request must name its target dataset');
  return offer.target;
};

/** The value of a settled promise, or its error thrown. */
function settled<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

/** POST /negotiations/request: a consumer starts a negotiation. */
export async function receiveInitialRequest(ctx: NegotiationContext, m: Received): Promise<Ack> {
  const { body, caller } = m;
  const consumerPid = String(body.consumerPid);
  const digest = digestOf(body);
  const offer = body.offer as Policy;
  // Three independent reads at once (one round trip instead of three); judged in the order they always were.
  const [existing, callback, match] = await Promise.allSettled([
    ctx.store.byCounterpartyPid(caller, consumerPid),
    checkCallback(ctx.participants, caller, String(body.callbackAddress)),
    Promise.resolve().then(() => catalogMatch(ctx.catalog, offer, offerTarget(offer))),
  ]);
  const existingN = settled(existing);
  if (existingN) return againOrRefuse(existingN, digest);
  const callbackUrl = settled(callback);
  const target = offerTarget(offer);
  if (settled(match) === 'unknown') {
    throw new NegotiationProblem('DS_NEGOTIATION_UNKNOWN_OFFER', `offer ${String(offer['@id'])} is not an offer of dataset ${target} in this catalog`, [{ path: '/body/offer/@id', message: 'no such offer for this target' }]);
  }
  const purpose = typeof body[PURPOSE_TERM] === 'string' ? (body[PURPOSE_TERM] as string) : undefined;
  const fields = { id: newPid(ctx), role: 'provider' as const, counterpartyDid: caller, counterpartyAddress: callbackUrl, counterpartyPid: consumerPid, offerId: String(offer['@id']), target, offer, offerBy: 'consumer' as const, purpose };
  const requested = must(start(fields, 'request', { at: ctx.clock.now(), direction: 'in', digest }), fields as Negotiation, 'message');
  const step: Step = settled(match) === 'exact' ? await agreeStep(ctx, requested, 'auto', 'message') : { next: requested };
  try {
    return { status: 201, negotiation: await ctx.runner.create(step), state: 'REQUESTED' };
  } catch (e) {
    // The same request delivered twice at once: the unique (counterparty, consumerPid) index lets one through.
    const winner = isUniqueViolation(e) ? await ctx.store.byCounterpartyPid(caller, consumerPid) : undefined;
    if (winner) return againOrRefuse(winner, digest);
    throw e;
  }
}

/** POST /negotiations/:providerPid/request: the consumer's counter-request after our offer. */
export function receiveCounterRequest(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const offer = m.body.offer as Policy;
      if (offer.target !== undefined && offer.target !== n.target) throw invalidField('/body/offer/target', `must be the negotiated dataset ${n.target}`);
      const withTarget = { ...offer, target: n.target };
      const next = must(advance(n, 'request', { at: ctx.clock.now(), direction: 'in', digest }, { ...adopt(n, m.body), offer: withTarget, offerBy: 'consumer' }), n, 'message');
      const ours = n.ownOffer !== undefined && sameTerms(withTarget, n.ownOffer);
      const agreeable = ours || (await catalogMatch(ctx.catalog, withTarget, n.target)) === 'exact';
      return agreeable ? agreeStep(ctx, next, 'auto', 'message') : { next };
    },
    'REQUESTED',
  );
}

/** POST /negotiations/:providerPid/events (ACCEPTED): the consumer accepts our offer, which we then agree to. */
export function receiveAccepted(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const next = must(advance(n, 'accepted', { at: ctx.clock.now(), direction: 'in', digest }, adopt(n, m.body)), n, 'message');
      return agreeStep(ctx, next, 'auto', 'message');
    },
    'ACCEPTED',
  );
}

/** POST /negotiations/:providerPid/agreement/verification: the consumer's signature completes the contract. */
export function receiveVerification(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const next = must(advance(n, 'verification', { at: ctx.clock.now(), direction: 'in', digest }, adopt(n, m.body)), n, 'message');
      const signature = await verifiedSignature(ctx, next, m.body);
      return finalizeStep(ctx, { ...next, consumerSignature: signature });
    },
    'VERIFIED',
  );
}
