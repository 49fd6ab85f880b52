import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { JWK } from 'jose';
import { canonicalJson, messageValidator } from '../../kernel/index.js';
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

const validPayload = messageValidator(ConsentReceiptPayload);

/** 'sha256:' + hex SHA-256 of the compact JWS text: what the next receipt of the consent chains to. */
export const receiptHash = (jws: string): string => `sha256:${createHash('sha256').update(jws, 'utf8').digest('hex')}`;

/** The payload as signed: its RFC 8785 form, so the same state always gives the same bytes. */
export const canonicalPayload = (p: ConsentReceiptPayload): Record<string, unknown> => JSON.parse(canonicalJson(p)) as Record<string, unknown>;

/** How the signing key was tied to the intermediary's DID (as for log receipts): only `did-document` proves it. */
export type ConsentKeyBinding = 'did-document' | 'self-asserted';

export interface DidDocumentLike {
  id: string;
  verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }>;
}

export type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

const b64json = (part: string | undefined): unknown => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

/**
 * Verifies a consent receipt offline: EdDSA signature, our typ, a well-formed payload whose record and event agree,
 * and the key: with the intermediary's DID document the key must be one of its verification methods (and equal
 * the embedded one); without, only the embedded key is used and the binding is reported as self-asserted.
 */
export function verifyConsentReceipt(jws: string, didDocument?: DidDocumentLike): Verified<{ receipt: ConsentReceiptPayload; keyBinding: ConsentKeyBinding }> {
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  let header: { alg?: unknown; typ?: unknown; kid?: unknown };
  let payload: unknown;
  try {
    header = b64json(parts[0]) as typeof header;
    payload = b64json(parts[1]);
  } catch {
    return { ok: false, reason: 'not a compact JWS' };
  }
  if (header.alg !== 'EdDSA') return { ok: false, reason: 'alg must be EdDSA' };
  if (header.typ !== CONSENT_RECEIPT_TYP) return { ok: false, reason: `typ must be ${CONSENT_RECEIPT_TYP}` };
  if (typeof header.kid !== 'string') return { ok: false, reason: 'kid is missing' };
  const problems = validPayload(payload);
  if (problems.length > 0) return { ok: false, reason: `the payload is not a consent receipt: ${problems[0]!.path} ${problems[0]!.message}` };
  const receipt = payload as ConsentReceiptPayload;
  const kid = header.kid;
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
  try {
    const ok = verifySignature(null, Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), createPublicKey({ key: key as never, format: 'jwk' }), Buffer.from(parts[2] ?? '', 'base64url'));
    if (!ok) return { ok: false, reason: 'the signature does not verify' };
  } catch {
    return { ok: false, reason: 'the signature does not verify' };
  }
  return { ok: true, value: { receipt, keyBinding } };
}
