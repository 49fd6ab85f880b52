import { createHash } from 'node:crypto';
import { canonicalJson } from '../../kernel/index.js';
import type { ConsentNotices, PrivacyNoticePort } from '../../consent/index.js';

/**
 * Test helper: a small real notice source (what the provider's src/notices answers through the lead's wiring): one
 * immutable version per distinct content, hashed over its canonical form.
 */
export class MemoryNoticeSource implements ConsentNotices {
  private readonly versions: PrivacyNoticePort[] = [];

  async fetch(providerDid: string, input: Parameters<ConsentNotices['fetch']>[1]): Promise<PrivacyNoticePort> {
    const content = {
      controller: { did: providerDid },
      purposes: [{ purpose: input.purpose, legalBasis: 'GDPR Art. 6(1)(a)' }],
      recipients: [{ did: input.consumerDid }],
      personalData: { categories: ['training records'] },
      withdrawal: { url: input.intermediary.withdrawUrl },
    };
    const hash = `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
    const known = this.versions.find((v) => v.hash === hash);
    if (known) return known;
    const notice = { id: `urn:uuid:00000000-0000-4000-8000-${String(this.versions.length + 1).padStart(12, '0')}`, version: 1, hash, content, missing: [], createdAt: new Date(0).toISOString() };
    this.versions.push(notice);
    return notice;
  }
}
