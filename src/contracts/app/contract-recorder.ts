import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, canonicalJson, type Clock } from '../../kernel/index.js';
import { hashOf, kindOf, requiredParties, titleOf, type ContractDocument } from '../domain/contract-document.js';
import type { NoticePayload, SignaturePayload } from '../domain/contract-signature.js';
import { canAmend, canEnd, contractStatus, nextVersionStatus, type ContractStatus } from '../domain/contract-status.machine.js';
import type { ContractRecord, ContractStore, VersionRecord } from './contract.store.js';
import type { Verified } from './contract-keys.js';
import type { ContractsLedger } from './contracts.ports.js';

/**
 * The writes of the contract life cycle, each inside the caller's transaction and each with its log entry: a
 * version stored once (a different document under a used number is refused), signatures added, the version
 * activated when every party signed (superseding the one it amends), and the contract ended by a notice.
 */
export function createRecorder(deps: { store: ContractStore; ledger: ContractsLedger; clock: Clock; did: string }) {
  const { store, clock } = deps;
  const log = (tx: Kysely<DB>, type: string, subject: string, payload: Record<string, unknown>) => deps.ledger.append(tx, { type, actor: deps.did, subject, payload });

  const illegal = (reason: string) => new AppError('DS_CONTRACT_ILLEGAL_TRANSITION', reason);

  /**
   * A contract this node has not seen, arriving with its signatures (a negotiated agreement): the same rows and log
   * entries as ensureVersion + addSignatures + activateIfComplete, written in one statement and one log append.
   * Undefined, with nothing written, when the contract or its agreement is already known (the general way applies).
   */
  async function recordNew(tx: Kysely<DB>, doc: ContractDocument, sigs: Array<Verified<SignaturePayload>>): Promise<ContractStatus | undefined> {
    if (doc.version !== 1) return undefined;
    const hash = hashOf(doc);
    const now = clock.now();
    const parties = requiredParties(doc);
    // One signature per signer, the first given, as addSignatures keeps them.
    const signers = new Set<string>();
    const unique: Array<Verified<SignaturePayload>> = [];
    for (const s of sigs) {
      if (signers.has(s.payload.signer)) continue;
      signers.add(s.payload.signer);
      unique.push(s);
    }
    let versionStatus: 'pending' | 'active' = 'pending';
    if (parties.every((p) => signers.has(p.did))) {
      const next = nextVersionStatus('pending', { type: 'all-signed' });
      if (!next.ok || next.value !== 'active') throw illegal(next.ok ? `a pending version cannot become ${next.value}` : next.reason);
      versionStatus = next.value;
    }
    const inserted = await store.insertSigned(tx, {
      document: doc,
      hash,
      canonical: canonicalJson(doc),
      kind: kindOf(doc),
      title: titleOf(doc),
      agreementId: doc.type === 'BilateralContract' ? (doc.agreementId ?? null) : null,
      parties,
      signatures: unique.map((s) => ({ signer: s.payload.signer, jws: s.jws, kid: s.kid, publicKeyJwk: s.publicKeyJwk, signedAt: new Date(s.payload.signedAt) })),
      status: versionStatus,
      versionStatus,
      now,
    });
    if (!inserted) return undefined;
    await logAll(tx, [
      { type: 'contract.proposed', subject: doc.id, payload: { versionHash: hash, version: 1, kind: kindOf(doc), proposer: doc.proposer ?? null, parties } },
      ...unique.map((s) => ({ type: 'contract.signed', subject: doc.id, payload: { versionHash: hash, signer: s.payload.signer, kid: s.kid, signedAt: s.payload.signedAt, signature: s.jws } })),
      ...(versionStatus === 'active' ? [{ type: 'contract.activated', subject: doc.id, payload: { versionHash: hash, version: 1 } }] : []),
    ]);
    return contractStatus({ status: versionStatus, validUntil: versionStatus === 'active' ? (doc.validUntil ?? null) : null }, now);
  }

  async function logAll(tx: Kysely<DB>, entries: Array<{ type: string; subject: string; payload: Record<string, unknown> }>): Promise<void> {
    const full = entries.map((e) => ({ ...e, actor: deps.did }));
    if (deps.ledger.appendMany) await deps.ledger.appendMany(tx, full);
    else for (const e of full) await deps.ledger.append(tx, e);
  }

  /** Stores `doc` unless it is there; locks the contract row for the rest of `tx`. */
  async function ensureVersion(tx: Kysely<DB>, doc: ContractDocument): Promise<{ contract: ContractRecord; version: VersionRecord; created: boolean }> {
    const hash = hashOf(doc);
    const now = clock.now();
    const parties = requiredParties(doc);
    const row = { hash, document: doc, canonical: canonicalJson(doc), parties, now };
    let contract = await store.lock(tx, doc.id);
    if (!contract) {
      if (doc.version !== 1) throw new AppError('DS_CONTRACT_NOT_FOUND', `no contract ${doc.id} to amend`, [{ path: '/document/previousVersion', message: 'unknown contract' }]);
      const agreementId = doc.type === 'BilateralContract' ? (doc.agreementId ?? null) : null;
      const holder = agreementId ? await store.byAgreement(agreementId, tx) : undefined;
      if (holder) throw new AppError('DS_CONTRACT_VERSION_CONFLICT', `agreement ${agreementId} already backs contract ${holder.id}`, [{ path: '/document/agreementId', message: 'already backs another contract' }]);
      // A concurrent transaction may create the same contract (both sides recording one agreement): then use it.
      if (await store.insertContract(tx, { id: doc.id, kind: kindOf(doc), title: titleOf(doc), agreementId, latestHash: hash, now })) {
        await store.insertVersion(tx, row);
        await log(tx, 'contract.proposed', doc.id, { versionHash: hash, version: 1, kind: kindOf(doc), proposer: doc.proposer ?? null, parties });
        return { contract: (await store.get(doc.id, tx))!, version: (await store.version(hash, tx))!, created: true };
      }
      contract = (await store.lock(tx, doc.id))!;
    }
    const existing = await store.version(hash, tx);
    if (existing) return { contract, version: existing, created: false };
    const taken = await store.versionNumbered(doc.id, doc.version, tx);
    if (taken) {
      throw new AppError('DS_CONTRACT_VERSION_CONFLICT', `version ${doc.version} of ${doc.id} is ${taken.hash}; a version cannot change once proposed, amend it instead`, [
        { path: '/document/version', message: `already ${taken.hash}` },
      ]);
    }
    await checkAmendment(tx, contract, doc);
    await store.insertVersion(tx, row);
    await store.updateContract(tx, doc.id, { latestHash: hash, now });
    await log(tx, 'contract.amended', doc.id, { versionHash: hash, version: doc.version, previousVersion: doc.previousVersion ?? null, proposer: doc.proposer ?? null, parties });
    return { contract: (await store.get(doc.id, tx))!, version: (await store.version(hash, tx))!, created: true };
  }

  async function checkAmendment(tx: Kysely<DB>, contract: ContractRecord, doc: ContractDocument): Promise<void> {
    const previous = doc.previousVersion ? await store.version(doc.previousVersion, tx) : undefined;
    if (!previous || previous.contractId !== doc.id) throw new AppError('DS_CONTRACT_INVALID', `${doc.previousVersion ?? '(none)'} is not a version of ${doc.id}`, [{ path: '/document/previousVersion', message: 'unknown version' }]);
    if (previous.hash !== contract.latestHash || previous.version + 1 !== doc.version) throw illegal(`an amendment must follow the newest version ${contract.latestHash}`);
    const allowed = canAmend(contractStatus(contract, clock.now()), contract.latestHash !== contract.currentHash);
    if (!allowed.ok) throw illegal(allowed.reason);
    const before = previous.document;
    if (before.type !== doc.type) throw new AppError('DS_CONTRACT_INVALID', 'an amendment cannot change the kind of contract', [{ path: '/document/type', message: `must stay ${before.type}` }]);
    if (before.type === 'BilateralContract' && doc.type === 'BilateralContract') {
      for (const k of ['provider', 'consumer', 'offerId', 'agreementId'] as const) {
        if (before[k] !== doc[k]) throw new AppError('DS_CONTRACT_INVALID', `an amendment cannot change ${k}`, [{ path: `/document/${k}`, message: 'cannot change' }]);
      }
    }
  }

  /** Adds the signatures the version lacks; signatures on a version that is no longer pending are ignored. */
  async function addSignatures(tx: Kysely<DB>, version: VersionRecord, sigs: Array<Verified<SignaturePayload>>): Promise<Array<Verified<SignaturePayload>>> {
    if (version.status !== 'pending') return [];
    const have = new Set(version.signatures.map((s) => s.signer));
    const added: Array<Verified<SignaturePayload>> = [];
    for (const s of sigs) {
      if (have.has(s.payload.signer)) continue;
      have.add(s.payload.signer);
      const signedAt = new Date(s.payload.signedAt);
      await store.insertSignature(tx, version.hash, { signer: s.payload.signer, jws: s.jws, kid: s.kid, publicKeyJwk: s.publicKeyJwk, signedAt }, clock.now());
      await log(tx, 'contract.signed', version.contractId, { versionHash: version.hash, signer: s.payload.signer, kid: s.kid, signedAt: s.payload.signedAt, signature: s.jws });
      added.push(s);
    }
    return added;
  }

  /** Activates the version when every required party signed; the version it amends is then superseded. */
  async function activateIfComplete(tx: Kysely<DB>, contractId: string, hash: string): Promise<boolean> {
    const version = (await store.version(hash, tx))!;
    const contract = (await store.get(contractId, tx))!;
    if (contract.ended || version.status !== 'pending') return false;
    const signed = new Set(version.signatures.map((s) => s.signer));
    if (!version.parties.every((p) => signed.has(p.did))) return false;
    const next = nextVersionStatus(version.status, { type: 'all-signed' });
    if (!next.ok) throw illegal(next.reason);
    const now = clock.now();
    await store.setVersionStatus(tx, hash, next.value, now);
    await log(tx, 'contract.activated', contractId, { versionHash: hash, version: version.version });
    if (contract.currentHash) {
      await store.setVersionStatus(tx, contract.currentHash, 'superseded');
      await log(tx, 'contract.superseded', contractId, { versionHash: contract.currentHash, by: hash });
    }
    await store.updateContract(tx, contractId, { status: 'active', currentHash: hash, title: titleOf(version.document), now });
    return true;
  }

  /**
   * Ends the contract with a verified notice: the version in force takes the notice's status and a pending
   * amendment is revoked with it. A contract already ended keeps its status (the notice is kept as evidence).
   */
  async function end(tx: Kysely<DB>, notice: Verified<NoticePayload>): Promise<ContractStatus> {
    const { contractId, action, reason, signer } = notice.payload;
    const contract = await store.lock(tx, contractId);
    if (!contract) throw new AppError('DS_CONTRACT_NOT_FOUND', `no contract ${contractId}`);
    const now = clock.now();
    const record = { contractId, versionHash: notice.payload.versionHash, signer, action, reason, jws: notice.jws, kid: notice.kid, publicKeyJwk: notice.publicKeyJwk, issuedAt: new Date(notice.payload.issuedAt) };
    if (contract.ended) {
      await store.insertNotice(tx, record, now);
      return contract.status;
    }
    const allowed = canEnd(contractStatus(contract, now), action);
    if (!allowed.ok) throw illegal(allowed.reason);
    const inForce = contract.currentHash ?? contract.latestHash;
    if (notice.payload.versionHash !== inForce) throw new AppError('DS_CONTRACT_NOTICE_INVALID', `the notice is about ${notice.payload.versionHash}, the version in force is ${inForce}`, [{ path: '/body/notice', message: 'not about the version in force' }]);
    await store.insertNotice(tx, record, now);
    for (const hash of new Set([contract.currentHash, contract.latestHash])) {
      if (!hash) continue;
      const v = (await store.version(hash, tx))!;
      const next = nextVersionStatus(v.status, { type: 'ended', action });
      if (next.ok) await store.setVersionStatus(tx, hash, next.value);
    }
    await store.updateContract(tx, contractId, { status: allowed.value, ended: { by: signer, reason, at: now }, now });
    await log(tx, `contract.${allowed.value}`, contractId, { versionHash: inForce, by: signer, action, reason, notice: notice.jws });
    return allowed.value;
  }

  return { recordNew, ensureVersion, addSignatures, activateIfComplete, end };
}

export type Recorder = ReturnType<typeof createRecorder>;
