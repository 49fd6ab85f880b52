import type { JWK } from 'jose';
import { hashedForm, type LogEntry } from './log-entry.js';
import { verifyInclusion } from './merkle-proofs.js';
import { leafHash, type Hash } from './merkle-tree.js';
import { decodeTreeHead, verifyTreeHeadJws, type Checked, type TreeHead } from './tree-head.js';

/**
 * What a counterparty keeps to prove an entry is in a node's log: the entry, a signed tree head that covers it,
 * the inclusion proof against that head, and the signing key as the node published it.
 */
export interface Receipt {
  entry: LogEntry;
  treeHead: string;
  inclusionProof: string[];
  signer: { did: string; kid: string; publicKeyJwk: JWK };
}

/** The part of a DID document a receipt check needs (the node's document, fetched once while online). */
export interface ReceiptDidDocument {
  id: string;
  verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }>;
}

export interface ReceiptOptions {
  /** A key the holder already trusts for this node; takes precedence over the receipt's own key. */
  trustedKey?: JWK;
  /** The node's DID document: binds the receipt's key to the DID (otherwise the binding is only claimed). */
  didDocument?: ReceiptDidDocument;
}

/** How the signing key was tied to the log's DID: only the first two prove who signed. */
export type KeyBinding = 'trusted-key' | 'did-document' | 'self-asserted';

/** Standard base64 that re-encodes to itself, so no two texts decode to the same hash. */
export function fromBase64(text: unknown): Hash | undefined {
  if (typeof text !== 'string') return undefined;
  const b = Buffer.from(text, 'base64');
  return b.length === 32 && b.toString('base64') === text ? b : undefined;
}

/**
 * Verifies a receipt offline: the head's signature, the entry's leaf hash (JCS of the entry without `index`) and
 * its inclusion proof against the signed root. Without `trustedKey` or `didDocument` the key is the one the
 * receipt carries, whose id must at least be a key id under the head's DID; proving that the DID really controls
 * the key needs its DID document (online once, or cached by the holder).
 */
export async function verifyReceipt(receipt: unknown, opts: ReceiptOptions = {}): Promise<Checked<{ head: TreeHead; keyBinding: KeyBinding }>> {
  const r = receipt as Partial<Receipt> | null;
  if (typeof r !== 'object' || r === null || typeof r.treeHead !== 'string' || !Array.isArray(r.inclusionProof) || typeof r.entry !== 'object' || r.entry === null) {
    return { ok: false, reason: 'receipt: needs entry, treeHead and inclusionProof' };
  }
  const decoded = decodeTreeHead(r.treeHead);
  if (!decoded.ok) return decoded;
  const { kid, head: claimed } = decoded.value;
  const { key, binding, why } = pickKey(r, kid, claimed.iss, opts);
  if (!key) return { ok: false, reason: `receipt: ${why}` };
  const verified = await verifyTreeHeadJws(r.treeHead, key);
  if (!verified.ok) return verified;
  const { head } = verified.value;

  const index = r.entry.index;
  if (!Number.isSafeInteger(index) || index < 0 || index >= head.size) return { ok: false, reason: `receipt: entry index ${String(index)} is not below the head's size ${head.size}` };
  const proof = r.inclusionProof.map(fromBase64);
  if (proof.some((h) => h === undefined)) return { ok: false, reason: 'receipt: inclusionProof must hold base64 SHA-256 hashes' };
  let leaf: Hash;
  try {
    leaf = leafHash(hashedForm(r.entry as unknown as Record<string, unknown>));
  } catch {
    return { ok: false, reason: 'receipt: the entry has no JSON form' };
  }
  if (!verifyInclusion(index, head.size, leaf, proof as Hash[], Buffer.from(head.rootHash, 'base64'))) {
    return { ok: false, reason: 'receipt: the inclusion proof does not lead to the signed root' };
  }
  return { ok: true, value: { head, keyBinding: binding } };
}

function pickKey(r: Partial<Receipt>, kid: string, iss: string, opts: ReceiptOptions): { key?: JWK; binding: KeyBinding; why?: string } {
  if (opts.trustedKey) return { key: opts.trustedKey, binding: 'trusted-key' };
  if (opts.didDocument) {
    const doc = opts.didDocument;
    if (doc.id !== iss) return { binding: 'did-document', why: `the DID document is that of ${doc.id}, the head was signed for ${iss}` };
    const vm = doc.verificationMethod?.find((m) => m.id === kid || `${doc.id}${m.id}` === kid);
    if (!vm?.publicKeyJwk) return { binding: 'did-document', why: `${kid} is not a verification method of ${iss}` };
    return { key: vm.publicKeyJwk, binding: 'did-document' };
  }
  const s = r.signer;
  if (!s || typeof s !== 'object' || typeof s.publicKeyJwk !== 'object') return { binding: 'self-asserted', why: 'signer.publicKeyJwk is missing' };
  if (s.did !== iss || s.kid !== kid) return { binding: 'self-asserted', why: `signer ${String(s.kid)} of ${String(s.did)} did not sign this head (${kid})` };
  return { key: s.publicKeyJwk, binding: 'self-asserted' };
}
