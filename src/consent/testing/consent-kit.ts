import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ConsentNotices, ConsentPeople, ConsentSigner, PrivacyNoticePort } from '../app/ports.js';

/** Test helper: an Ed25519 key named as dases names node keys (`<did>#<thumbprint>`), signing as identity.signer does. */
export interface TestKey extends ConsentSigner {
  did: string;
  kid: string;
  publicKeyJwk: JWK;
  didDocument: { id: string; verificationMethod: Array<{ id: string; publicKeyJwk: JWK }> };
}

export async function testKey(did: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicKeyJwk = await exportJWK(publicKey);
  const kid = `${did}#${await calculateJwkThumbprint(publicKeyJwk)}`;
  return {
    did,
    kid,
    publicKeyJwk,
    didDocument: { id: did, verificationMethod: [{ id: kid, publicKeyJwk }] },
    sign: (payload, typ) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey),
    publicKey: async () => ({ kid, publicKeyJwk }),
  };
}

/**
 * A small real people directory (what PEOPLE keeps): confirmed links person ↔ participant ↔ subject id.
 * Not a stub of consent: consent only reads it through its port.
 */
export class MemoryPeople implements ConsentPeople {
  private readonly links: Array<{ personId: string; participantDid: string; subjectId: string }> = [];
  link(personId: string, participantDid: string, subjectId: string): this {
    this.links.push({ personId, participantDid, subjectId });
    return this;
  }
  async personOfSubject(participantDid: string, subjectId: string): Promise<string | undefined> {
    return this.links.find((l) => l.participantDid === participantDid && l.subjectId === subjectId)?.personId;
  }
  async subjectAt(personId: string, participantDid: string): Promise<string | undefined> {
    return this.links.find((l) => l.personId === personId && l.participantDid === participantDid)?.subjectId;
  }
}

/**
 * A small real notice source (what NOTICES does on the provider): one immutable version per distinct content,
 * hashed; `setPolicy` changes the content (a new version on the next fetch); `fail` makes the provider unreachable.
 */
export class MemoryNotices implements ConsentNotices {
  private readonly versions: PrivacyNoticePort[] = [];
  readonly asked: Array<{ providerDid: string; purpose: string }> = [];
  retentionDays = 365;
  fail = false;

  async fetch(providerDid: string, input: Parameters<ConsentNotices['fetch']>[1]): Promise<PrivacyNoticePort> {
    this.asked.push({ providerDid, purpose: input.purpose });
    if (this.fail) throw new Error('connect ECONNREFUSED 127.0.0.1');
    const content = {
      controller: { did: providerDid, legalName: `Controller of ${input.datasetId}` },
      purposes: [{ purpose: input.purpose, legalBasis: 'GDPR Art. 6(1)(a)' }],
      recipients: [{ did: input.consumerDid }],
      personalData: { categories: ['training records', 'identity'] },
      retention: { days: this.retentionDays },
      withdrawal: { url: input.intermediary.withdrawUrl },
    };
    const hash = `sha256:${createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
    const known = this.versions.find((v) => v.hash === hash);
    if (known) return known;
    const notice = { id: `urn:uuid:notice-${this.versions.length + 1}`, version: this.versions.length + 1, hash, content, missing: [], createdAt: new Date(0).toISOString() };
    this.versions.push(notice);
    return notice;
  }
}
