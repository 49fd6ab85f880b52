import { callbackAddressOf, datasetUuidOf, toOffer } from '../../dsp/index.js';
import { invalidField } from '../../kernel/index.js';
import type { Policy } from '../domain/negotiation.js';
import { isExactly } from '../domain/offer-terms.js';
import { NegotiationProblem } from './negotiation.problem.js';
import type { OfferCatalog, ParticipantLookup } from './ports.js';

/** The counterparty's callback address, checked by the DSP rule (src/dsp callbackAddressOf). */
export async function checkCallback(participants: ParticipantLookup, did: string, address: string, path = '/body/callbackAddress'): Promise<string> {
  const checked = callbackAddressOf(address, (await participants.get(did))?.endpoints.dsp);
  if (!checked.ok) throw new NegotiationProblem('DS_NEGOTIATION_INVALID_CALLBACK', `callbackAddress ${checked.why}`, [{ path, message: checked.why }]);
  return checked.url;
}

/** An address and DID the operator gave for a counterparty: http(s), no credentials, and an active participant. */
export async function checkCounterparty(participants: ParticipantLookup, did: string, address: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalidField('/body/counterPartyAddress', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('/body/counterPartyAddress', 'must be an http(s) URL');
  if (url.username || url.password) throw invalidField('/body/counterPartyAddress', 'must not carry credentials');
  const p = await participants.get(did);
  if (!p || p.status !== 'active') {
    // Its messages to us would be refused by authentication: the negotiation could never complete.
    throw new NegotiationProblem('DS_NEGOTIATION_UNKNOWN_PARTICIPANT', `${did} is not an active trusted participant of this node (add it first)`, [{ path: '/body/counterPartyId', message: 'not an active participant' }]);
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * How a requested offer relates to our catalog: `exact` (one of our offers for that dataset, unchanged), `known`
 * (the @id is one of that dataset's offers but the terms differ: a counter-offer) or `unknown`.
 */
export async function catalogMatch(catalog: OfferCatalog, offer: Policy, target: string): Promise<'exact' | 'known' | 'unknown'> {
  const uuid = datasetUuidOf(target);
  const dataset = uuid ? await catalog.getOfferedDataset(uuid) : undefined;
  const ours = dataset?.offers.find((o) => o.id === offer['@id']);
  if (!ours) return 'unknown';
  return isExactly(offer, toOffer(ours)) ? 'exact' : 'known';
}
