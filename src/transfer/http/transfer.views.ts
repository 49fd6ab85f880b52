import { pidsOf, type Transfer } from '../domain/transfer.js';

/** How the management API shows a transfer: the DSP state names and what an operator needs. Tokens never appear. */
export function transferView(t: Transfer) {
  return {
    id: t.id,
    state: t.state,
    ...(t.state === 'TERMINATED' ? { reason: t.terminationReason ?? t.terminationCode ?? 'terminated' } : {}),
    ...(t.terminationCode ? { code: t.terminationCode } : {}),
    role: t.role,
    counterPartyId: t.counterpartyDid,
    counterPartyAddress: t.counterpartyAddress,
    ...pidsOf(t),
    agreementId: t.agreementId,
    datasetId: t.datasetId,
    format: t.format,
    finite: t.finite,
    ...(t.bytes !== undefined ? { bytes: t.bytes } : {}),
    ...(t.sha256 !== undefined ? { sha256: t.sha256 } : {}),
    history: t.history as unknown as Array<Record<string, unknown>>,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
