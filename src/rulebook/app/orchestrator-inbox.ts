import { AppError } from '../../kernel/index.js';
import type { Invitation, JoinRequest } from '../domain/ecosystem.js';
import { ineligibility } from '../domain/participation.rules.js';
import type { RulebookDocument } from '../domain/rulebook.js';
import { verifyMemberAcceptance } from './acceptance-verifier.js';
import { ownEcosystem } from './orchestrator.service.js';
import { conflict, notFound, record, type RulebookContext } from './rulebook.context.js';

export interface JoinRequestMessage { requestId: string; role: string; message?: string | undefined; version: number; rulebookHash: string; signature: string }
export interface AcceptanceMessage { invitationId?: string | undefined; version: number; rulebookHash: string; signature: string }

// Whoever is not concerned learns nothing: not even that the ecosystem exists.
const unknownEcosystem = () => notFound('DS_RULEBOOK_ECOSYSTEM_NOT_FOUND', '/params/id', 'no such ecosystem');
const stale = (current: number) => new AppError('DS_RULEBOOK_STALE_VERSION', `/body/rulebookHash: the current version is ${current}`, [{ path: '/body/rulebookHash', message: `not the current version (${current})` }]);
const ineligible = (path: string, reason: string) => new AppError('DS_RULEBOOK_INELIGIBLE', `${path}: ${reason}`, [{ path, message: reason }]);

/**
 * What other nodes (authenticated by their node token) ask of this node as orchestrator. Every answer is idempotent
 * for a message delivered twice by the sender's outbox; signatures are verified before anything is written.
 */
export function createOrchestratorInbox(ctx: RulebookContext) {
  const { ecosystems, participation, clock } = ctx;

  async function concerned(id: string, caller: string): Promise<{ doc: RulebookDocument; member: boolean; invitation?: Invitation }> {
    const found = await ownEcosystem(ctx, ecosystems, id).catch(() => undefined);
    if (!found) throw unknownEcosystem();
    const member = (await ecosystems.member(id, caller))?.status === 'active';
    const invitation = await participation.pendingInvitation(id, caller);
    return { doc: found.doc, member, ...(invitation ? { invitation } : {}) };
  }

  /** The current rulebook: for members and invitees, and for every trusted participant if the ecosystem is open. */
  async function describe(id: string, caller: string) {
    const c = await concerned(id, caller);
    if (!c.member && !c.invitation && c.doc.participation.mode !== 'open-with-approval') throw unknownEcosystem();
    const eco = (await ecosystems.getEcosystem(id))!;
    return { id, orchestrator: ctx.did, title: eco.title, version: eco.version, rulebookHash: eco.rulebookHash, rulebook: c.doc };
  }

  async function joinRequest(id: string, caller: string, msg: JoinRequestMessage): Promise<JoinRequest> {
    const c = await concerned(id, caller);
    if (c.doc.participation.mode !== 'open-with-approval') throw unknownEcosystem();
    const again = await participation.joinRequest(msg.requestId);
    if (again) {
      if (again.participant === caller && again.ecosystemId === id && again.signature === msg.signature) return again;
      throw conflict('/body/requestId', 'is already used');
    }
    if (c.member) throw conflict('/body', 'the caller is a member already');
    if (await participation.pendingJoinRequest(id, caller)) throw conflict('/body', 'the caller has a pending request already');
    const eco = (await ecosystems.getEcosystem(id))!;
    if (msg.rulebookHash !== eco.rulebookHash || msg.version !== eco.version) throw stale(eco.version);
    const registryRoles = (await ctx.directory.get(caller))?.roles ?? [];
    const why = ineligibility(c.doc, { role: msg.role, registryRoles }, await ecosystems.members(id, { status: 'active' }));
    if (why) throw ineligible(why.field === 'role' ? '/body/role' : '/body', why.reason);
    await verifyMemberAcceptance(ctx, msg.signature, { ecosystem: id, orchestrator: ctx.did, rulebook: eco.rulebookHash, version: eco.version, member: caller, role: msg.role }, '/body/signature');
    const jr: JoinRequest = { id: msg.requestId, ecosystemId: id, participant: caller, role: msg.role, ...(msg.message ? { message: msg.message } : {}), version: eco.version, hash: eco.rulebookHash, signature: msg.signature, status: 'pending', createdAt: clock.now().toISOString() };
    await ecosystems.transaction(async (s, tx) => {
      const locked = await ownEcosystem(ctx, s, id, { lock: true });
      if (locked.eco.version !== eco.version) throw stale(locked.eco.version);
      await participation.with(tx).insertJoinRequest(jr);
      await record(ctx, tx, 'ecosystem.join-requested', id, { ecosystem: id, request: jr.id, participant: caller, role: jr.role, version: jr.version, rulebookHash: jr.hash, signature: jr.signature });
    });
    return jr;
  }

  /** An invitee joining, or a member accepting the current version: admitted once its signature verifies. */
  async function acceptance(id: string, caller: string, msg: AcceptanceMessage): Promise<{ status: 'active'; role: string; version: number }> {
    const c = await concerned(id, caller);
    const member = c.member ? await ecosystems.member(id, caller) : undefined;
    const invitation = !member && msg.invitationId && c.invitation?.id === msg.invitationId ? c.invitation : undefined;
    if (!member && !invitation) throw notFound('DS_RULEBOOK_INVITATION_NOT_FOUND', '/body/invitationId', 'no pending invitation of the caller to this ecosystem');
    const eco = (await ecosystems.getEcosystem(id))!;
    const role = member?.role ?? invitation!.role;
    if (member?.acceptedHash === msg.rulebookHash && msg.rulebookHash === eco.rulebookHash) return { status: 'active', role, version: eco.version };
    if (msg.rulebookHash !== eco.rulebookHash || msg.version !== eco.version) throw stale(eco.version);
    await verifyMemberAcceptance(ctx, msg.signature, { ecosystem: id, orchestrator: ctx.did, rulebook: eco.rulebookHash, version: eco.version, member: caller, role }, '/body/signature');
    const registryRoles = invitation ? ((await ctx.directory.get(caller))?.roles ?? []) : [];
    const at = clock.now();
    await ecosystems.transaction(async (s, tx) => {
      const locked = await ownEcosystem(ctx, s, id, { lock: true });
      if (locked.eco.version !== eco.version) throw stale(locked.eco.version);
      const payload = { ecosystem: id, member: caller, role, version: eco.version, rulebookHash: eco.rulebookHash, signature: msg.signature };
      if (member) {
        await s.setAccepted(id, caller, { version: eco.version, hash: eco.rulebookHash, signature: msg.signature, at });
        return void (await record(ctx, tx, 'ecosystem.rulebook-accepted', id, payload));
      }
      const store = participation.with(tx);
      if ((await store.invitation(invitation!.id))?.status !== 'pending') throw conflict('/body/invitationId', 'the invitation is no longer pending');
      const why = ineligibility(locked.doc, { role, registryRoles }, await s.members(id, { status: 'active' }));
      if (why) throw ineligible('/body', why.reason);
      await s.putMember(id, { did: caller, role, status: 'active', acceptedVersion: eco.version, acceptedHash: eco.rulebookHash, signature: msg.signature, joinedAt: at.toISOString(), acceptedAt: at.toISOString() });
      await store.updateInvitation(invitation!.id, { status: 'accepted', delivered: true }, at);
      await record(ctx, tx, 'ecosystem.member-joined', id, { ...payload, invitation: invitation!.id });
    });
    return { status: 'active', role, version: eco.version };
  }

  async function departure(id: string, caller: string, reason: string | undefined): Promise<{ status: 'left' }> {
    await concerned(id, caller);
    const member = await ecosystems.member(id, caller);
    if (!member || caller === ctx.did) throw notFound('DS_RULEBOOK_MEMBERSHIP_NOT_FOUND', '/params/id', 'the caller is not a member of this ecosystem');
    if (member.status === 'left') return { status: 'left' };
    await ecosystems.transaction(async (s, tx) => {
      await s.markLeft(id, caller, reason, clock.now());
      await record(ctx, tx, 'ecosystem.member-left', id, { ecosystem: id, member: caller, role: member.role, ...(reason ? { reason } : {}) });
    });
    return { status: 'left' };
  }

  return { describe, joinRequest, acceptance, departure };
}

export type OrchestratorInbox = ReturnType<typeof createOrchestratorInbox>;
