import { createPublicKey, verify } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
// Signed messages between nodes (consent receipts, rights messages): compact EdDSA JWS over the RFC 8785 form of a
// payload of a known kind, verifiable offline against the signer's DID document.
import type { JWK } from 'jose';
import { canonicalJson } from './content-hash.js';
import { messageValidator, type MessageValidator } from './message-validator.js';

export interface DidDocumentLike {
  id: string;
  verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }>;
}

export type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What is signed: the payload's RFC 8785 form, so one message always has the same bytes whoever rebuilds it. */
export const canonicalPayload = <T extends object>(payload: T): T => JSON.parse(canonicalJson(payload)) as T;

/** A signed message kind: its JWS `typ` and the schema its payload must follow. */
export interface MessageKind<T> {
  typ: string;
  valid: MessageValidator;
  _payload?: T;
}

export const messageKind = <T>(typ: string, schema: TSchema): MessageKind<T> => ({ typ, valid: messageValidator(schema) });

const b64json = (part: string | undefined): unknown => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

/** Reads a compact JWS of `kind` without checking the signature: who claims to have signed it, and what. */
export function decodeMessage<T>(jws: string, kind: MessageKind<T>): Verified<{ payload: T; kid: string; signerDid: string }> {
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
  if (header.typ !== kind.typ) return { ok: false, reason: `typ must be ${kind.typ}` };
  if (typeof header.kid !== 'string' || !header.kid.includes('#')) return { ok: false, reason: 'kid must be <did>#<key id>' };
  const problems = kind.valid(payload);
  if (problems.length > 0) return { ok: false, reason: `the payload is not a ${kind.typ}: ${problems[0]!.path} ${problems[0]!.message}` };
  return { ok: true, value: { payload: payload as T, kid: header.kid, signerDid: header.kid.slice(0, header.kid.indexOf('#')) } };
}

/** Whether a compact EdDSA JWS verifies with this public key (no header or payload checks). */
export function verifiesWith(jws: string, publicKeyJwk: JWK): boolean {
  const [h, p, s] = jws.split('.');
  try {
    return verify(null, Buffer.from(`${h}.${p}`, 'ascii'), createPublicKey({ key: publicKeyJwk as never, format: 'jwk' }), Buffer.from(s ?? '', 'base64url'));
  } catch {
    return false;
  }
}

/** Verifies a compact JWS of `kind` with the signer's DID document: the kid must be one of its verification methods. */
export function verifyMessage<T>(jws: string, kind: MessageKind<T>, didDocument: DidDocumentLike): Verified<{ payload: T; signerDid: string }> {
  const decoded = decodeMessage(jws, kind);
  if (!decoded.ok) return decoded;
  const { kid, signerDid, payload } = decoded.value;
  if (didDocument.id !== signerDid) return { ok: false, reason: `the DID document is that of ${didDocument.id}, not ${signerDid}` };
  const vm = didDocument.verificationMethod?.find((m) => m.id === kid || `${didDocument.id}${m.id}` === kid);
  if (!vm?.publicKeyJwk) return { ok: false, reason: `${kid} is not a verification method of ${signerDid}` };
  if (!verifiesWith(jws, vm.publicKeyJwk)) return { ok: false, reason: 'the signature does not verify' };
  return { ok: true, value: { payload, signerDid } };
}
