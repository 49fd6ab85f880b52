import { DSP_CONTEXT } from '../../kernel/index.js';
import type { MessageKind, NegotiationState } from './negotiation.machine.js';
import type { Policy } from './negotiation.js';
import { PURPOSE_TERM, SIGNATURE_TERM } from './negotiation.messages.js';

/**
 * The DSP 2025-1 negotiation messages this node sends, and where they go (HTTPS binding). Provider endpoints
 * hang off the provider's DSP base; consumer endpoints off the callback address the consumer gave (ours is our
 * DSP base too), except the initiating offer, which goes to the consumer's DSP base.
 */
type Json = Record<string, unknown>;
const head = (type: string) => ({ '@context': [DSP_CONTEXT], '@type': type });

export interface Pids {
  providerPid: string;
  consumerPid: string;
}

export function requestMessage(m: { consumerPid: string; providerPid?: string | undefined; offer: Policy; callbackAddress?: string | undefined; purpose?: string | undefined }): Json {
  // Exactly one of callbackAddress (initiating) and providerPid (counter-request): the schema's oneOf.
  return {
    ...head('ContractRequestMessage'),
    consumerPid: m.consumerPid,
    ...(m.providerPid ? { providerPid: m.providerPid } : { callbackAddress: m.callbackAddress }),
    offer: m.offer,
    ...(m.purpose ? { [PURPOSE_TERM]: m.purpose } : {}),
  };
}

export function offerMessage(m: { providerPid: string; consumerPid?: string | undefined; offer: Policy; callbackAddress?: string | undefined }): Json {
  return { ...head('ContractOfferMessage'), providerPid: m.providerPid, ...(m.consumerPid ? { consumerPid: m.consumerPid } : { callbackAddress: m.callbackAddress }), offer: m.offer };
}

export const agreementMessage = (p: Pids, agreement: Policy, signature: string): Json => ({ ...head('ContractAgreementMessage'), ...p, agreement, [SIGNATURE_TERM]: signature });
export const verificationMessage = (p: Pids, signature: string): Json => ({ ...head('ContractAgreementVerificationMessage'), ...p, [SIGNATURE_TERM]: signature });
export const eventMessage = (p: Pids, eventType: 'ACCEPTED' | 'FINALIZED'): Json => ({ ...head('ContractNegotiationEventMessage'), ...p, eventType });

export function terminationMessage(p: Pids, code: string, reason: string | undefined): Json {
  return { ...head('ContractNegotiationTerminationMessage'), ...p, code, ...(reason ? { reason: [reason] } : {}) };
}

/** The ACK: the negotiation as the protocol shows it. */
export const negotiationAck = (p: Pids, state: NegotiationState): Json => ({ ...head('ContractNegotiation'), ...p, state });

const base = (address: string) => address.replace(/\/+$/, '');
const seg = (pid: string) => encodeURIComponent(pid);

/** The URL a message of `kind` goes to, given the counterparty's negotiation base and its pid (undefined: initiating). */
export function messageUrl(kind: MessageKind, address: string, counterpartyPid: string | undefined): string {
  const b = base(address);
  if (counterpartyPid === undefined) {
    if (kind === 'request') return `${b}/negotiations/request`;
    if (kind === 'offer') return `${b}/negotiations/offers`;
    throw new Error(`a ${kind} message needs the counterparty's process id`);
  }
  const p = `${b}/negotiations/${seg(counterpartyPid)}`;
  switch (kind) {
    case 'request':
      return `${p}/request`;
    case 'offer':
      return `${p}/offers`;
    case 'agreement':
      return `${p}/agreement`;
    case 'verification':
      return `${p}/agreement/verification`;
    case 'accepted':
    case 'finalized':
      return `${p}/events`;
    case 'termination':
      return `${p}/termination`;
  }
}

/** The message kind of a body this node sent (for outbox outcomes). */
export function kindOfBody(body: unknown): MessageKind | undefined {
  const b = (body ?? {}) as Json;
  switch (b['@type']) {
    case 'ContractRequestMessage':
      return 'request';
    case 'ContractOfferMessage':
      return 'offer';
    case 'ContractAgreementMessage':
      return 'agreement';
    case 'ContractAgreementVerificationMessage':
      return 'verification';
    case 'ContractNegotiationEventMessage':
      return b.eventType === 'ACCEPTED' ? 'accepted' : 'finalized';
    case 'ContractNegotiationTerminationMessage':
      return 'termination';
    default:
      return undefined;
  }
}
