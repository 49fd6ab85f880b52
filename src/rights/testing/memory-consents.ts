import type { PersonConsentExport, RightsConsents } from '../app/ports.js';

/**
 * Test helper: a small real consent register (what src/consent keeps at the intermediary), read through the rights
 * port: the person behind each consent, its parties, its record and receipts. Not a stub of rights.
 */
export class MemoryConsents implements RightsConsents {
  private readonly consents: Array<PersonConsentExport & { personId: string }> = [];

  add(c: PersonConsentExport & { personId: string }): this {
    this.consents.push(c);
    return this;
  }

  async ofPerson(personId: string): Promise<PersonConsentExport[]> {
    return this.consents.filter((c) => c.personId === personId).map(({ personId: _p, ...c }) => c);
  }

  async parties(consentId: string) {
    const c = this.consents.find((x) => x.id === consentId);
    return c && { personId: c.personId, providerDid: c.providerDid, consumerDid: c.consumerDid, datasetId: c.datasetId, purpose: c.purpose };
  }
}
