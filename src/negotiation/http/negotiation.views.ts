import type { ContractStatus } from '../app/ports.js';
import { nextActor } from '../domain/negotiation.machine.js';
import { pidsOf, type Negotiation } from '../domain/negotiation.js';

/** How the management API shows a negotiation: the DSP state names, plus what an operator needs to decide. */
export function negotiationView(n: Negotiation) {
  const next = nextActor(n.state);
  return {
    id: n.id,
    state: n.state,
    ...(n.agreementId ? { agreementId: n.agreementId } : {}),
    ...(n.state === 'TERMINATED' ? { reason: n.terminationReason ?? n.terminationCode ?? 'terminated' } : {}),
    ...(n.terminationCode ? { code: n.terminationCode } : {}),
    role: n.role,
    awaiting: next === undefined ? null : next === n.role ? ('operator' as const) : ('counterparty' as const),
    counterPartyId: n.counterpartyDid,
    counterPartyAddress: n.counterpartyAddress,
    ...pidsOf(n),
    offerId: n.offerId,
    target: n.target,
    offer: n.offer,
    ...(n.purpose ? { purpose: n.purpose } : {}),
    ...(n.agreement ? { agreement: n.agreement } : {}),
    history: n.history,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

/** An agreement with the status of the contract backing it: only an active contract can back an agreement. */
export function agreementView(n: Negotiation, contract: { id: string; status: ContractStatus } | undefined) {
  const status = contract?.status;
  const a = n.agreement ?? {};
  return {
    id: n.agreementId ?? '',
    negotiationId: n.id,
    role: n.role,
    providerId: String(a.assigner ?? ''),
    consumerId: String(a.assignee ?? ''),
    target: n.target,
    timestamp: String(a.timestamp ?? ''),
    agreement: a,
    contract: contract ? { id: contract.id, status: contract.status } : { status: 'none' },
    usable: status === 'active',
  };
}
