import { calculateJwkThumbprint, type JWK } from 'jose';
import { hashOf, parseContractDocument, requiredParties, type ContractDocument } from './contract-document.js';
import {
  decodeStatement,
  isNoticePayload,
  isSignaturePayload,
  mismatch,
  NOTICE_TYP,
  SIGNATURE_TYP,
  verifyStatement,
  type NoticePayload,
  type SignaturePayload,
} from './contract-signature.js';
import { contractStatus, endedStatus, type ContractStatus } from './contract-status.machine.js';

export const CONTRACT_FILE_FORMAT = 'dases-contract-file/1';

/** A public key as the signer's DID document published it when the node verified the signature. */
export interface KeyBinding {
  did: string;
  kid: string;
  publicKeyJwk: JWK;
}

/** One version with everything needed to check it without a network: signatures, notices and the keys. */
export interface ContractFile {
  format: typeof CONTRACT_FILE_FORMAT;
  contractId: string;
  versionHash: string;
  /** What the exporting node holds (informative: `verify` derives its own status). */
  status: ContractStatus;
  document: ContractDocument;
  signatures: string[];
  /** Signed termination or revocation notices about this version. */
  notices: string[];
  keys: KeyBinding[];
}

/** DID documents the holder fetched or trusts: with one, a signer's key is bound to its DID, not just claimed. */
export interface VerifyOptions {
  didDocuments?: Array<{ id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }> }>;
  now?: Date;
}

export type Binding = 'did-document' | 'self-asserted';

export interface FileReport {
  valid: boolean;
  contractId?: string;
  versionHash?: string;
  /** Derived from the verified signatures and notices (and validUntil at `now`). */
  status?: ContractStatus;
  parties: Array<{ did: string; role: string; signed: boolean; signedAt?: string; binding?: Binding }>;
  notices: Array<{ signer: string; action: string; reason: string; issuedAt: string }>;
  problems: string[];
}

/**
 * Verifies a contract file offline: the document's hash, every signature and notice against the key bound to
 * its kid (from a given DID document, else the file's own key, whose kid must then be its RFC 7638 thumbprint
 * as dases nodes name keys), that each signer is a party, and that every required party signed.
 */
export async function verifyContractFile(file: unknown, opts: VerifyOptions = {}): Promise<FileReport> {
  const problems: string[] = [];
  const report: FileReport = { valid: false, parties: [], notices: [], problems };
  const f = file as Partial<ContractFile> | null;
  if (typeof f !== 'object' || f === null) return { ...report, problems: ['the file is not a JSON object'] };
  const parsed = parseContractDocument(f.document, '/document');
  if (!parsed.ok) return { ...report, problems: parsed.errors.map((e) => `${e.path}: ${e.message}`) };
  const doc = parsed.value;
  const hash = hashOf(doc);
  Object.assign(report, { contractId: doc.id, versionHash: hash });
  if (f.versionHash !== hash) problems.push(`versionHash ${String(f.versionHash)} is not the hash of the document (${hash})`);
  if (f.contractId !== doc.id) problems.push(`contractId ${String(f.contractId)} is not the document's id ${doc.id}`);
  const keys = Array.isArray(f.keys) ? (f.keys as KeyBinding[]) : [];
  const check = <T extends { signer: string; contractId: string; versionHash: string }>(jws: unknown, typ: string, is: (v: unknown) => v is T, label: string) =>
    checkStatement(doc, jws, typ, is, keys, opts, label, problems);

  const signed = new Map<string, { payload: SignaturePayload; binding: Binding }>();
  for (const [i, jws] of (Array.isArray(f.signatures) ? f.signatures : []).entries()) {
    const r = await check(jws, SIGNATURE_TYP, isSignaturePayload, `signatures/${i}`);
    if (!r) continue;
    if (signed.has(r.payload.signer)) problems.push(`signatures/${i}: ${r.payload.signer} signed twice`);
    signed.set(r.payload.signer, r);
  }
  report.parties = requiredParties(doc).map((p) => {
    const s = signed.get(p.did);
    return s ? { ...p, signed: true, signedAt: s.payload.signedAt, binding: s.binding } : { ...p, signed: false };
  });
  const missing = report.parties.filter((p) => !p.signed).map((p) => p.did);
  if (missing.length) problems.push(`not signed by every required party: ${missing.join(', ')} did not sign`);

  let ended: NoticePayload | undefined;
  for (const [i, jws] of (Array.isArray(f.notices) ? f.notices : []).entries()) {
    const r = await check(jws, NOTICE_TYP, isNoticePayload, `notices/${i}`);
    if (!r) continue;
    const { signer, action, reason, issuedAt } = r.payload;
    report.notices.push({ signer, action, reason, issuedAt });
    if (!ended || issuedAt < ended.issuedAt) ended = r.payload;
  }
  report.status = ended ? endedStatus(ended.action) : missing.length ? 'pending' : contractStatus({ status: 'active', validUntil: doc.validUntil }, opts.now ?? new Date());
  report.valid = problems.length === 0;
  return report;
}

async function checkStatement<T extends { signer: string; contractId: string; versionHash: string }>(
  doc: ContractDocument,
  jws: unknown,
  typ: string,
  is: (v: unknown) => v is T,
  keys: KeyBinding[],
  opts: VerifyOptions,
  label: string,
  problems: string[],
): Promise<{ payload: T; binding: Binding } | undefined> {
  const fail = (why: string) => void problems.push(`${label}: ${why}`);
  if (typeof jws !== 'string') return fail('is not a compact JWS');
  const decoded = decodeStatement(jws, typ, is);
  if (!decoded.ok) return fail(decoded.reason);
  const { payload, kid } = decoded.value;
  const picked = await pickKey(payload.signer, kid, keys, opts);
  if ('why' in picked) return fail(picked.why);
  const verified = await verifyStatement(jws, typ, is, picked.key);
  if (!verified.ok) return fail(verified.reason);
  const wrong = mismatch(doc, verified.value.payload);
  if (wrong) return fail(wrong);
  return { payload: verified.value.payload, binding: picked.binding };
}

async function pickKey(did: string, kid: string, keys: KeyBinding[], opts: VerifyOptions): Promise<{ key: JWK; binding: Binding } | { why: string }> {
  const carried = keys.find((k) => k.kid === kid && k.did === did);
  const didDoc = opts.didDocuments?.find((d) => d.id === did);
  if (didDoc) {
    const vm = didDoc.verificationMethod?.find((m) => m.id === kid || `${did}${m.id}` === kid);
    if (!vm?.publicKeyJwk) return { why: `${kid} is not a verification method in the DID document of ${did}` };
    return { key: vm.publicKeyJwk, binding: 'did-document' };
  }
  if (!carried || typeof carried.publicKeyJwk !== 'object' || carried.publicKeyJwk === null) return { why: `the file carries no key ${kid}` };
  let thumbprint: string;
  try {
    thumbprint = await calculateJwkThumbprint(carried.publicKeyJwk);
  } catch {
    return { why: `the key ${kid} is not a valid JWK` };
  }
  if (kid !== `${did}#${thumbprint}`) return { why: `the key ${kid} is not named by its thumbprint ${thumbprint}` };
  return { key: carried.publicKeyJwk, binding: 'self-asserted' };
}
