import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { registerEntryType } from '../../ledger/index.js';
import { AppError, type Clock, type IdGenerator, type Logger } from '../../kernel/index.js';
import type { SqlEcosystemStore } from '../adapters/sql-ecosystem.store.js';
import type { SqlMembershipStore } from '../adapters/sql-membership.store.js';
import type { SqlParticipationStore } from '../adapters/sql-participation.store.js';
import type { TemplateLibrary } from '../domain/templates/index.js';
import type { ContractsPort, OutboxPort, RulebookDirectory, RulebookLedger, RulebookResolver, RulebookSigner } from './rulebook.ports.js';

export const ENTRY_TYPES = {
  'ecosystem.created': 'An ecosystem was created with this node as its orchestrator',
  'ecosystem.rulebook-published': "A version of an ecosystem's rulebook was published",
  'ecosystem.member-invited': 'A participant was invited to an ecosystem',
  'ecosystem.join-requested': 'A participant asked to join an ecosystem, signing its rulebook',
  'ecosystem.join-refused': 'A request to join an ecosystem was refused',
  'ecosystem.member-joined': 'A member was admitted to an ecosystem after its signed acceptance of the rulebook was verified',
  'ecosystem.rulebook-accepted': 'A member accepted a new version of the rulebook',
  'ecosystem.rulebook-signed': "This node signed its acceptance of an ecosystem's rulebook",
  'ecosystem.member-left': 'A member left an ecosystem',
  'ecosystem.contract-proposed': 'The multi-party ecosystem contract was proposed to the members',
} as const;

export type EcosystemEntryType = keyof typeof ENTRY_TYPES;

export function registerEcosystemEntryTypes(): void {
  for (const [name, description] of Object.entries(ENTRY_TYPES)) registerEntryType(name, description);
}

/** Message topics this context sends through the outbox (one outcome handler each). */
export const TOPICS = {
  invitation: 'rulebook.invitation',
  version: 'rulebook.version',
  decision: 'rulebook.decision',
  joinRequest: 'rulebook.join-request',
  acceptance: 'rulebook.acceptance',
  departure: 'rulebook.departure',
} as const;

/** Everything the use cases of this context share. */
export interface RulebookContext {
  did: string;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  ecosystems: SqlEcosystemStore;
  participation: SqlParticipationStore;
  memberships: SqlMembershipStore;
  templates: TemplateLibrary;
  ledger: RulebookLedger;
  signer: RulebookSigner;
  resolver: RulebookResolver;
  directory: RulebookDirectory;
  outbox: OutboxPort;
  contracts?: ContractsPort | undefined;
}

/** Appends a log entry in the caller's transaction, as this node. */
export const record = (ctx: RulebookContext, tx: Kysely<DB>, type: EcosystemEntryType, subject: string, payload: Record<string, unknown>) =>
  ctx.ledger.append(tx, { type, actor: ctx.did, subject, payload });

/** The DSP base URL of an active trusted participant, or DS_RULEBOOK_NO_ENDPOINT naming `path`. */
export async function dspOf(ctx: RulebookContext, did: string, path: string): Promise<string> {
  const p = await ctx.directory.get(did);
  const dsp = p?.status === 'active' ? p.endpoints.dsp : undefined;
  if (!dsp) throw new AppError('DS_RULEBOOK_NO_ENDPOINT', `${did} is not an active trusted participant with a DSP endpoint`, [{ path, message: 'not an active trusted participant with a DSP endpoint' }]);
  return dsp.replace(/\/+$/, '');
}

export const ecosystemUrl = (dsp: string, ecosystemId: string, leaf?: string) => `${dsp}/ecosystems/${encodeURIComponent(ecosystemId)}${leaf ? `/${leaf}` : ''}`;

export const notFound = (code: 'DS_RULEBOOK_ECOSYSTEM_NOT_FOUND' | 'DS_RULEBOOK_INVITATION_NOT_FOUND' | 'DS_RULEBOOK_JOIN_REQUEST_NOT_FOUND' | 'DS_RULEBOOK_MEMBERSHIP_NOT_FOUND', path: string, what: string) =>
  new AppError(code, `${path}: ${what}`, [{ path, message: what }]);

export const conflict = (path: string, why: string) => new AppError('DS_RULEBOOK_CONFLICT', `${path}: ${why}`, [{ path, message: why }]);
