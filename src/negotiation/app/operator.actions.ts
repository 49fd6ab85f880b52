import { AppError, invalidField } from '../../kernel/index.js';
import { advance, pidsOf, start, type Negotiation, type Policy } from '../domain/negotiation.js';
import { validateMessageOffer } from '../domain/negotiation.messages.js';
import { messageUrl, offerMessage, requestMessage } from '../domain/negotiation.wire.js';
import { asMessageOffer } from '../domain/offer-terms.js';
import { checkCounterparty } from './counterparty.checks.js';
import { acceptStep, agreeStep, must, newPid, terminateStep, type NegotiationContext } from './negotiation.moves.js';
import { NegotiationProblem } from './negotiation.problem.js';
import type { Step } from './negotiation.runner.js';

/** What the operator does through the management API; every action is a transition of the same machine. */

export interface StartInput {
  counterPartyAddress: string;
  counterPartyId: string;
  offerId: string;
  /** The dataset holding the offer, when known: one dataset request instead of a catalog walk. */
  datasetId?: string | undefined;
  purpose?: string | undefined;
}

export const OPERATOR_TERMINATION = 'dases:terminated-by-operator';

const operatorMove = (ctx: NegotiationContext) => ({ at: ctx.clock.now(), direction: 'out' as const, by: 'operator' as const });

/** Consumer: asks the provider for one of its catalog offers (found in its catalog by @id). */
export async function startAsConsumer(ctx: NegotiationContext, input: StartInput): Promise<Negotiation> {
  const address = await checkCounterparty(ctx.participants, input.counterPartyId, input.counterPartyAddress);
  const found = await ctx.resolver.resolve({ counterPartyAddress: address, counterPartyId: input.counterPartyId, offerId: input.offerId, datasetId: input.datasetId });
  if (!found) throw new NegotiationProblem('DS_NEGOTIATION_OFFER_NOT_FOUND', `${input.counterPartyId} offers nothing with @id ${input.offerId}`, [{ path: '/body/offerId', message: 'not in the counterparty\'s catalog' }]);
  const offer = asMessageOffer(found.offer, found.target);
  const fields = { id: newPid(ctx), role: 'consumer' as const, counterpartyDid: input.counterPartyId, counterpartyAddress: address, offerId: input.offerId, target: found.target, offer, offerBy: 'consumer' as const, ownOffer: offer, purpose: input.purpose };
  const next = must(start(fields, 'request', operatorMove(ctx)), fields as Negotiation, 'operator');
  const body = requestMessage({ consumerPid: next.id, offer, callbackAddress: ctx.self.dspUrl, purpose: input.purpose });
  return ctx.runner.create({ next, sends: [{ kind: 'request', url: messageUrl('request', address, undefined), body }] });
}

/** Provider: offers terms to a consumer that asked for nothing yet (a provider-initiated negotiation). */
export async function offerAsProvider(ctx: NegotiationContext, input: { counterPartyAddress: string; counterPartyId: string; offer: Policy }): Promise<Negotiation> {
  const address = await checkCounterparty(ctx.participants, input.counterPartyId, input.counterPartyAddress);
  if (typeof input.offer.target !== 'string') throw invalidField('/body/offer/target', 'must name the dataset offered');
  const offer = operatorOffer(ctx, input.offer, input.offer.target);
  const fields = { id: newPid(ctx), role: 'provider' as const, counterpartyDid: input.counterPartyId, counterpartyAddress: address, offerId: String(offer['@id']), target: input.offer.target, offer, offerBy: 'provider' as const, ownOffer: offer };
  const next = must(start(fields, 'offer', operatorMove(ctx)), fields as Negotiation, 'operator');
  const body = offerMessage({ providerPid: next.id, offer, callbackAddress: ctx.self.dspUrl });
  return ctx.runner.create({ next, sends: [{ kind: 'offer', url: messageUrl('offer', address, undefined), body }] });
}

export type OperatorAction = { action: 'offer' | 'request'; offer: Policy } | { action: 'agree' | 'accept' } | { action: 'terminate'; code?: string | undefined; reason?: string | undefined };

/** Applies an operator action to negotiation `id` (counter-offer, agree, accept, counter-request, terminate). */
export async function act(ctx: NegotiationContext, id: string, a: OperatorAction): Promise<Negotiation> {
  const n = await ctx.store.get(id);
  if (!n) throw new NegotiationProblem('DS_NEGOTIATION_NOT_FOUND', `no negotiation ${id}`, [{ path: '/params/id', message: 'no such negotiation' }]);
  // The offer is normalised once, so that a retried decision does not mint a new @id.
  const offer = a.action === 'offer' || a.action === 'request' ? operatorOffer(ctx, a.offer, n.target) : undefined;
  return ctx.runner.change(n, (current): Promise<Step> => {
    switch (a.action) {
      case 'agree':
        return agreeStep(ctx, current, 'operator', 'operator');
      case 'accept':
        return Promise.resolve(acceptStep(ctx, current, 'operator', 'operator'));
      case 'terminate':
        return Promise.resolve(terminateStep(ctx, current, { code: a.code ?? OPERATOR_TERMINATION, reason: a.reason, by: 'operator', actor: 'operator' }));
      case 'offer':
      case 'request':
        return Promise.resolve(counter(ctx, current, a.action, offer!));
    }
  });
}

function counter(ctx: NegotiationContext, n: Negotiation, kind: 'offer' | 'request', offer: Policy): Step {
  const by = kind === 'offer' ? ('provider' as const) : ('consumer' as const);
  const next = must(advance(n, kind, operatorMove(ctx), { offer, offerBy: by, ownOffer: offer }), n, 'operator');
  if (next.counterpartyPid === undefined) throw new NegotiationProblem('DS_NEGOTIATION_ACTION_NOT_ALLOWED', `the counterparty's process id of ${n.id} is not known yet`, undefined, n);
  const pids = pidsOf(next);
  const body = kind === 'offer' ? offerMessage({ ...pids, offer }) : requestMessage({ ...pids, offer });
  return { next, sends: [{ kind, url: messageUrl(kind, n.counterpartyAddress, n.counterpartyPid), body }] };
}

/** An offer written by the operator: typed, identified (a fresh @id unless given), on the negotiated target, valid. */
function operatorOffer(ctx: NegotiationContext, offer: Policy, target: string): Policy {
  if (offer.target !== undefined && offer.target !== target) throw invalidField('/body/offer/target', `must be the negotiated dataset ${target}`);
  const typed = asMessageOffer({ ...offer, '@id': typeof offer['@id'] === 'string' ? offer['@id'] : newPid(ctx) }, target);
  const errors = validateMessageOffer(typed, '/body/offer');
  if (errors.length) throw new AppError('DS_HTTP_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  return typed;
}
