import type { Transfer } from '../domain/transfer.js';
import type { ExchangeReportsPort } from './ports.js';
import type { TransitionHook } from './transfer.runner.js';

const REPORTED = new Set(['STARTED', 'COMPLETED', 'TERMINATED']);

/**
 * Provider: a transfer of personal data under a consent is reported to the person's intermediary when it starts and
 * when it ends (in the transaction that records it), so the person sees who received what and when. A resumption
 * (SUSPENDED → STARTED) is reported like a start. Nothing is reported of a transfer without a consent.
 */
export function reportConsentedExchanges(selfDid: string, reports: ExchangeReportsPort): TransitionHook {
  const intermediaryOf = (t: Transfer) => (t.role === 'provider' && REPORTED.has(t.state) ? t.consent?.intermediaryDid || undefined : undefined);
  return {
    applies: (_before, t) => intermediaryOf(t) !== undefined,
    async run(tx, _before, t) {
      const intermediaryDid = intermediaryOf(t);
      if (!intermediaryDid || !t.consent) return;
      await reports.reportExchange(tx, {
        intermediaryDid,
        consentId: t.consent.id,
        transferId: t.id,
        role: 'provider',
        providerDid: selfDid,
        consumerDid: t.counterpartyDid,
        datasetId: t.datasetId,
        state: t.state as 'STARTED' | 'COMPLETED' | 'TERMINATED',
        at: t.updatedAt,
        ...(t.bytes !== undefined ? { bytes: t.bytes } : {}),
        ...(t.sha256 !== undefined ? { sha256: t.sha256 } : {}),
        ...(t.terminationReason !== undefined ? { reason: t.terminationReason } : {}),
      });
    },
  };
}
