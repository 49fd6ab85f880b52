import type { MemberInbox } from './member-inbox.js';
import { TOPICS, type RulebookContext } from './rulebook.context.js';
import type { OutboxMessage, OutboxOutcome } from './rulebook.ports.js';

const ecosystemOf = (msg: OutboxMessage) => decodeURIComponent(/\/ecosystems\/([^/]+)/.exec(msg.url)?.[1] ?? '');
const bodyOf = (msg: OutboxMessage) => (msg.body ?? {}) as Record<string, unknown>;

/**
 * What this context does when the orchestrator or member answered for good (delivered, or refused / given up).
 * Handlers are idempotent: the outbox may run one again if it failed after the message went out.
 */
export function registerOutboxHandlers(ctx: RulebookContext, inbox: MemberInbox): void {
  const { ecosystems, memberships, participation, clock } = ctx;

  ctx.outbox.on(TOPICS.invitation, async (msg, outcome) => {
    const id = String(bodyOf(msg).invitationId);
    const inv = await participation.invitation(id);
    if (inv?.status !== 'pending') return;
    await participation.updateInvitation(id, outcome.ok ? { delivered: true, lastError: null } : { status: 'undeliverable', lastError: outcome.error.slice(0, 1000) }, clock.now());
  });

  ctx.outbox.on(TOPICS.acceptance, async (msg, outcome) => {
    const ecosystemId = ecosystemOf(msg);
    const version = Number(bodyOf(msg).version);
    await ecosystems.transaction(async (_s, tx) => {
      const store = memberships.with(tx);
      const m = await store.get(ecosystemId, { lock: true });
      if (!m || m.signedVersion !== version) return;
      const at = clock.now();
      if (!outcome.ok) {
        // An invitation stays open after a refused acceptance (e.g. a version published meanwhile); a member may
        // accept again (its signature no longer counts as on its way).
        const retry = m.status === 'accepting' ? { status: 'invited' as const } : { signedVersion: m.acceptedVersion ?? null };
        return store.update(ecosystemId, { ...retry, lastError: failure(outcome) }, at);
      }
      if (m.status === 'accepting') {
        await store.update(ecosystemId, { status: 'active', acceptedVersion: version, lastError: null }, at);
        await inbox.joined(tx, ecosystemId, m.role, version);
      } else if (m.status === 'active' && (m.acceptedVersion ?? 0) < version) await store.update(ecosystemId, { acceptedVersion: version, lastError: null }, at);
    });
  });

  ctx.outbox.on(TOPICS.joinRequest, async (msg, outcome) => {
    if (outcome.ok) return;
    const ecosystemId = ecosystemOf(msg);
    const m = await memberships.get(ecosystemId);
    if (m?.status === 'requested' && m.requestId === bodyOf(msg).requestId) await memberships.update(ecosystemId, { status: 'refused', lastError: failure(outcome) }, clock.now());
  });

  for (const topic of [TOPICS.version, TOPICS.decision, TOPICS.departure]) {
    ctx.outbox.on(topic, async (msg, outcome) => {
      if (!outcome.ok) ctx.logger.warn({ topic, url: msg.url, error: outcome.error }, 'ecosystem message not delivered');
    });
  }
}

const failure = (o: Extract<OutboxOutcome, { ok: false }>) => (o.status ? `${o.status}: ${o.error}` : o.error).slice(0, 1000);
