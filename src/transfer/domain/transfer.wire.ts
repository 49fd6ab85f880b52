import { DSP_CONTEXT } from '../../kernel/index.js';
import type { MessageKind, TransferState } from './transfer.machine.js';
import type { DataAddress } from './transfer.types.js';

/**
 * The DSP 2025-1 transfer messages this node sends, and where they go (HTTPS binding): provider endpoints hang off
 * the provider's DSP base, consumer endpoints off the callback address the consumer gave (ours: our DSP base).
 */
type Json = Record<string, unknown>;
const head = (type: string) => ({ '@context': [DSP_CONTEXT], '@type': type });

export interface Pids {
  providerPid: string;
  consumerPid: string;
}

/**
 * Our extension of the TransferRequestMessage for personal data: the consent token the person's intermediary issued
 * to the consumer (a JWT; the provider checks it). An absolute IRI, so any JSON-LD processor reads it unambiguously.
 */
export const CONSENT_TOKEN = 'https://w3id.org/dases/ns#consentToken';

export function requestMessage(m: { consumerPid: string; agreementId: string; format: string; callbackAddress: string; dataAddress?: DataAddress | undefined; consentToken?: string | undefined }): Json {
  return {
    ...head('TransferRequestMessage'),
    consumerPid: m.consumerPid,
    agreementId: m.agreementId,
    format: m.format,
    ...(m.dataAddress ? { dataAddress: m.dataAddress } : {}),
    callbackAddress: m.callbackAddress,
    ...(m.consentToken ? { [CONSENT_TOKEN]: m.consentToken } : {}),
  };
}
export const startMessage = (p: Pids, dataAddress?: DataAddress): Json => ({ ...head('TransferStartMessage'), ...p, ...(dataAddress ? { dataAddress } : {}) });
export const completionMessage = (p: Pids): Json => ({ ...head('TransferCompletionMessage'), ...p });

export function codeMessage(kind: 'suspension' | 'termination', p: Pids, code: string | undefined, reason: string | undefined): Json {
  const type = kind === 'suspension' ? 'TransferSuspensionMessage' : 'TransferTerminationMessage';
  return { ...head(type), ...p, ...(code ? { code } : {}), ...(reason ? { reason: [reason] } : {}) };
}

/** The ACK: the transfer process as the protocol shows it. */
export const transferProcess = (p: Pids, state: TransferState): Json => ({ ...head('TransferProcess'), ...p, state });

const PATHS: Record<Exclude<MessageKind, 'request'>, string> = { start: 'start', suspension: 'suspension', completion: 'completion', termination: 'termination' };

/** The URL a message of `kind` goes to, given the counterparty's base and its pid (undefined only for the request). */
export function messageUrl(kind: MessageKind, address: string, counterpartyPid: string | undefined): string {
  const b = address.replace(/\/+$/, '');
  if (kind === 'request') return `${b}/transfers/request`;
  if (counterpartyPid === undefined) throw new Error(`a ${kind} message needs the counterparty's process id`);
  return `${b}/transfers/${encodeURIComponent(counterpartyPid)}/${PATHS[kind]}`;
}

/** The message kind of a body this node sent (for outbox outcomes). */
export function kindOfBody(body: unknown): MessageKind | undefined {
  switch ((body as Json | null)?.['@type']) {
    case 'TransferRequestMessage':
      return 'request';
    case 'TransferStartMessage':
      return 'start';
    case 'TransferSuspensionMessage':
      return 'suspension';
    case 'TransferCompletionMessage':
      return 'completion';
    case 'TransferTerminationMessage':
      return 'termination';
    default:
      return undefined;
  }
}

/** The DSP reason array as one readable text (its items are implementation-specific). */
export function reasonText(reason: unknown): string | undefined {
  if (!Array.isArray(reason) || reason.length === 0) return undefined;
  return reason
    .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
    .join('; ')
    .slice(0, 2000);
}
