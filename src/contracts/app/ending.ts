import { AppError } from '../../kernel/index.js';
import { isParty } from '../domain/contract-document.js';
import { canEnd, contractStatus, type ContractStatus, type EndAction } from '../domain/contract-status.machine.js';
import { notFound, partiesOfContract, type ContractsContext } from './contracts.context.js';

export interface Ended {
  contractId: string;
  /** The version the notice is about (the one in force when it was issued). */
  versionHash: string;
  status: ContractStatus;
}

/**
 * Termination and revocation: a party signs a notice about the version in force, applies it, and sends it to
 * every other party's node, which verifies it against the signer's DID and applies it too.
 */
export function createEnding(ctx: ContractsContext) {
  return {
    async end(contractId: string, action: EndAction, reason: string): Promise<Ended> {
      const contract = await ctx.store.get(contractId);
      if (!contract) throw notFound(contractId);
      const allowed = canEnd(contractStatus(contract, ctx.clock.now()), action);
      if (!allowed.ok) throw new AppError('DS_CONTRACT_ILLEGAL_TRANSITION', allowed.reason);
      const inForce = (await ctx.store.version(contract.currentHash ?? contract.latestHash))!;
      if (!isParty(inForce.document, ctx.did)) throw new AppError('DS_CONTRACT_NOT_A_PARTY', `${ctx.did} is not a party of ${contractId}`);
      const notice = await ctx.keys.notice(inForce.document, action, reason);
      const { found, missing } = await ctx.messages.endpoints(await partiesOfContract(ctx, contractId));
      // Ending cannot wait for an unreachable party: the notice stays in our log and file as evidence.
      if (missing.length) ctx.logger.warn({ contract: contractId, missing }, `contract ${action} notice cannot reach some parties`);
      const status = await ctx.db.transaction().execute(async (tx) => {
        const s = await ctx.recorder.end(tx, notice);
        await ctx.messages.notice(tx, found, contractId, notice.jws);
        return s;
      });
      return { contractId, versionHash: inForce.hash, status };
    },

    /** A notice sent by a party's node (`caller`); the notice's signer must be a party of the version it names. */
    async receive(caller: string, contractId: string, jws: string): Promise<Ended> {
      const parties = await partiesOfContract(ctx, contractId);
      if (!parties.has(caller)) throw notFound(contractId);
      const peek = ctx.keys.peekNotice(jws, '/body/notice');
      const version = await ctx.store.version(peek.versionHash);
      if (!version || version.contractId !== contractId) {
        throw new AppError('DS_CONTRACT_NOTICE_INVALID', `${peek.versionHash} is not a version of ${contractId}`, [{ path: '/body/notice', message: 'unknown version' }]);
      }
      const notice = await ctx.keys.verifyNotice(version.document, jws, '/body/notice');
      const status = await ctx.db.transaction().execute((tx) => ctx.recorder.end(tx, notice));
      return { contractId, versionHash: version.hash, status };
    },
  };
}

export type Ending = ReturnType<typeof createEnding>;
