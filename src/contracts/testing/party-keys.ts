import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { hashOf, type ContractDocument } from '../domain/contract-document.js';
import { CONTRACT_FILE_FORMAT, type ContractFile } from '../domain/contract-file.js';
import { NOTICE_TYP, SIGNATURE_TYP } from '../domain/contract-signature.js';

/** Test helper: a party's Ed25519 key named as dases names keys (`<did>#<thumbprint>`). Not used by the node. */
export interface PartyKey {
  did: string;
  kid: string;
  publicKeyJwk: JWK;
  didDocument: { id: string; verificationMethod: Array<{ id: string; publicKeyJwk: JWK }> };
  sign(payload: object, typ: string): Promise<string>;
}

export async function partyKey(did: string): Promise<PartyKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicKeyJwk = await exportJWK(publicKey);
  const kid = `${did}#${await calculateJwkThumbprint(publicKeyJwk)}`;
  return {
    did,
    kid,
    publicKeyJwk,
    didDocument: { id: did, verificationMethod: [{ id: kid, publicKeyJwk }] },
    sign: (payload, typ) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey),
  };
}

export const signContract = (k: PartyKey, doc: ContractDocument, over: object = {}) =>
  k.sign({ contractId: doc.id, versionHash: hashOf(doc), signer: k.did, signedAt: '2026-01-02T00:00:00.000Z', ...over }, SIGNATURE_TYP);

export const noticeFor = (k: PartyKey, doc: ContractDocument, action: 'terminate' | 'revoke', reason: string) =>
  k.sign({ contractId: doc.id, versionHash: hashOf(doc), signer: k.did, action, reason, issuedAt: '2026-02-01T00:00:00.000Z' }, NOTICE_TYP);

/** A contract file signed by `keys` (every party, unless told otherwise). */
export async function fileOf(doc: ContractDocument, keys: PartyKey[], notices: string[] = []): Promise<ContractFile> {
  return {
    format: CONTRACT_FILE_FORMAT,
    contractId: doc.id,
    versionHash: hashOf(doc),
    status: 'active',
    document: doc,
    signatures: await Promise.all(keys.map((k) => signContract(k, doc))),
    notices,
    keys: keys.map((k) => ({ did: k.did, kid: k.kid, publicKeyJwk: k.publicKeyJwk })),
  };
}
