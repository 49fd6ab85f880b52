import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError } from '../../kernel/index.js';
import type { SqlEcosystemStore } from '../adapters/sql-ecosystem.store.js';
import type { Ecosystem, Invitation, JoinRequest, Member } from '../domain/ecosystem.js';
import { ineligibility } from '../domain/participation.rules.js';
import { ORCHESTRATOR_ROLE, buildRulebook, rulebookHash, type RulebookDocument, type RulebookInput } from '../domain/rulebook.js';
import { signAcceptance } from './acceptance-verifier.js';
import { TOPICS, conflict, dspOf, ecosystemUrl, notFound, record, type RulebookContext } from './rulebook.context.js';

export interface RulebookChange {
  title?: string | undefined;
  description?: string | undefined;
  rulebook: RulebookInput;
}

/** Reads an ecosystem this node orchestrates, with its current rulebook; 404 for any other id. */
export async function ownEcosystem(ctx: RulebookContext, store: SqlEcosystemStore, id: string, opts: { lock?: boolean; path?: string } = {}): Promise<{ eco: Ecosystem; doc: RulebookDocument }> {
  const eco = await store.getEcosystem(id, { lock: opts.lock ?? false });
  if (!eco || eco.orchestrator !== ctx.did) throw notFound('DS_RULEBOOK_ECOSYSTEM_NOT_FOUND', opts.path ?? '/params/id', 'no ecosystem with this id is orchestrated by this node');
  const v = await store.version(id, eco.version);
  if (!v) throw new Error(`ecosystem ${id} has no rulebook version ${eco.version}`);
  return { eco, doc: v.document };
}

const ineligible = (field: string, reason: string) => new AppError('DS_RULEBOOK_INELIGIBLE', `${field}: ${reason}`, [{ path: field, message: reason }]);

/** The orchestrator's use cases: create an ecosystem, publish rulebook versions, invite, decide join requests. */
export function createOrchestrator(ctx: RulebookContext) {
  const { ecosystems, participation, clock } = ctx;
  const key = (id: string, did: string) => `rulebook:${id}:${did}`;

  async function build(change: RulebookChange, meta: { id: string; version: number; previous?: RulebookDocument; previousHash?: string }): Promise<{ doc: RulebookDocument; hash: string; signature: string }> {
    const title = change.title ?? meta.previous?.title;
    if (!title) throw new AppError('DS_HTTP_VALIDATION', '/body/title: is required', [{ path: '/body/title', message: 'is required' }]);
    const description = change.description ?? meta.previous?.description;
    const made = buildRulebook(
      change.rulebook,
      { ecosystem: meta.id, orchestrator: ctx.did, version: meta.version, ...(meta.previousHash ? { previousVersion: meta.previousHash } : {}), title, ...(description ? { description } : {}), issued: clock.now().toISOString() },
      ctx.templates,
      '/body/rulebook',
    );
    if (!made.ok) throw made.error;
    const hash = rulebookHash(made.value);
    // Publishing is accepting: the orchestrator is the first member to sign every version.
    return { doc: made.value, hash, signature: await signAcceptance(ctx, made.value, hash, ORCHESTRATOR_ROLE) };
  }

  async function create(change: RulebookChange): Promise<Ecosystem> {
    const id = ctx.ids.uuid();
    const { doc, hash, signature } = await build(change, { id, version: 1 });
    const at = clock.now();
    await ecosystems.transaction(async (s, tx) => {
      await s.insertEcosystem({ id, orchestrator: ctx.did, title: doc.title, version: 1, hash, at });
      await s.insertVersion(id, { version: 1, hash, document: doc, at });
      await s.putMember(id, { did: ctx.did, role: ORCHESTRATOR_ROLE, status: 'active', acceptedVersion: 1, acceptedHash: hash, signature, joinedAt: at.toISOString(), acceptedAt: at.toISOString() });
      await record(ctx, tx, 'ecosystem.created', id, { ecosystem: id, title: doc.title, orchestrator: ctx.did, version: 1, rulebookHash: hash });
      await record(ctx, tx, 'ecosystem.rulebook-published', id, { ecosystem: id, version: 1, rulebookHash: hash, signature });
    });
    return (await ecosystems.getEcosystem(id))!;
  }

  /** A new version; members (and pending invitees) receive it and must accept it again. */
  async function publish(id: string, change: RulebookChange): Promise<{ version: number; hash: string }> {
    const { eco, doc: previous } = await ownEcosystem(ctx, ecosystems, id);
    const version = eco.version + 1;
    const { doc, hash, signature } = await build(change, { id, version, previous, previousHash: eco.rulebookHash });
    const recipients = [...(await ecosystems.members(id, { status: 'active' })).map((m) => m.did), ...(await participation.pendingInvitations(id)).map((i) => i.participant)].filter((d) => d !== ctx.did);
    const targets: Array<{ did: string; url: string }> = [];
    for (const did of new Set(recipients)) {
      try {
        targets.push({ did, url: ecosystemUrl(await dspOf(ctx, did, '/members'), id, 'rulebook-versions') });
      } catch {
        ctx.logger.warn({ ecosystem: id, member: did }, 'member not reachable: it will not be told of the new rulebook version');
      }
    }
    const at = clock.now();
    await ecosystems.transaction(async (s, tx) => {
      const locked = await ownEcosystem(ctx, s, id, { lock: true });
      if (locked.eco.version !== eco.version) throw conflict('/params/id', 'another version was published meanwhile');
      await s.insertVersion(id, { version, hash, document: doc, at });
      await s.setCurrent(id, { version, hash, title: doc.title, at });
      await s.setAccepted(id, ctx.did, { version, hash, signature, at });
      await record(ctx, tx, 'ecosystem.rulebook-published', id, { ecosystem: id, version, rulebookHash: hash, previousVersion: eco.rulebookHash, signature });
      for (const t of targets) await ctx.outbox.enqueue(tx, { topic: TOPICS.version, url: t.url, audience: t.did, key: key(id, t.did), body: { rulebook: doc, rulebookHash: hash } });
    });
    return { version, hash };
  }

  async function invite(id: string, input: { participant: string; role: string }): Promise<Invitation> {
    await ownEcosystem(ctx, ecosystems, id);
    if (input.participant === ctx.did) throw ineligible('/body/participant', 'the orchestrator is a member already');
    const p = await ctx.directory.get(input.participant);
    const url = ecosystemUrl(await dspOf(ctx, input.participant, '/body/participant'), id, 'invitations');
    const invitation: Invitation = { id: ctx.ids.uuid(), ecosystemId: id, participant: input.participant, role: input.role, status: 'pending', delivered: false, createdAt: clock.now().toISOString(), updatedAt: clock.now().toISOString() };
    await ecosystems.transaction(async (s, tx) => {
      const { eco, doc } = await ownEcosystem(ctx, s, id, { lock: true });
      const active = await s.members(id, { status: 'active' });
      if (active.some((m) => m.did === input.participant)) throw conflict('/body/participant', 'is a member already');
      const store = participation.with(tx);
      if (await store.pendingInvitation(id, input.participant)) throw conflict('/body/participant', 'has a pending invitation already');
      const why = ineligibility(doc, { role: input.role, registryRoles: p?.roles ?? [] }, active);
      if (why) throw ineligible(`/body/${why.field}`, why.reason);
      await store.insertInvitation(invitation);
      await record(ctx, tx, 'ecosystem.member-invited', id, { ecosystem: id, invitation: invitation.id, participant: input.participant, role: input.role, version: eco.version, rulebookHash: eco.rulebookHash });
      await ctx.outbox.enqueue(tx, { topic: TOPICS.invitation, url, audience: input.participant, key: key(id, input.participant), body: { invitationId: invitation.id, role: input.role, rulebook: doc, rulebookHash: eco.rulebookHash } });
    });
    return invitation;
  }

  async function pendingRequest(tx: Kysely<DB>, id: string, requestId: string): Promise<JoinRequest> {
    const jr = await participation.with(tx).joinRequest(requestId);
    if (!jr || jr.ecosystemId !== id) throw notFound('DS_RULEBOOK_JOIN_REQUEST_NOT_FOUND', '/params/requestId', 'no such request to join this ecosystem');
    if (jr.status !== 'pending') throw conflict('/params/requestId', `the request was ${jr.status} already`);
    return jr;
  }

  /**
   * Where the decision on a request goes and what the registry says of the requester, read before the
   * transaction (which re-reads the request): nothing outside it may touch the database while it is open.
   */
  async function decisionTarget(id: string, requestId: string): Promise<{ url: string; registryRoles: string[] }> {
    await ownEcosystem(ctx, ecosystems, id);
    const jr = await pendingRequest(ecosystems.db, id, requestId);
    const url = ecosystemUrl(await dspOf(ctx, jr.participant, '/params/requestId'), id, 'decisions');
    return { url, registryRoles: (await ctx.directory.get(jr.participant))?.roles ?? [] };
  }

  /** Admits the requester: its acceptance (signed when it asked) was verified on arrival. */
  async function approve(id: string, requestId: string): Promise<{ request: JoinRequest; member: Member }> {
    const { url, registryRoles } = await decisionTarget(id, requestId);
    const at = clock.now();
    return ecosystems.transaction(async (s, tx) => {
      const { eco, doc } = await ownEcosystem(ctx, s, id, { lock: true });
      const jr = await pendingRequest(tx, id, requestId);
      const active = await s.members(id, { status: 'active' });
      if (active.some((m) => m.did === jr.participant)) throw conflict('/params/requestId', 'the requester is a member already');
      const why = ineligibility(doc, { role: jr.role, registryRoles }, active);
      if (why) throw ineligible('/params/requestId', why.reason);
      const member: Member = { did: jr.participant, role: jr.role, status: 'active', acceptedVersion: jr.version, acceptedHash: jr.hash, signature: jr.signature, joinedAt: at.toISOString(), acceptedAt: jr.createdAt };
      await s.putMember(id, member);
      await participation.with(tx).decideJoinRequest(requestId, 'approved', undefined, at);
      await record(ctx, tx, 'ecosystem.member-joined', id, { ecosystem: id, member: jr.participant, role: jr.role, version: jr.version, rulebookHash: jr.hash, signature: jr.signature, request: requestId });
      await ctx.outbox.enqueue(tx, { topic: TOPICS.decision, url, audience: jr.participant, key: key(id, jr.participant), body: { requestId, decision: 'approved', acceptedVersion: jr.version, rulebook: doc, rulebookHash: eco.rulebookHash } });
      return { request: { ...jr, status: 'approved' as const, decidedAt: at.toISOString() }, member };
    });
  }

  async function refuse(id: string, requestId: string, reason: string | undefined): Promise<JoinRequest> {
    const { url } = await decisionTarget(id, requestId);
    const at = clock.now();
    return ecosystems.transaction(async (s, tx) => {
      await ownEcosystem(ctx, s, id, { lock: true });
      const jr = await pendingRequest(tx, id, requestId);
      await participation.with(tx).decideJoinRequest(requestId, 'refused', reason, at);
      await record(ctx, tx, 'ecosystem.join-refused', id, { ecosystem: id, participant: jr.participant, request: requestId, ...(reason ? { reason } : {}) });
      await ctx.outbox.enqueue(tx, { topic: TOPICS.decision, url, audience: jr.participant, key: key(id, jr.participant), body: { requestId, decision: 'refused', ...(reason ? { reason } : {}) } });
      return { ...jr, status: 'refused' as const, ...(reason ? { reason } : {}), decidedAt: at.toISOString() };
    });
  }

  return { create, publish, invite, approve, refuse };
}

export type Orchestrator = ReturnType<typeof createOrchestrator>;
