/**
 * The policy as it appears in a DSP catalog: an `Offer` whose `@id` is the offer id. DSP 2025-1 forbids a target
 * on an offer inside a catalog (the dataset is the target), so `target` is set only when the caller asks for it
 * (e.g. an offer sent in a ContractRequestMessage).
 */
export function normaliseOfferPolicy(policy: Record<string, unknown>, opts: { offerId: string; target?: string }): Record<string, unknown> {
  const { '@context': _context, '@id': _id, '@type': _type, target: _target, ...rest } = policy;
  const out: Record<string, unknown> = { '@id': opts.offerId, '@type': 'Offer', ...rest };
  if (opts.target !== undefined) out.target = opts.target;
  for (const kind of ['permission', 'prohibition', 'obligation']) {
    const v = out[kind];
    // DSP's schema wants rule arrays; a single rule object is ODRL-legal, so wrap it.
    if (v !== undefined && !Array.isArray(v)) out[kind] = [v];
  }
  return out;
}
