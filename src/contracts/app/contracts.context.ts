import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type Clock, type IdGenerator, type Logger } from '../../kernel/index.js';
import type { ContractKeys } from './contract-keys.js';
import type { Messages } from './contract-messages.js';
import type { Recorder } from './contract-recorder.js';
import type { ContractRecord, ContractStore, VersionRecord } from './contract.store.js';

/** What every contract use case works with (built once by index.ts). */
export interface ContractsContext {
  db: Kysely<DB>;
  store: ContractStore;
  recorder: Recorder;
  keys: ContractKeys;
  messages: Messages;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** This node's DID. */
  did: string;
}

export const notFound = (id: string, path = '/params/id') => new AppError('DS_CONTRACT_NOT_FOUND', `no contract ${id}`, [{ path, message: 'unknown contract' }]);

/** Every DID that is a party of some version of the contract (who may talk to us about it). */
export async function partiesOfContract(ctx: ContractsContext, contractId: string): Promise<Set<string>> {
  const versions = await ctx.store.versions(contractId);
  return new Set(versions.flatMap((v) => v.parties.map((p) => p.did)));
}

/** The contract and one of its versions, or 404 (also when the hash belongs to another contract). */
export async function versionOf(ctx: ContractsContext, contractId: string, hash: string, path = '/body/versionHash'): Promise<{ contract: ContractRecord; version: VersionRecord }> {
  const contract = await ctx.store.get(contractId);
  if (!contract) throw notFound(contractId);
  const version = await ctx.store.version(hash);
  if (!version || version.contractId !== contractId) throw new AppError('DS_CONTRACT_NOT_FOUND', `${hash} is not a version of ${contractId}`, [{ path, message: 'unknown version' }]);
  return { contract, version };
}

/**
 * Who hears about a version: its parties and those of the version it amends (a member an amendment drops
 * still learns that its contract was superseded), except this node.
 */
export async function audienceOf(ctx: ContractsContext, version: Pick<VersionRecord, 'parties' | 'previousHash'>): Promise<string[]> {
  const dids = new Set(version.parties.map((p) => p.did));
  if (version.previousHash) for (const p of (await ctx.store.version(version.previousHash))?.parties ?? []) dids.add(p.did);
  dids.delete(ctx.did);
  return [...dids];
}
