/**
 * What usage control needs from other contexts, as structural subsets (the lead wires negotiation, contracts
 * and the catalog reader).
 */
export type ContractStatus = 'pending' | 'active' | 'superseded' | 'terminated' | 'revoked' | 'expired';

/** A finalized DSP agreement seen from this node (src/negotiation `agreement(id)`). */
export interface AgreementRecord {
  agreementId: string;
  role: 'provider' | 'consumer';
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  /** The ODRL Agreement as both parties signed it (compacted DSP JSON-LD). */
  policy: Record<string, unknown>;
  purpose?: string;
  agreedAt: Date;
}

export interface AgreementLookup {
  agreement(agreementId: string): Promise<AgreementRecord | undefined>;
}

export interface ContractStatusLookup {
  statusOfAgreement(agreementId: string): Promise<ContractStatus | undefined>;
}

/** What the gate needs of a dataset: whether it is flagged as personal data. */
export interface DatasetFlags {
  containsPersonalData: boolean;
}

/** The catalog reader: only whether the dataset is still offered and flagged as personal data. */
export interface DatasetLookup {
  getOfferedDataset(id: string): Promise<DatasetFlags | undefined>;
}
