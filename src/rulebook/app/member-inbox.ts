import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.js';
import { AppError, type FieldError } from '../../kernel/index.js';
import type { SqlEcosystemStore } from '../adapters/sql-ecosystem.store.js';
import { transition } from '../domain/membership.machine.js';
import { checkReceivedRulebook, type RulebookDocument } from '../domain/rulebook.js';
import { conflict, notFound, record, type RulebookContext } from './rulebook.context.js';

export interface InvitationMessage { invitationId: string; role: string; rulebook: unknown; rulebookHash: string }
export interface VersionMessage { rulebook: unknown; rulebookHash: string }
export interface DecisionMessage { requestId: string; decision: 'approved' | 'refused'; reason?: string | undefined; acceptedVersion?: number | undefined; rulebook?: unknown; rulebookHash?: string | undefined }

const unknownEcosystem = () => notFound('DS_RULEBOOK_ECOSYSTEM_NOT_FOUND', '/params/id', 'no such ecosystem from this orchestrator');

function received(value: unknown, hash: string, id: string, orchestrator: string): RulebookDocument {
  const r = checkReceivedRulebook(value, hash, { ecosystem: id, orchestrator }, { rulebook: '/body/rulebook', hash: '/body/rulebookHash' });
  if (r.ok) return r.value;
  const errors: FieldError[] = r.error;
  const code = errors.some((e) => e.path === '/body/rulebookHash') ? 'DS_RULEBOOK_HASH_MISMATCH' : 'DS_HTTP_VALIDATION';
  throw new AppError(code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/**
 * Stores a received rulebook version of an ecosystem orchestrated elsewhere (creating the ecosystem's record on
 * first sight) and moves the ecosystem's current version forward, never back. In the caller's transaction.
 */
export async function storeReceivedVersion(s: SqlEcosystemStore, doc: RulebookDocument, hash: string, at: Date): Promise<void> {
  const eco = await s.getEcosystem(doc.ecosystem, { lock: true });
  if (!eco) await s.insertEcosystem({ id: doc.ecosystem, orchestrator: doc.orchestrator, title: doc.title, version: doc.version, hash, at });
  await s.insertVersion(doc.ecosystem, { version: doc.version, hash, document: doc, at });
  if (eco && doc.version > eco.version) await s.setCurrent(doc.ecosystem, { version: doc.version, hash, title: doc.title, at });
}

/** What an orchestrator (authenticated by its node token) tells this node as an invitee or member. */
export function createMemberInbox(ctx: RulebookContext) {
  const { ecosystems, clock } = ctx;

  /** Our record of the ecosystem must name the caller as orchestrator, and not be one of our own. */
  async function fromOrchestrator(s: SqlEcosystemStore, id: string, caller: string, opts: { mayBeNew: boolean }): Promise<void> {
    const eco = await s.getEcosystem(id);
    if (eco ? eco.orchestrator !== caller || eco.orchestrator === ctx.did : !opts.mayBeNew) throw unknownEcosystem();
  }

  async function invitation(id: string, caller: string, msg: InvitationMessage): Promise<{ status: 'invited' }> {
    // Who may speak comes first: a stranger learns nothing from a validation error either.
    await fromOrchestrator(ecosystems, id, caller, { mayBeNew: true });
    const doc = received(msg.rulebook, msg.rulebookHash, id, caller);
    if (!doc.roles.some((r) => r.id === msg.role)) throw new AppError('DS_HTTP_VALIDATION', `/body/role: the rulebook has no role "${msg.role}"`, [{ path: '/body/role', message: 'not a role of the rulebook' }]);
    const at = clock.now();
    await ecosystems.transaction(async (s, tx) => {
      await fromOrchestrator(s, id, caller, { mayBeNew: true });
      const store = ctx.memberships.with(tx);
      const m = await store.get(id, { lock: true });
      if (m?.status === 'invited' && m.invitationId === msg.invitationId) return;
      const next = transition(m?.status, 'invitation-received');
      if (!next.ok) throw conflict('/body/invitationId', next.reason);
      await storeReceivedVersion(s, doc, msg.rulebookHash, at);
      await store.put(id, { role: msg.role, status: next.next, invitationId: msg.invitationId }, at);
    });
    return { status: 'invited' };
  }

  /** A new rulebook version: kept; the operator accepts it again (POST /api/v1/ecosystem-memberships/:id/accept). */
  async function version(id: string, caller: string, msg: VersionMessage): Promise<{ version: number }> {
    await fromOrchestrator(ecosystems, id, caller, { mayBeNew: false });
    const doc = received(msg.rulebook, msg.rulebookHash, id, caller);
    await ecosystems.transaction(async (s, tx) => {
      await fromOrchestrator(s, id, caller, { mayBeNew: false });
      const m = await ctx.memberships.with(tx).get(id);
      if (!m || m.status === 'left' || m.status === 'refused') throw unknownEcosystem();
      await storeReceivedVersion(s, doc, msg.rulebookHash, clock.now());
    });
    return { version: doc.version };
  }

  async function decision(id: string, caller: string, msg: DecisionMessage): Promise<{ status: string }> {
    await fromOrchestrator(ecosystems, id, caller, { mayBeNew: false });
    const doc = msg.decision === 'approved' && msg.rulebook !== undefined ? received(msg.rulebook, msg.rulebookHash ?? '', id, caller) : undefined;
    const at = clock.now();
    return ecosystems.transaction(async (s, tx) => {
      await fromOrchestrator(s, id, caller, { mayBeNew: false });
      const store = ctx.memberships.with(tx);
      const m = await store.get(id, { lock: true });
      if (!m || m.requestId !== msg.requestId) throw notFound('DS_RULEBOOK_JOIN_REQUEST_NOT_FOUND', '/body/requestId', 'no such request of this node');
      const next = transition(m.status, msg.decision === 'approved' ? 'admitted' : 'refused');
      if (!next.ok) throw conflict('/body/decision', next.reason);
      if (next.next === m.status) return { status: m.status };
      if (doc) await storeReceivedVersion(s, doc, msg.rulebookHash!, at);
      if (next.next === 'active') {
        await store.update(id, { status: 'active', acceptedVersion: msg.acceptedVersion ?? m.signedVersion ?? null, lastError: null }, at);
        await joined(tx, id, m.role, msg.acceptedVersion ?? m.signedVersion);
      } else await store.update(id, { status: 'refused', lastError: msg.reason ?? 'refused by the orchestrator' }, at);
      return { status: next.next };
    });
  }

  const joined = (tx: Kysely<DB>, id: string, role: string, version: number | undefined) => record(ctx, tx, 'ecosystem.member-joined', id, { ecosystem: id, member: ctx.did, role, ...(version ? { version } : {}) });

  return { invitation, version, decision, joined };
}

export type MemberInbox = ReturnType<typeof createMemberInbox>;
