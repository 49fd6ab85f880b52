import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { hashOf, isParty, type ContractDocument } from './contract-document.js';
import type { EndAction } from './contract-status.machine.js';

/** JWS `typ` of a party's signature over a version hash. */
export const SIGNATURE_TYP = 'dases-contract-signature+jwt';
/** JWS `typ` of a party's signed termination or revocation notice. */
export const NOTICE_TYP = 'dases-contract-notice+jwt';

export interface SignaturePayload {
  contractId: string;
  versionHash: string;
  signer: string;
  signedAt: string;
}

export interface NoticePayload {
  contractId: string;
  versionHash: string;
  signer: string;
  action: EndAction;
  reason: string;
  issuedAt: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const str = (v: unknown, max = 500): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const instant = (v: unknown): v is string => str(v, 40) && !Number.isNaN(Date.parse(v));

export const isSignaturePayload = (v: unknown): v is SignaturePayload => {
  const p = v as Partial<SignaturePayload> | null;
  return typeof p === 'object' && p !== null && str(p.contractId) && str(p.versionHash, 100) && str(p.signer) && instant(p.signedAt);
};

export const isNoticePayload = (v: unknown): v is NoticePayload => {
  const p = v as Partial<NoticePayload> | null;
  return (
    typeof p === 'object' && p !== null && str(p.contractId) && str(p.versionHash, 100) && str(p.signer) && (p.action === 'terminate' || p.action === 'revoke') &&
    str(p.reason, 1000) && instant(p.issuedAt)
  );
};

/**
 * Reads a contract statement (signature or notice) without checking the signature: alg EdDSA, the expected typ,
 * a payload of the expected shape and a kid under the DID the payload names as its signer.
 */
export function decodeStatement<T extends { signer: string }>(jws: string, typ: string, isPayload: (v: unknown) => v is T): Checked<{ payload: T; kid: string }> {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA') return { ok: false, reason: 'alg must be EdDSA' };
    if (header.typ !== typ) return { ok: false, reason: `typ must be ${typ}` };
    if (typeof header.kid !== 'string') return { ok: false, reason: 'kid is missing' };
    const payload: unknown = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isPayload(payload)) return { ok: false, reason: 'the payload lacks a field or has a malformed one' };
    if (!header.kid.startsWith(`${payload.signer}#`)) return { ok: false, reason: `key ${header.kid} is not a key of the signer ${payload.signer}` };
    return { ok: true, value: { payload, kid: header.kid } };
  } catch {
    return { ok: false, reason: 'not a compact JWS' };
  }
}

/** Checks the Ed25519 signature with `key`; returns the payload read again from the verified bytes. */
export async function verifyStatement<T extends { signer: string }>(jws: string, typ: string, isPayload: (v: unknown) => v is T, key: JWK): Promise<Checked<{ payload: T; kid: string }>> {
  const decoded = decodeStatement(jws, typ, isPayload);
  if (!decoded.ok) return decoded;
  try {
    const { payload } = await compactVerify(jws, await importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA'), { algorithms: ['EdDSA'] });
    const p: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
    return isPayload(p) && p.signer === decoded.value.payload.signer ? { ok: true, value: { payload: p, kid: decoded.value.kid } } : { ok: false, reason: 'the payload lacks a field' };
  } catch {
    return { ok: false, reason: 'the signature does not verify' };
  }
}

/** Why a (decoded) statement does not belong to `doc`, or undefined when it names this version and a party of it. */
export function mismatch(doc: ContractDocument, payload: { contractId: string; versionHash: string; signer: string }, expectedSigner?: string): string | undefined {
  if (payload.contractId !== doc.id) return `it is about contract ${payload.contractId}, not ${doc.id}`;
  if (payload.versionHash !== hashOf(doc)) return `it is about version ${payload.versionHash}, not ${hashOf(doc)}`;
  if (expectedSigner !== undefined && payload.signer !== expectedSigner) return `it was made by ${payload.signer}, not ${expectedSigner}`;
  if (!isParty(doc, payload.signer)) return `${payload.signer} is not a party of the contract`;
  return undefined;
}
