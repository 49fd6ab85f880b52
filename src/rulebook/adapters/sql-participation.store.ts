import type { Kysely, Selectable } from 'kysely';
import type { DB, RulebookInvitationsTable, RulebookJoinRequestsTable } from '../../db/index.js';
import type { Invitation, JoinRequest, Page } from '../domain/ecosystem.js';

const iso = (d: Date) => d.toISOString();
type PageOpts = { limit: number; offset: number };

/** Invitations sent and join requests received by this node as orchestrator (migration 0008). */
export class SqlParticipationStore {
  constructor(readonly db: Kysely<DB>) {}

  with(tx: Kysely<DB>): SqlParticipationStore {
    return new SqlParticipationStore(tx);
  }

  async insertInvitation(i: Omit<Invitation, 'delivered' | 'lastError' | 'updatedAt'>): Promise<void> {
    await this.db
      .insertInto('rulebook_invitations')
      .values({ id: i.id, ecosystem_id: i.ecosystemId, participant_did: i.participant, role: i.role, status: i.status, created_at: i.createdAt, updated_at: i.createdAt })
      .execute();
  }

  async invitation(id: string): Promise<Invitation | undefined> {
    const r = await this.db.selectFrom('rulebook_invitations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toInvitation(r);
  }

  async pendingInvitation(ecosystemId: string, participant: string): Promise<Invitation | undefined> {
    const r = await this.db.selectFrom('rulebook_invitations').selectAll().where('ecosystem_id', '=', ecosystemId).where('participant_did', '=', participant).where('status', '=', 'pending').executeTakeFirst();
    return r && toInvitation(r);
  }

  async pendingInvitations(ecosystemId: string): Promise<Invitation[]> {
    const rows = await this.db.selectFrom('rulebook_invitations').selectAll().where('ecosystem_id', '=', ecosystemId).where('status', '=', 'pending').orderBy('created_at').execute();
    return rows.map(toInvitation);
  }

  async invitations(ecosystemId: string, opts: PageOpts & { status?: Invitation['status'] | undefined }): Promise<Page<Invitation>> {
    let q = this.db.selectFrom('rulebook_invitations').where('ecosystem_id', '=', ecosystemId);
    if (opts.status) q = q.where('status', '=', opts.status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toInvitation), total: Number(count.n) };
  }

  async updateInvitation(id: string, patch: { status?: Invitation['status']; delivered?: boolean; lastError?: string | null }, at: Date): Promise<void> {
    await this.db
      .updateTable('rulebook_invitations')
      .set({
        updated_at: at,
        ...(patch.status ? { status: patch.status } : {}),
        ...(patch.delivered !== undefined ? { delivered: patch.delivered } : {}),
        ...(patch.lastError !== undefined ? { last_error: patch.lastError } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async insertJoinRequest(r: Omit<JoinRequest, 'reason' | 'decidedAt'>): Promise<void> {
    await this.db
      .insertInto('rulebook_join_requests')
      .values({
        id: r.id,
        ecosystem_id: r.ecosystemId,
        participant_did: r.participant,
        role: r.role,
        message: r.message ?? null,
        version: r.version,
        hash: r.hash,
        signature: r.signature,
        status: r.status,
        created_at: r.createdAt,
      })
      .execute();
  }

  async joinRequest(id: string): Promise<JoinRequest | undefined> {
    const r = await this.db.selectFrom('rulebook_join_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toJoinRequest(r);
  }

  async pendingJoinRequest(ecosystemId: string, participant: string): Promise<JoinRequest | undefined> {
    const r = await this.db.selectFrom('rulebook_join_requests').selectAll().where('ecosystem_id', '=', ecosystemId).where('participant_did', '=', participant).where('status', '=', 'pending').executeTakeFirst();
    return r && toJoinRequest(r);
  }

  async joinRequests(ecosystemId: string, opts: PageOpts & { status?: JoinRequest['status'] | undefined }): Promise<Page<JoinRequest>> {
    let q = this.db.selectFrom('rulebook_join_requests').where('ecosystem_id', '=', ecosystemId);
    if (opts.status) q = q.where('status', '=', opts.status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toJoinRequest), total: Number(count.n) };
  }

  async decideJoinRequest(id: string, status: 'approved' | 'refused', reason: string | undefined, at: Date): Promise<void> {
    await this.db.updateTable('rulebook_join_requests').set({ status, reason: reason ?? null, decided_at: at }).where('id', '=', id).execute();
  }
}

function toInvitation(r: Selectable<RulebookInvitationsTable>): Invitation {
  return {
    id: r.id,
    ecosystemId: r.ecosystem_id,
    participant: r.participant_did,
    role: r.role,
    status: r.status,
    delivered: r.delivered,
    ...(r.last_error ? { lastError: r.last_error } : {}),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function toJoinRequest(r: Selectable<RulebookJoinRequestsTable>): JoinRequest {
  return {
    id: r.id,
    ecosystemId: r.ecosystem_id,
    participant: r.participant_did,
    role: r.role,
    ...(r.message ? { message: r.message } : {}),
    version: r.version,
    hash: r.hash,
    signature: r.signature,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    createdAt: iso(r.created_at),
    ...(r.decided_at ? { decidedAt: iso(r.decided_at) } : {}),
  };
}
