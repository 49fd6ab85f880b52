import { AppError } from '../../kernel/index.js';
import { CONTRACT_FILE_FORMAT, type ContractFile, type KeyBinding } from '../domain/contract-file.js';
import type { ContractDocument, ContractKind } from '../domain/contract-document.js';
import { contractStatus, type ContractStatus, type VersionStatus } from '../domain/contract-status.machine.js';
import type { ContractQuery, ContractRecord, NoticeRecord, VersionRecord } from './contract.store.js';
import { notFound, type ContractsContext } from './contracts.context.js';

export interface ContractView {
  id: string;
  kind: ContractKind;
  title: string;
  agreementId?: string;
  status: ContractStatus;
  /** The version in force (absent until one is active). */
  currentVersion?: string;
  latestVersion: string;
  ended?: { by: string; reason: string; at: string };
  createdAt: string;
  updatedAt: string;
}

export interface VersionView {
  hash: string;
  version: number;
  previousVersion?: string;
  proposer?: string;
  status: VersionStatus;
  createdAt: string;
  activatedAt?: string;
  parties: Array<{ did: string; role: string; signed: boolean; signedAt?: string }>;
  signatures: string[];
  document: ContractDocument;
}

export interface NoticeView {
  signer: string;
  action: 'terminate' | 'revoke';
  versionHash: string;
  reason: string;
  issuedAt: string;
  notice: string;
}

export const toContractView = (c: ContractRecord, now: Date): ContractView => ({
  id: c.id,
  kind: c.kind,
  title: c.title,
  ...(c.agreementId ? { agreementId: c.agreementId } : {}),
  status: contractStatus(c, now),
  ...(c.currentHash ? { currentVersion: c.currentHash } : {}),
  latestVersion: c.latestHash,
  ...(c.ended ? { ended: { by: c.ended.by, reason: c.ended.reason, at: c.ended.at.toISOString() } } : {}),
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export const toVersionView = (v: VersionRecord): VersionView => ({
  hash: v.hash,
  version: v.version,
  ...(v.previousHash ? { previousVersion: v.previousHash } : {}),
  ...(v.proposer ? { proposer: v.proposer } : {}),
  status: v.status,
  createdAt: v.createdAt.toISOString(),
  ...(v.activatedAt ? { activatedAt: v.activatedAt.toISOString() } : {}),
  parties: v.parties.map((p) => {
    const s = v.signatures.find((x) => x.signer === p.did);
    return s ? { ...p, signed: true, signedAt: s.signedAt.toISOString() } : { ...p, signed: false };
  }),
  signatures: v.signatures.map((s) => s.jws),
  document: v.document,
});

const toNoticeView = (n: NoticeRecord): NoticeView => ({ signer: n.signer, action: n.action, versionHash: n.versionHash, reason: n.reason, issuedAt: n.issuedAt.toISOString(), notice: n.jws });

/** Read models of the management API and the contract file. */
export function createViews(ctx: ContractsContext) {
  const existing = async (id: string) => {
    const c = await ctx.store.get(id);
    if (!c) throw notFound(id);
    return c;
  };

  return {
    async list(q: ContractQuery): Promise<{ items: ContractView[]; total: number }> {
      const { items, total } = await ctx.store.list(q);
      const now = ctx.clock.now();
      return { items: items.map((c) => toContractView(c, now)), total };
    },

    async get(id: string): Promise<ContractView & { versions: VersionView[]; notices: NoticeView[] }> {
      const c = await existing(id);
      const [versions, notices] = await Promise.all([ctx.store.versions(id), ctx.store.notices(id)]);
      return { ...toContractView(c, ctx.clock.now()), versions: versions.map(toVersionView), notices: notices.map(toNoticeView) };
    },

    async versions(id: string): Promise<VersionView[]> {
      await existing(id);
      return (await ctx.store.versions(id)).map(toVersionView);
    },

    async version(id: string, hash: string): Promise<VersionView> {
      await existing(id);
      const v = await ctx.store.version(hash);
      if (!v || v.contractId !== id) throw new AppError('DS_CONTRACT_NOT_FOUND', `${hash} is not a version of ${id}`, [{ path: '/params/hash', message: 'unknown version' }]);
      return toVersionView(v);
    },

    /** The version (default: the one in force, else the newest) with its signatures, notices and keys. */
    async file(id: string, hash?: string): Promise<ContractFile> {
      const c = await existing(id);
      const wanted = hash ?? c.currentHash ?? c.latestHash;
      const v = await ctx.store.version(wanted);
      if (!v || v.contractId !== id) throw new AppError('DS_CONTRACT_NOT_FOUND', `${wanted} is not a version of ${id}`, [{ path: '/querystring/version', message: 'unknown version' }]);
      const notices = (await ctx.store.notices(id)).filter((n) => n.versionHash === v.hash);
      const keys = new Map<string, KeyBinding>();
      for (const k of [...v.signatures, ...notices]) keys.set(k.kid, { did: k.signer, kid: k.kid, publicKeyJwk: k.publicKeyJwk });
      // An active version shows the contract's status, which may be `expired`.
      const status: ContractStatus = v.status === 'active' ? contractStatus(c, ctx.clock.now()) : v.status;
      return { format: CONTRACT_FILE_FORMAT, contractId: id, versionHash: v.hash, status, document: v.document, signatures: v.signatures.map((s) => s.jws), notices: notices.map((n) => n.jws), keys: [...keys.values()] };
    },

    async contractOfAgreement(agreementId: string): Promise<{ id: string; status: ContractStatus } | undefined> {
      const c = await ctx.store.byAgreement(agreementId);
      return c ? { id: c.id, status: contractStatus(c, ctx.clock.now()) } : undefined;
    },
    async statusOfAgreement(agreementId: string): Promise<ContractStatus | undefined> {
      const c = await ctx.store.byAgreement(agreementId);
      return c ? contractStatus(c, ctx.clock.now()) : undefined;
    },
  };
}

export type Views = ReturnType<typeof createViews>;
