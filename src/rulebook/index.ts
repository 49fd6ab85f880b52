import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { createOrchestratorClient } from './adapters/orchestrator.client.js';
import { SqlEcosystemStore } from './adapters/sql-ecosystem.store.js';
import { SqlMembershipStore } from './adapters/sql-membership.store.js';
import { SqlParticipationStore } from './adapters/sql-participation.store.js';
import { proposeEcosystemContract, type ContractRequest } from './app/ecosystem-contract.js';
import { createMemberInbox } from './app/member-inbox.js';
import { createMemberService, type MemberService } from './app/member.service.js';
import { createOrchestratorInbox } from './app/orchestrator-inbox.js';
import { createOrchestrator, type Orchestrator } from './app/orchestrator.service.js';
import { registerOutboxHandlers } from './app/outbox-handlers.js';
import { registerEcosystemEntryTypes, type RulebookContext } from './app/rulebook.context.js';
import type { ContractsPort, OutboxPort, RulebookDirectory, RulebookLedger, RulebookResolver, RulebookSigner, RulebookTokens } from './app/rulebook.ports.js';
import { createTemplateLibrary, type TemplateLibrary } from './domain/templates/index.js';
import { ecosystemDspRoutes } from './http/ecosystems.dsp.routes.js';
import { ecosystemRoutes } from './http/ecosystems.routes.js';
import { membershipRoutes } from './http/memberships.routes.js';
import { templateRoutes } from './http/templates.routes.js';

export type { ContractsPort, OutboxPort, OutboxMessage, OutboxOutcome, RulebookDirectory, RulebookLedger, RulebookResolver, RulebookSigner, RulebookTokens } from './app/rulebook.ports.js';
export type { Orchestrator, RulebookChange } from './app/orchestrator.service.js';
export type { MemberService, JoinInput } from './app/member.service.js';
export type { ContractRequest } from './app/ecosystem-contract.js';
export type { Ecosystem, Member, Invitation, JoinRequest, Membership, RulebookVersion } from './domain/ecosystem.js';
export type { MembershipStatus } from './domain/membership.machine.js';
export { rulebookHash, ORCHESTRATOR_ROLE, type RulebookDocument, type RulebookInput, type RoleDefinition, type ParticipationRules, type ParticipationMode } from './domain/rulebook.js';
export { ACCEPTANCE_TYP, decodeAcceptance, verifyAcceptance, type RulebookAcceptance } from './domain/acceptance.js';
export {
  createTemplateLibrary,
  TEMPLATES,
  PURPOSES,
  EVENTS,
  ODRL_CONTEXT_URL,
  type TemplateLibrary,
  type TemplateDescriptor,
  type InstantiateInput,
  type OdrlPolicy,
} from './domain/templates/index.js';
export { ENTRY_TYPES, TOPICS } from './app/rulebook.context.js';

export interface RulebookDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** This node's DID. */
  did: string;
  signer: RulebookSigner;
  resolver: RulebookResolver;
  tokens: RulebookTokens;
  participants: RulebookDirectory;
  ledger: RulebookLedger;
  outbox: OutboxPort;
  /** Without it, proposing the ecosystem contract answers DS_RULEBOOK_CONTRACTS_UNAVAILABLE. */
  contracts?: ContractsPort;
  fetch?: typeof fetch;
}

export interface Rulebook {
  routes: (app: App) => Promise<void>;
  /** The policy template library (list, get, instantiate). */
  templates: TemplateLibrary;
  orchestrator: Orchestrator;
  members: MemberService;
  proposeContract(ecosystemId: string, req: ContractRequest): Promise<{ contractId: string; versionHash: string; rulebookHash: string }>;
}

/**
 * Policy templates and ecosystems: parameterised ODRL templates, ecosystems with a versioned rulebook (roles,
 * obligations per role, participation rules) that members accept by signing its hash, invitations and requests to
 * join between nodes through the outbox, and the multi-party ecosystem contract.
 */
export function createRulebook(deps: RulebookDeps): Rulebook {
  registerEcosystemEntryTypes();
  const templates = createTemplateLibrary({ ids: deps.ids });
  const ctx: RulebookContext = {
    did: deps.did,
    clock: deps.clock,
    ids: deps.ids,
    logger: deps.logger,
    ecosystems: new SqlEcosystemStore(deps.db),
    participation: new SqlParticipationStore(deps.db),
    memberships: new SqlMembershipStore(deps.db),
    templates,
    ledger: deps.ledger,
    signer: deps.signer,
    resolver: deps.resolver,
    directory: deps.participants,
    outbox: deps.outbox,
    contracts: deps.contracts,
  };
  const client = createOrchestratorClient({ tokens: deps.tokens, logger: deps.logger, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const orchestrator = createOrchestrator(ctx);
  const members = createMemberService(ctx, client);
  const memberInbox = createMemberInbox(ctx);
  registerOutboxHandlers(ctx, memberInbox);
  const proposeContract = (id: string, req: ContractRequest) => proposeEcosystemContract(ctx, id, req);
  const routes = async (app: App) => {
    await app.register(templateRoutes(templates));
    await app.register(ecosystemRoutes({ ctx, ecosystems: ctx.ecosystems, participation: ctx.participation, orchestrator, proposeContract }));
    await app.register(membershipRoutes({ memberships: ctx.memberships, ecosystems: ctx.ecosystems, members }));
    await app.register(ecosystemDspRoutes({ orchestrator: createOrchestratorInbox(ctx), member: memberInbox }));
  };
  return { routes, templates, orchestrator, members, proposeContract };
}
