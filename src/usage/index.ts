// Usage control: the policy decision side of the enforcement point (agreement checks, ODRL evaluation with atomic
// use counters) and the policy monitor of running transfers.
export { createUsage, type TransferAdmission, type Usage, type UsageDeps } from './app/usage.service.js';
export type { AgreementRecord, AgreementLookup, ContractStatus, ContractStatusLookup, DatasetFlags, DatasetLookup } from './app/usage.ports.js';
export type { UsageDenial } from './domain/usage-denial.js';
