import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { JWK } from 'jose';
import { canonicalJson, decodeMessage, messageKind, verifiesWith, type DidDocumentLike, type Verified } from '../../kernel/index.js';
import { ConsentEvent, ConsentRecord } from './consent-record.js';

/** JWS `typ` of the intermediary's receipt of one change of a consent. */
export const CONSENT_RECEIPT_TYP = 'dases-consent-receipt+jwt';

const Jwk = Type.Object({ kty: Type.String(), crv: Type.Optional(Type.String()), x: Type.Optional(Type.String()) }, { additionalProperties: true });

/**
 * What a receipt signs: the record as it stands after the change, the change (event), the hash of the previous
 * receipt of the consent (a chain: a missing or reordered receipt shows), and the signing key as the intermediary
 * published it (so the file verifies offline; only a DID document binds that key to the DID, as for log receipts).
 */
export const ConsentReceiptPayload = Type.Object(
  {
    type: Type.Literal('dases:ConsentReceipt'),
    consentId: Type.String({ minLength: 1 }),
    seq: Type.Integer({ minimum: 1 }),
    record: ConsentRecord,
    event: ConsentEvent,
    previous: Type.Union([Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }), Type.Null()]),
    signer: Type.Object({ did: Type.String(), kid: Type.String(), publicKeyJwk: Jwk }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type ConsentReceiptPayload = Static<typeof ConsentReceiptPayload>;


/** 'sha256:' + hex SHA-256 of the compact JWS text: what the next receipt of the consent chains to. */
export const receiptHash = (jws: string): string => `sha256:${createHash('sha256').update(jws, 'utf8').digest('hex')}`;


/** How the signing key was tied to the intermediary's DID (as for log receipts): only `did-document` proves it. */
export type ConsentKeyBinding = 'did-document' | 'self-asserted';

const RECEIPT = messageKind<ConsentReceiptPayload>(CONSENT_RECEIPT_TYP, ConsentReceiptPayload);

/**
 * Verifies a consent receipt offline: EdDSA signature, our typ, a well-formed payload whose record and event agree,
 * and the key: with the intermediary's DID document the key must be one of its verification methods (and equal
 * the embedded one); without, only the embedded key is used and the binding is reported as self-asserted.
 */
export function verifyConsentReceipt(jws: string, didDocument?: DidDocumentLike): Verified<{ receipt: ConsentReceiptPayload; keyBinding: ConsentKeyBinding }> {
  const decoded = decodeMessage(jws, RECEIPT);
  if (!decoded.ok) return decoded;
  const { payload: receipt, kid } = decoded.value;
  if (receipt.signer.kid !== kid || !kid.startsWith(`${receipt.signer.did}#`)) return { ok: false, reason: 'the embedded key is not the one that signed' };
  if (receipt.record.consentManager !== receipt.signer.did) return { ok: false, reason: 'signed by another than the consent manager of the record' };
  if (receipt.record.recordId !== receipt.consentId) return { ok: false, reason: 'the record is of another consent' };
  const last = receipt.record.events[receipt.record.events.length - 1];
  if (canonicalJson(last) !== canonicalJson(receipt.event) || receipt.record.state !== receipt.event.state) return { ok: false, reason: 'the event is not the last change of the record' };
  let key: JWK = receipt.signer.publicKeyJwk as JWK;
  let keyBinding: ConsentKeyBinding = 'self-asserted';
  if (didDocument) {
    if (didDocument.id !== receipt.signer.did) return { ok: false, reason: `the DID document is that of ${didDocument.id}, not ${receipt.signer.did}` };
    const vm = didDocument.verificationMethod?.find((m) => m.id === kid || `${didDocument.id}${m.id}` === kid);
    if (!vm?.publicKeyJwk) return { ok: false, reason: `${kid} is not a verification method of ${didDocument.id}` };
    key = vm.publicKeyJwk;
    keyBinding = 'did-document';
  }
  if (!verifiesWith(jws, key)) return { ok: false, reason: 'the signature does not verify' };
  return { ok: true, value: { receipt, keyBinding } };
}
