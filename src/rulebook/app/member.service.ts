import { AppError, invalidField } from '../../kernel/index.js';
import type { OrchestratorClient } from '../adapters/orchestrator.client.js';
import type { Membership } from '../domain/ecosystem.js';
import { transition, type MembershipEvent } from '../domain/membership.machine.js';
import { ORCHESTRATOR_ROLE, checkReceivedRulebook, type RulebookDocument } from '../domain/rulebook.js';
import { signAcceptance } from './acceptance-verifier.js';
import { storeReceivedVersion } from './member-inbox.js';
import { TOPICS, conflict, dspOf, ecosystemUrl, notFound, record, type RulebookContext } from './rulebook.context.js';

export interface JoinInput { orchestrator: string; ecosystemId: string; role: string; message?: string | undefined }

/**
 * This node as a participant: accepting an invitation, asking to join, accepting a new rulebook version, leaving.
 * Each signs (outside any transaction), then records its state, its log entry and its message in one transaction;
 * the orchestrator's answer arrives through the outbox (see outbox-handlers.ts).
 */
export function createMemberService(ctx: RulebookContext, client: OrchestratorClient) {
  const { ecosystems, memberships, clock } = ctx;
  const key = (id: string) => `rulebook:${id}:${ctx.did}`;

  async function membership(ecosystemId: string, path: string): Promise<Membership> {
    const m = await memberships.get(ecosystemId);
    if (!m) throw notFound('DS_RULEBOOK_MEMBERSHIP_NOT_FOUND', path, 'this node has no membership in that ecosystem');
    return m;
  }

  const allowed = (m: Membership | undefined, event: MembershipEvent, path: string) => {
    const t = transition(m?.status, event);
    if (!t.ok) throw conflict(path, t.reason);
    return t.next;
  };

  async function latest(m: Membership): Promise<RulebookDocument> {
    const v = await ecosystems.version(m.ecosystemId, m.latestVersion);
    if (!v) throw new Error(`no rulebook version ${m.latestVersion} of ecosystem ${m.ecosystemId}`);
    return v.document;
  }

  /** Signs the latest version and sends the acceptance; `next` is the membership's state meanwhile. */
  async function sendAcceptance(m: Membership, opts: { invitationId?: string; next: Membership['status'] }): Promise<Membership> {
    const doc = await latest(m);
    const signature = await signAcceptance(ctx, doc, m.latestHash, m.role);
    const url = ecosystemUrl(await dspOf(ctx, m.orchestrator, '/params/id'), m.ecosystemId, 'acceptances');
    const at = clock.now();
    await ecosystems.transaction(async (_s, tx) => {
      const store = memberships.with(tx);
      const current = await store.get(m.ecosystemId, { lock: true });
      if (current?.status !== m.status || current.latestVersion !== m.latestVersion) throw conflict('/params/id', 'the membership changed meanwhile; try again');
      await store.update(m.ecosystemId, { status: opts.next, signedVersion: doc.version, lastError: null }, at);
      await record(ctx, tx, 'ecosystem.rulebook-signed', m.ecosystemId, { ecosystem: m.ecosystemId, orchestrator: m.orchestrator, role: m.role, version: doc.version, rulebookHash: m.latestHash, signature });
      const body = { ...(opts.invitationId ? { invitationId: opts.invitationId } : {}), version: doc.version, rulebookHash: m.latestHash, signature };
      await ctx.outbox.enqueue(tx, { topic: TOPICS.acceptance, url, audience: m.orchestrator, key: key(m.ecosystemId), body });
    });
    return (await memberships.get(m.ecosystemId))!;
  }

  async function acceptInvitation(invitationId: string): Promise<Membership> {
    const m = await memberships.byInvitation(invitationId);
    if (!m) throw notFound('DS_RULEBOOK_INVITATION_NOT_FOUND', '/params/id', 'no invitation with this id was received');
    const next = allowed(m, 'invitation-accepted', '/params/id');
    return sendAcceptance(m, { invitationId, next });
  }

  /** Accepts the newest rulebook version received from the orchestrator of an ecosystem this node belongs to. */
  async function acceptLatest(ecosystemId: string): Promise<Membership> {
    const m = await membership(ecosystemId, '/params/id');
    if (m.status !== 'active') throw conflict('/params/id', `the membership is ${m.status}`);
    if (m.acceptedVersion === m.latestVersion) throw conflict('/params/id', `version ${m.latestVersion} is accepted already`);
    if (m.signedVersion === m.latestVersion) throw conflict('/params/id', `the acceptance of version ${m.latestVersion} is on its way to the orchestrator`);
    return sendAcceptance(m, { next: 'active' });
  }

  /** Reads the ecosystem at its orchestrator, signs its current rulebook and asks to join in `role`. */
  async function requestToJoin(input: JoinInput): Promise<Membership> {
    if (input.orchestrator === ctx.did) throw invalidField('/body/orchestrator', 'is this node');
    if (input.role === ORCHESTRATOR_ROLE) throw new AppError('DS_RULEBOOK_INELIGIBLE', '/body/role: the orchestrator role is held by the orchestrator node', [{ path: '/body/role', message: 'is the orchestrator\'s role' }]);
    allowed(await memberships.get(input.ecosystemId), 'join-requested', '/body/ecosystemId');
    const dsp = await dspOf(ctx, input.orchestrator, '/body/orchestrator');
    const answer = await client.fetchEcosystem(ecosystemUrl(dsp, input.ecosystemId), input.orchestrator);
    const checked = checkReceivedRulebook(answer.rulebook, String(answer.rulebookHash), { ecosystem: input.ecosystemId, orchestrator: input.orchestrator }, { rulebook: '/remote/rulebook', hash: '/remote/rulebookHash' });
    if (!checked.ok) throw new AppError('DS_RULEBOOK_REMOTE_INVALID', checked.error.map((e) => `${e.path}: ${e.message}`).join('; '), checked.error);
    const doc = checked.value;
    const hash = String(answer.rulebookHash);
    if (!doc.roles.some((r) => r.id === input.role)) throw new AppError('DS_RULEBOOK_INELIGIBLE', `/body/role: the rulebook has no role "${input.role}"`, [{ path: '/body/role', message: 'not a role of the rulebook' }]);
    const signature = await signAcceptance(ctx, doc, hash, input.role);
    const requestId = ctx.ids.uuid();
    const at = clock.now();
    await ecosystems.transaction(async (s, tx) => {
      const known = await s.getEcosystem(input.ecosystemId);
      if (known && known.orchestrator !== input.orchestrator) throw conflict('/body/ecosystemId', 'is known with another orchestrator');
      const store = memberships.with(tx);
      const next = allowed(await store.get(input.ecosystemId, { lock: true }), 'join-requested', '/body/ecosystemId');
      await storeReceivedVersion(s, doc, hash, at);
      await store.put(input.ecosystemId, { role: input.role, status: next, requestId, signedVersion: doc.version }, at);
      await record(ctx, tx, 'ecosystem.rulebook-signed', input.ecosystemId, { ecosystem: input.ecosystemId, orchestrator: input.orchestrator, role: input.role, version: doc.version, rulebookHash: hash, signature });
      const body = { requestId, role: input.role, ...(input.message ? { message: input.message } : {}), version: doc.version, rulebookHash: hash, signature };
      await ctx.outbox.enqueue(tx, { topic: TOPICS.joinRequest, url: ecosystemUrl(dsp, input.ecosystemId, 'join-requests'), audience: input.orchestrator, key: key(input.ecosystemId), body });
    });
    return (await memberships.get(input.ecosystemId))!;
  }

  async function leave(ecosystemId: string, reason: string | undefined): Promise<Membership> {
    const m = await membership(ecosystemId, '/params/id');
    const next = allowed(m, 'left', '/params/id');
    const url = ecosystemUrl(await dspOf(ctx, m.orchestrator, '/params/id'), ecosystemId, 'departures');
    const at = clock.now();
    await ecosystems.transaction(async (_s, tx) => {
      const store = memberships.with(tx);
      allowed(await store.get(ecosystemId, { lock: true }), 'left', '/params/id');
      await store.update(ecosystemId, { status: next }, at);
      await record(ctx, tx, 'ecosystem.member-left', ecosystemId, { ecosystem: ecosystemId, member: ctx.did, role: m.role, ...(reason ? { reason } : {}) });
      await ctx.outbox.enqueue(tx, { topic: TOPICS.departure, url, audience: m.orchestrator, key: key(ecosystemId), body: reason ? { reason } : {} });
    });
    return (await memberships.get(ecosystemId))!;
  }

  return { acceptInvitation, acceptLatest, requestToJoin, leave };
}

export type MemberService = ReturnType<typeof createMemberService>;
