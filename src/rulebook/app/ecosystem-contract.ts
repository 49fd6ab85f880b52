import { AppError, invalidField } from '../../kernel/index.js';
import { obligationsOf } from '../domain/rulebook.js';
import { ownEcosystem } from './orchestrator.service.js';
import { record, type RulebookContext } from './rulebook.context.js';

export interface ContractRequest {
  title?: string | undefined;
  /** Offerings each member brings (ids of offerings in its catalog); members not listed bring none. */
  offerings?: Array<{ did: string; offerings: string[] }> | undefined;
}

/**
 * Proposes the multi-party ecosystem contract to the members (through the contracts context): every member with
 * its role, its offerings and the obligations of its role, bound to the current rulebook, which every member must
 * have accepted. The proposal happens before our own record of it (the contracts context runs its own
 * transactions), so a failure to record leaves a proposed contract this ecosystem does not point to yet.
 */
export async function proposeEcosystemContract(ctx: RulebookContext, id: string, req: ContractRequest): Promise<{ contractId: string; versionHash: string; rulebookHash: string }> {
  const { eco, doc } = await ownEcosystem(ctx, ctx.ecosystems, id);
  if (!ctx.contracts) throw new AppError('DS_RULEBOOK_CONTRACTS_UNAVAILABLE', 'this node was started without the contracts module');
  const members = await ctx.ecosystems.members(id, { status: 'active' });
  const behind = members.filter((m) => m.acceptedHash !== eco.rulebookHash);
  if (behind.length) {
    const errors = behind.map((m) => ({ path: '/members', message: `${m.did} accepted version ${m.acceptedVersion}, the current one is ${eco.version}` }));
    throw new AppError('DS_RULEBOOK_MEMBERS_NOT_READY', errors.map((e) => e.message).join('; '), errors);
  }
  if (members.length < 2) throw new AppError('DS_RULEBOOK_MEMBERS_NOT_READY', 'the ecosystem has no member besides its orchestrator', [{ path: '/members', message: 'no member besides the orchestrator' }]);
  const offered = new Map<string, string[]>();
  (req.offerings ?? []).forEach((o, i) => {
    if (!members.some((m) => m.did === o.did)) throw invalidField(`/body/offerings/${i}/did`, 'is not an active member of the ecosystem');
    offered.set(o.did, [...(offered.get(o.did) ?? []), ...o.offerings]);
  });
  const proposal = await ctx.contracts.proposeEcosystemContract({
    ecosystemId: id,
    title: req.title ?? eco.title,
    members: members.map((m) => ({ did: m.did, role: m.role, offerings: offered.get(m.did) ?? [], policies: obligationsOf(doc, m.role) })),
    rulebookHash: eco.rulebookHash,
  });
  const at = ctx.clock.now();
  await ctx.ecosystems.transaction(async (s, tx) => {
    await s.setContract(id, { id: proposal.contractId, versionHash: proposal.versionHash }, at);
    await record(ctx, tx, 'ecosystem.contract-proposed', id, { ecosystem: id, contractId: proposal.contractId, versionHash: proposal.versionHash, rulebookHash: eco.rulebookHash, members: members.map((m) => m.did) });
  });
  return { ...proposal, rulebookHash: eco.rulebookHash };
}
