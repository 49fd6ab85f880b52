import type { EcosystemContract } from '../domain/contract-document.js';

const A = 'did:web:a.example';
const B = 'did:web:b.example';
const C = 'did:web:c.example';

/** Test fixture: a three-member ecosystem contract (A orchestrates, B provides, C consumes). */
export const ecosystem = (over: Partial<EcosystemContract> = {}): EcosystemContract => ({
  type: 'EcosystemContract',
  id: 'urn:uuid:eco-1',
  version: 1,
  proposer: A,
  createdAt: '2026-01-01T00:00:00Z',
  ecosystemId: 'urn:uuid:impact-study',
  title: 'Impact study',
  members: [
    { did: A, role: 'orchestrator', offerings: [], policies: [] },
    { did: B, role: 'data-provider', offerings: ['urn:uuid:o1'], policies: [{ permission: [{ action: 'use' }] }] },
    { did: C, role: 'data-consumer', offerings: [], policies: [] },
  ],
  rulebookHash: 'sha256:' + 'a'.repeat(64),
  ...over,
});
