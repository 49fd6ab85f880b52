import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { canonicalJson } from '../../kernel/index.js';

/** JWS `typ` of a party's signature over an exchange receipt. */
export const RECEIPT_TYP = 'dases-receipt+jwt';

/** What a completed transfer moved, as the provider's node measured it. */
export interface ExchangeFacts {
  /** The provider's transfer process id. */
  transferId: string;
  consumerPid: string;
  agreementId: string;
  datasetId: string;
  providerDid: string;
  consumerDid: string;
  bytes: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  startedAt: Date;
  endedAt: Date;
}

/** The document both parties sign: its RFC 8785 canonical JSON is the JWS payload. */
export interface ReceiptDocument {
  type: 'dases:ExchangeReceipt';
  agreementId: string;
  providerPid: string;
  consumerPid: string;
  datasetId: string;
  provider: string;
  consumer: string;
  bytes: number;
  sha256: string;
  startedAt: string;
  endedAt: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export function receiptDocument(f: ExchangeFacts): ReceiptDocument {
  return {
    type: 'dases:ExchangeReceipt',
    agreementId: f.agreementId,
    providerPid: f.transferId,
    consumerPid: f.consumerPid,
    datasetId: f.datasetId,
    provider: f.providerDid,
    consumer: f.consumerDid,
    bytes: f.bytes,
    sha256: f.sha256.toLowerCase(),
    startedAt: f.startedAt.toISOString(),
    endedAt: f.endedAt.toISOString(),
  };
}

/** 'sha256:' + hex SHA-256 of the canonical JSON: what log entries name the document by. */
export const documentHash = (doc: ReceiptDocument): string => `sha256:${createHash('sha256').update(canonicalJson(doc), 'utf8').digest('hex')}`;

const KEYS = ['type', 'agreementId', 'providerPid', 'consumerPid', 'datasetId', 'provider', 'consumer', 'bytes', 'sha256', 'startedAt', 'endedAt'];
const text = (v: unknown, max = 500): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const instant = (v: unknown): v is string => text(v, 40) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v;

/** Exactly the receipt fields, well formed (nothing more: a signature covers only what both parties understand). */
export function isReceiptDocument(v: unknown): v is ReceiptDocument {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const d = v as Record<string, unknown>;
  if (Object.keys(d).length !== KEYS.length || !KEYS.every((k) => Object.hasOwn(d, k))) return false;
  return (
    d.type === 'dases:ExchangeReceipt' && text(d.agreementId) && text(d.providerPid) && text(d.consumerPid) && text(d.datasetId) && text(d.provider) && text(d.consumer) &&
    Number.isSafeInteger(d.bytes) && (d.bytes as number) >= 0 && typeof d.sha256 === 'string' && /^[0-9a-f]{64}$/.test(d.sha256) && instant(d.startedAt) && instant(d.endedAt)
  );
}

/** The JWS payload: the canonical JSON itself, so every party signs the same bytes for the same facts. */
export const signedBytes = (doc: ReceiptDocument): Record<string, unknown> => JSON.parse(canonicalJson(doc)) as Record<string, unknown>;

/** Reads a receipt signature without verifying it: alg EdDSA, our typ, a receipt payload, and the signer's DID from kid. */
export function decodeReceiptJws(jws: string): Checked<{ document: ReceiptDocument; kid: string; signer: string }> {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA') return { ok: false, reason: 'alg must be EdDSA' };
    if (header.typ !== RECEIPT_TYP) return { ok: false, reason: `typ must be ${RECEIPT_TYP}` };
    if (typeof header.kid !== 'string' || !header.kid.includes('#')) return { ok: false, reason: 'kid must be a DID URL' };
    const payload: unknown = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isReceiptDocument(payload)) return { ok: false, reason: 'the payload is not an exchange receipt' };
    return { ok: true, value: { document: payload, kid: header.kid, signer: header.kid.slice(0, header.kid.indexOf('#')) } };
  } catch {
    return { ok: false, reason: 'not a compact JWS' };
  }
}

/**
 * Verifies a party's receipt signature with its key: the signature, a signer among the receipt's parties, and
 * (when given) the document it must be about. Returns the document read from the verified bytes.
 */
export async function verifyReceiptJws(jws: string, key: JWK, expected: { signer: string; document?: ReceiptDocument }): Promise<Checked<ReceiptDocument>> {
  const decoded = decodeReceiptJws(jws);
  if (!decoded.ok) return decoded;
  if (decoded.value.signer !== expected.signer) return { ok: false, reason: `signed by ${decoded.value.signer}, not ${expected.signer}` };
  let doc: unknown;
  try {
    const { payload } = await compactVerify(jws, await importJWK({ ...key, alg: 'EdDSA' }, 'EdDSA'), { algorithms: ['EdDSA'] });
    doc = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, reason: 'the signature does not verify' };
  }
  if (!isReceiptDocument(doc)) return { ok: false, reason: 'the payload is not an exchange receipt' };
  if (doc.provider !== expected.signer && doc.consumer !== expected.signer) return { ok: false, reason: `${expected.signer} is not a party of the exchange` };
  if (expected.document && canonicalJson(doc) !== canonicalJson(expected.document)) return { ok: false, reason: 'it is about other facts than this exchange' };
  return { ok: true, value: doc };
}
