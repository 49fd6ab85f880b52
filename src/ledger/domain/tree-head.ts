import type { JWK } from 'jose';
import { signedStatement, type Checked } from './signed-statement.js';

export type { Checked };

/** The JWS `typ` of a signed tree head. */
export const TREE_HEAD_TYP = 'dases-sth+jwt';

/** The payload of a signed tree head (RFC 9162 §4.10's size, root and timestamp, signed as a JWS). */
export interface TreeHead {
  /** The DID of the log's node. */
  iss: string;
  size: number;
  /** Base64 (standard alphabet) of the 32-byte root hash. */
  rootHash: string;
  /** ISO 8601; never earlier than the previous head's. */
  timestamp: string;
}

const isTreeHead = (v: unknown): v is TreeHead => {
  const h = v as Partial<TreeHead> | null;
  return (
    typeof h === 'object' && h !== null && typeof h.iss === 'string' && Number.isSafeInteger(h.size) && (h.size as number) >= 0 &&
    typeof h.rootHash === 'string' && Buffer.from(h.rootHash, 'base64').length === 32 && typeof h.timestamp === 'string' && !Number.isNaN(Date.parse(h.timestamp))
  );
};

const statement = signedStatement({ label: 'tree head', typ: TREE_HEAD_TYP, isPayload: isTreeHead, signer: (h) => h.iss, lacks: 'iss, size, rootHash or timestamp' });

const asHead = (c: Checked<{ payload: TreeHead; kid: string }>): Checked<{ head: TreeHead; kid: string }> =>
  c.ok ? { ok: true, value: { head: c.value.payload, kid: c.value.kid } } : c;

/** Reads a tree head without checking its signature (to pick the key that must verify it). */
export function decodeTreeHead(jws: string): Checked<{ head: TreeHead; kid: string }> {
  return asHead(statement.decode(jws));
}

/** Checks a signed tree head's structure and its Ed25519 signature with `key`; returns the signed head. */
export async function verifyTreeHeadJws(jws: string, key: JWK): Promise<Checked<{ head: TreeHead; kid: string }>> {
  return asHead(await statement.verify(jws, key));
}
