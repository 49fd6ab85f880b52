import { canonicalJson, type FieldError } from '../../kernel/index.js';
import type { Policy } from './negotiation.js';

/**
 * Comparing offers and agreements by their terms. Identity and bookkeeping properties (@id, @type, target, the
 * parties, the timestamp, a JSON-LD @context) are not terms: two policies with the same rules, duties and
 * profile say the same thing. Comparison is on RFC 8785 canonical JSON, so key order does not matter.
 */
const NOT_TERMS = new Set(['@context', '@id', '@type', 'uid', 'target', 'assigner', 'assignee', 'timestamp']);

export function termsOf(policy: Policy): Policy {
  return Object.fromEntries(Object.entries(policy).filter(([k]) => !NOT_TERMS.has(k)));
}

export const sameTerms = (a: Policy, b: Policy): boolean => canonicalJson(termsOf(a)) === canonicalJson(termsOf(b));

/** A request for exactly a catalog offer: same @id, same terms (the catalog offer carries no target). */
export const isExactly = (offer: Policy, catalogOffer: Policy): boolean => offer['@id'] === catalogOffer['@id'] && sameTerms(offer, catalogOffer);

/** The offer as sent in a negotiation message: typed, with the target and without a JSON-LD context of its own. */
export function asMessageOffer(offer: Policy, target: string): Policy {
  const { '@context': _c, uid: _u, ...rest } = offer;
  return { ...rest, '@type': 'Offer', target };
}

export interface AgreementInput {
  id: string;
  offer: Policy;
  target: string;
  providerDid: string;
  consumerDid: string;
  timestamp: string;
}

/** The ODRL Agreement a provider issues for the offer on the table: its terms, between the two parties, on the target. */
export function buildAgreement(a: AgreementInput): Policy {
  return { '@id': a.id, '@type': 'Agreement', ...termsOf(a.offer), target: a.target, assigner: a.providerDid, assignee: a.consumerDid, timestamp: a.timestamp };
}

/** What a consumer checks in a received agreement: its terms are the latest offer's, between the right parties. */
export function checkAgreement(agreement: Policy, expected: { offer: Policy; target: string; providerDid: string; consumerDid: string }): FieldError[] {
  const errors: FieldError[] = [];
  const at = (p: string, message: string) => errors.push({ path: `/body/agreement${p}`, message });
  if (agreement.target !== expected.target) at('/target', `must be the negotiated dataset ${expected.target}`);
  if (agreement.assigner !== expected.providerDid) at('/assigner', `must be the provider ${expected.providerDid}`);
  if (agreement.assignee !== expected.consumerDid) at('/assignee', `must be the consumer ${expected.consumerDid}`);
  if (!sameTerms(agreement, expected.offer)) at('', 'its rules differ from the latest offer of the negotiation');
  return errors;
}
