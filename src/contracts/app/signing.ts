import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError } from '../../kernel/index.js';
import { hashOf, isParty, parseContractDocument, type ContractDocument } from '../domain/contract-document.js';
import type { SignaturePayload } from '../domain/contract-signature.js';
import { contractStatus, type ContractStatus, type VersionStatus } from '../domain/contract-status.machine.js';
import type { Verified } from './contract-keys.js';
import type { Endpoints } from './contract-messages.js';
import type { VersionRecord } from './contract.store.js';
import { audienceOf, notFound, partiesOfContract, versionOf, type ContractsContext } from './contracts.context.js';

export interface Signed {
  contractId: string;
  versionHash: string;
  /** The version's status after the signatures were added. */
  status: VersionStatus;
}

/**
 * Signatures: this node's (an operator signs a version via the management API), other parties' (arriving from the
 * proposer's node, which collects them and hands the whole set to every party), and the pair a DSP negotiation
 * yields (recorded in the negotiation's transaction). Each node activates a version once it holds every signature.
 */
export function createSigning(ctx: ContractsContext) {
  /** Stores verified signatures under the contract's lock; the proposer's node then distributes the set. */
  async function store(contractId: string, hash: string, sigs: Array<Verified<SignaturePayload>>, targets: Endpoints, always: boolean): Promise<{ status: VersionStatus; added: number }> {
    return ctx.db.transaction().execute(async (tx) => {
      await ctx.store.lock(tx, contractId);
      const version = (await ctx.store.version(hash, tx))!;
      const added = await ctx.recorder.addSignatures(tx, version, sigs);
      await ctx.recorder.activateIfComplete(tx, contractId, hash);
      const after = (await ctx.store.version(hash, tx))!;
      if (targets.size && (added.length || always)) await ctx.messages.signatures(tx, targets, contractId, hash, after.signatures.map((s) => s.jws));
      return { status: after.status, added: added.length };
    });
  }

  /** Where the signatures this node holds go: everyone when it proposed the version, else the proposer. */
  async function targetsFor(version: VersionRecord): Promise<Endpoints> {
    const to = version.proposer && version.proposer !== ctx.did ? [version.proposer] : await audienceOf(ctx, version);
    const { found, missing } = await ctx.messages.endpoints(to);
    if (missing.length) ctx.logger.warn({ contract: version.contractId, missing }, 'contract signatures cannot reach some parties');
    return found;
  }

  return {
    async sign(contractId: string, versionHash: string): Promise<Signed> {
      const { contract, version } = await versionOf(ctx, contractId, versionHash);
      if (!isParty(version.document, ctx.did)) throw new AppError('DS_CONTRACT_NOT_A_PARTY', `${ctx.did} is not a party of version ${versionHash}`);
      if (contract.ended || version.status !== 'pending') {
        throw new AppError('DS_CONTRACT_ILLEGAL_TRANSITION', `version ${versionHash} is ${contract.ended ? contract.status : version.status}: only a pending version can be signed`);
      }
      if (version.signatures.some((s) => s.signer === ctx.did)) throw new AppError('DS_CONTRACT_ALREADY_SIGNED', `${ctx.did} already signed ${versionHash}`);
      const mine = await ctx.keys.sign(version.document);
      const { status, added } = await store(contractId, versionHash, [mine], await targetsFor(version), true);
      if (!added) throw new AppError('DS_CONTRACT_ILLEGAL_TRANSITION', `version ${versionHash} is ${status}: only a pending version can be signed`);
      return { contractId, versionHash, status };
    },

    /** Signatures sent by a party's node (`caller`); the signatures themselves may be any parties'. */
    async receive(caller: string, contractId: string, versionHash: string, jwss: string[]): Promise<Signed & { added: number }> {
      const parties = await partiesOfContract(ctx, contractId);
      if (!parties.has(caller)) throw notFound(contractId);
      const { version } = await versionOf(ctx, contractId, versionHash);
      const verified = [];
      for (const [i, jws] of jwss.entries()) verified.push(await ctx.keys.verifySignature(version.document, jws, `/body/signatures/${i}`));
      const targets = version.proposer === ctx.did ? await targetsFor(version) : new Map<string, string>();
      const { status, added } = await store(contractId, versionHash, verified, targets, false);
      return { contractId, versionHash, status, added };
    },

    /** Both signatures of a negotiated agreement, in the negotiation's transaction (no messages: DSP carried them). */
    async recordSigned(tx: Kysely<DB>, document: ContractDocument, signatures: string[]): Promise<{ contractId: string; versionHash: string; status: ContractStatus }> {
      const parsed = parseContractDocument(document, '/document');
      if (!parsed.ok) throw new AppError('DS_CONTRACT_INVALID', parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '), parsed.errors);
      const doc = parsed.value;
      if (!isParty(doc, ctx.did)) throw new AppError('DS_CONTRACT_NOT_A_PARTY', `${ctx.did} is not a party of contract ${doc.id}`);
      const verified = [];
      for (const [i, jws] of signatures.entries()) verified.push(await ctx.keys.verifySignature(doc, jws, `/signatures/${i}`, { inTransaction: true }));
      const fresh = await ctx.recorder.recordNew(tx, doc, verified);
      if (fresh) return { contractId: doc.id, versionHash: hashOf(doc), status: fresh };
      const { version } = await ctx.recorder.ensureVersion(tx, doc);
      await ctx.recorder.addSignatures(tx, version, verified);
      await ctx.recorder.activateIfComplete(tx, doc.id, version.hash);
      const contract = (await ctx.store.get(doc.id, tx))!;
      return { contractId: doc.id, versionHash: hashOf(doc), status: contractStatus(contract, ctx.clock.now()) };
    },
  };
}

export type Signing = ReturnType<typeof createSigning>;
