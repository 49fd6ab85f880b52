import { invalidField } from '../../kernel/index.js';
import { advance, pidsOf, start, type Negotiation, type Policy } from '../domain/negotiation.js';
import { messageUrl, verificationMessage } from '../domain/negotiation.wire.js';
import { checkAgreement, sameTerms } from '../domain/offer-terms.js';
import { checkCallback } from './counterparty.checks.js';
import { adopt, againOrRefuse, receive, type Ack, type Received } from './inbound.common.js';
import { acceptStep, contractDoc, digestOf, must, newPid, recordContract, verifiedSignature, type NegotiationContext } from './negotiation.moves.js';
import { isUniqueViolation, NegotiationProblem } from './negotiation.problem.js';

/**
 * The consumer side of received messages. Decisions: an offer with the terms we requested is accepted at once;
 * any other offer (and every provider-initiated one) waits for the operator (accept, counter-request, terminate).
 * An agreement is verified at once if it carries the terms on the table, between the right parties, signed by
 * the provider: our own signature goes back in the verification message.
 */

/** POST /negotiations/offers: a provider starts a negotiation with an offer. */
export async function receiveInitialOffer(ctx: NegotiationContext, m: Received): Promise<Ack> {
  const { body, caller } = m;
  const providerPid = String(body.providerPid);
  const digest = digestOf(body);
  const existing = await ctx.store.byCounterpartyPid(caller, providerPid);
  if (existing) return againOrRefuse(existing, digest);
  const callback = await checkCallback(ctx.participants, caller, String(body.callbackAddress));
  const offer = body.offer as Policy;
  const fields = { id: newPid(ctx), role: 'consumer' as const, counterpartyDid: caller, counterpartyAddress: callback, counterpartyPid: providerPid, offerId: String(offer['@id']), target: String(offer.target), offer, offerBy: 'provider' as const };
  const offered = must(start(fields, 'offer', { at: ctx.clock.now(), direction: 'in', digest }), fields as Negotiation, 'message');
  try {
    return { status: 201, negotiation: await ctx.runner.create({ next: offered }), state: 'OFFERED' };
  } catch (e) {
    const winner = isUniqueViolation(e) ? await ctx.store.byCounterpartyPid(caller, providerPid) : undefined;
    if (winner) return againOrRefuse(winner, digest);
    throw e;
  }
}

/** POST /negotiations/:consumerPid/offers: the provider's counter-offer. */
export function receiveCounterOffer(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const offer = m.body.offer as Policy;
      if (offer.target !== n.target) throw invalidField('/body/offer/target', `must be the negotiated dataset ${n.target}`);
      const next = must(advance(n, 'offer', { at: ctx.clock.now(), direction: 'in', digest }, { ...adopt(n, m.body), offer, offerBy: 'provider' }), n, 'message');
      return n.ownOffer !== undefined && sameTerms(offer, n.ownOffer) ? acceptStep(ctx, next, 'auto', 'message') : { next };
    },
    'OFFERED',
  );
}

/** POST /negotiations/:consumerPid/agreement: checked, its signature verified, then verified with ours. */
export function receiveAgreement(ctx: NegotiationContext, m: Received): Promise<Ack> {
  // Which negotiation holds the agreement id is read beside the negotiation itself (one round trip, not two);
  // a decision made again after a concurrent change reads it again.
  let prefetched: Promise<Negotiation | undefined> | undefined = ctx.store.byAgreementId(String((m.body.agreement as Policy | undefined)?.['@id']));
  prefetched.catch(() => undefined);
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const agreement = m.body.agreement as Policy;
      const agreed = must(advance(n, 'agreement', { at: ctx.clock.now(), direction: 'in', digest }, { ...adopt(n, m.body), agreement, agreementId: String(agreement['@id']) }), n, 'message');
      const errors = checkAgreement(agreement, { offer: n.offer, target: n.target, providerDid: n.counterpartyDid, consumerDid: ctx.self.did });
      // Read while the signature is checked (CPU); judged first, as before.
      const holding = prefetched ?? ctx.store.byAgreementId(String(agreement['@id']));
      prefetched = undefined;
      const checking = verifiedSignature(ctx, agreed, m.body).then(
        (signature) => ({ signature }),
        (error: unknown) => ({ error }),
      );
      const holder = await holding;
      if (holder && holder.id !== n.id) errors.push({ path: '/body/agreement/@id', message: 'already the id of another agreement' });
      if (errors.length) throw new NegotiationProblem('DS_NEGOTIATION_AGREEMENT_MISMATCH', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors, n);
      const checked = await checking;
      if ('error' in checked) throw checked.error;
      const providerSignature = checked.signature;
      const consumerSignature = await ctx.contracts.sign(contractDoc(ctx, agreed, agreement));
      const verified = must(advance({ ...agreed, providerSignature }, 'verification', { at: ctx.clock.now(), direction: 'out', by: 'auto' }, { consumerSignature }), agreed, 'message');
      const url = messageUrl('verification', verified.counterpartyAddress, verified.counterpartyPid);
      return { next: verified, sends: [{ kind: 'verification', url, body: verificationMessage(pidsOf(verified), consumerSignature) }] };
    },
    'AGREED',
  );
}

/** POST /negotiations/:consumerPid/events (FINALIZED): the contract, signed by both, is recorded on our side too. */
export function receiveFinalized(ctx: NegotiationContext, m: Received): Promise<Ack> {
  return receive(
    ctx,
    m,
    async (n, digest) => {
      const next = must(advance(n, 'finalized', { at: ctx.clock.now(), direction: 'in', digest }, adopt(n, m.body)), n, 'message');
      return { next, record: recordContract(ctx, next) };
    },
    'FINALIZED',
  );
}
