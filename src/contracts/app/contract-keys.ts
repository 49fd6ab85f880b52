import { decodeProtectedHeader, type JWK } from 'jose';
import { AppError, type Clock, type ErrorCode, type Logger } from '../../kernel/index.js';
import { hashOf, isParty, type ContractDocument } from '../domain/contract-document.js';
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
} from '../domain/contract-signature.js';
import type { EndAction } from '../domain/contract-status.machine.js';
import type { ContractResolver, ContractSigner } from './contracts.ports.js';

/** A signature or notice whose key was checked against its signer's DID: stored with that key for offline checks. */
export interface Verified<P> {
  payload: P;
  jws: string;
  kid: string;
  publicKeyJwk: JWK;
}

export type ContractKeys = ReturnType<typeof createContractKeys>;

/** How many verified statements are remembered (a few per negotiation in flight). */
const VERIFIED_KEPT = 1000;

/**
 * Signs with the node's key and verifies other parties' statements against their DID documents. This node's own
 * public keys are kept in memory because verification also runs inside transactions (`recordSigned`), where
 * reading them from the database or from our own DID document would wait on the transaction itself (PGlite).
 */
export function createContractKeys(deps: { did: string; clock: Clock; logger: Logger; signer: ContractSigner; resolver: ContractResolver & { invalidate?(did: string): void } }) {
  const own = new Map<string, JWK>();
  const remember = async (kid?: string) => {
    const k = await deps.signer.publicKey(kid);
    own.set(k.kid, k.publicKeyJwk);
    return k.publicKeyJwk;
  };
  // Loaded once at start-up, long before any transaction could be waiting on it.
  const warm = remember().catch((e: unknown) => deps.logger.warn({ err: e }, 'could not load the node key for contract signatures'));

  async function keyOf(did: string, kid: string, inTransaction: boolean): Promise<JWK | string> {
    if (did === deps.did) {
      await warm;
      const known = own.get(kid);
      if (known) return known;
      if (inTransaction) return `this node's key ${kid} is not loaded (sign outside the transaction first)`;
      return remember(kid).catch(() => `${kid} is not a key of this node`);
    }
    let doc = await deps.resolver.resolve(did);
    let vm = findMethod(doc, kid);
    if (!vm && deps.resolver.invalidate) {
      // The signer may have rotated its key since we cached its document.
      deps.resolver.invalidate(did);
      doc = await deps.resolver.resolve(did);
      vm = findMethod(doc, kid);
    }
    return vm?.publicKeyJwk ?? `${kid} is not a verification method of ${did}`;
  }

  // Statements verified lately, by their exact text: the consumer verifies the provider's signature when the
  // agreement arrives and again when it records the contract, each side its own signature too. The bytes and
  // the key they verified with do not change, so the second check reuses the first (bounded, oldest dropped).
  const verified = new Map<string, Verified<{ signer: string; contractId: string; versionHash: string }>>();
  const remembered = <P extends { signer: string; contractId: string; versionHash: string }>(v: Verified<P>): Verified<P> => {
    if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value!);
    verified.set(v.jws, v);
    return v;
  };

  async function check<P extends { signer: string; contractId: string; versionHash: string }>(
    doc: ContractDocument,
    jws: string,
    typ: string,
    is: (v: unknown) => v is P,
    code: ErrorCode,
    path: string,
    opts: { expectedSigner?: string | undefined; inTransaction?: boolean | undefined },
  ): Promise<Verified<P>> {
    const fail = (why: string) => new AppError(code, `${path}: ${why}`, [{ path, message: why }]);
    const decoded = decodeStatement(jws, typ, is);
    if (!decoded.ok) throw fail(decoded.reason);
    const early = mismatch(doc, decoded.value.payload, opts.expectedSigner);
    if (early) throw fail(early);
    const seen = verified.get(jws);
    // Same text, hence the same payload and kid that were checked (`early` just held for this document).
    if (seen && seen.kid === decoded.value.kid) return seen as Verified<P>;
    const key = await keyOf(decoded.value.payload.signer, decoded.value.kid, opts.inTransaction ?? false);
    if (typeof key === 'string') throw fail(key);
    const checked = await verifyStatement(jws, typ, is, key);
    if (!checked.ok) throw fail(checked.reason);
    const late = mismatch(doc, checked.value.payload, opts.expectedSigner);
    if (late) throw fail(late);
    return remembered({ payload: checked.value.payload, jws, kid: checked.value.kid, publicKeyJwk: key });
  }

  async function signed<P extends object>(payload: P, typ: string): Promise<{ jws: string; kid: string; publicKeyJwk: JWK }> {
    const jws = await deps.signer.sign(payload, typ);
    const kid = decodeProtectedHeader(jws).kid as string;
    return { jws, kid, publicKeyJwk: own.get(kid) ?? (await remember(kid)) };
  }

  return {
    /** This node's signature over the version (it must be a party). */
    async sign(doc: ContractDocument): Promise<Verified<SignaturePayload>> {
      if (!isParty(doc, deps.did)) throw new AppError('DS_CONTRACT_NOT_A_PARTY', `${deps.did} is not a party of contract ${doc.id}`);
      const payload: SignaturePayload = { contractId: doc.id, versionHash: hashOf(doc), signer: deps.did, signedAt: deps.clock.now().toISOString() };
      return remembered({ payload, ...(await signed(payload, SIGNATURE_TYP)) });
    },
    /** This node's signed notice ending the contract whose version in force is `doc`. */
    async notice(doc: ContractDocument, action: EndAction, reason: string): Promise<Verified<NoticePayload>> {
      const payload: NoticePayload = { contractId: doc.id, versionHash: hashOf(doc), signer: deps.did, action, reason, issuedAt: deps.clock.now().toISOString() };
      return { payload, ...(await signed(payload, NOTICE_TYP)) };
    },
    verifySignature: (doc: ContractDocument, jws: string, path: string, opts: { expectedSigner?: string | undefined; inTransaction?: boolean } = {}) =>
      check(doc, jws, SIGNATURE_TYP, isSignaturePayload, 'DS_CONTRACT_SIGNATURE_INVALID', path, opts),
    verifyNotice: (doc: ContractDocument, jws: string, path: string) => check(doc, jws, NOTICE_TYP, isNoticePayload, 'DS_CONTRACT_NOTICE_INVALID', path, {}),
    /** The payload of a notice before its version is known (to find the version it is about). */
    peekNotice(jws: string, path: string): NoticePayload {
      const d = decodeStatement(jws, NOTICE_TYP, isNoticePayload);
      if (!d.ok) throw new AppError('DS_CONTRACT_NOTICE_INVALID', `${path}: ${d.reason}`, [{ path, message: d.reason }]);
      return d.value.payload;
    },
  };
}

function findMethod(doc: { id: string; verificationMethod?: Array<{ id: string; publicKeyJwk?: JWK }> }, kid: string) {
  if (!kid.startsWith(`${doc.id}#`)) return undefined;
  return doc.verificationMethod?.find((m) => (m.id === kid || `${doc.id}${m.id}` === kid) && m.publicKeyJwk);
}
