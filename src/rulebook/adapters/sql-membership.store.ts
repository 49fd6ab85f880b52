import type { Kysely } from 'kysely';
import type { DB, RulebookMembershipsTable } from '../../db/index.js';
import type { Membership, Page } from '../domain/ecosystem.js';
import type { MembershipStatus } from '../domain/membership.machine.js';

const iso = (d: Date) => d.toISOString();

export type MembershipPatch = Partial<{
  role: string;
  status: MembershipStatus;
  invitationId: string | null;
  requestId: string | null;
  signedVersion: number | null;
  acceptedVersion: number | null;
  lastError: string | null;
}>;

/** This node's memberships in ecosystems orchestrated elsewhere (migration 0008), read with their ecosystem. */
export class SqlMembershipStore {
  constructor(readonly db: Kysely<DB>) {}

  with(tx: Kysely<DB>): SqlMembershipStore {
    return new SqlMembershipStore(tx);
  }

  private select() {
    return this.db
      .selectFrom('rulebook_memberships as m')
      .innerJoin('rulebook_ecosystems as e', 'e.id', 'm.ecosystem_id')
      .select(['m.ecosystem_id', 'm.role', 'm.status', 'm.invitation_id', 'm.request_id', 'm.signed_version', 'm.accepted_version', 'm.last_error', 'm.created_at', 'm.updated_at'])
      .select(['e.orchestrator_did', 'e.title', 'e.current_version', 'e.current_hash']);
  }

  async get(ecosystemId: string, opts: { lock?: boolean } = {}): Promise<Membership | undefined> {
    if (opts.lock) await this.db.selectFrom('rulebook_memberships').select('ecosystem_id').where('ecosystem_id', '=', ecosystemId).forUpdate().executeTakeFirst();
    const r = await this.select().where('m.ecosystem_id', '=', ecosystemId).executeTakeFirst();
    return r && toMembership(r);
  }

  async byInvitation(invitationId: string): Promise<Membership | undefined> {
    const r = await this.select().where('m.invitation_id', '=', invitationId).executeTakeFirst();
    return r && toMembership(r);
  }

  async list(opts: { status?: MembershipStatus | undefined; invited?: boolean; limit: number; offset: number }): Promise<Page<Membership>> {
    let q = this.select();
    if (opts.status) q = q.where('m.status', '=', opts.status);
    if (opts.invited) q = q.where('m.invitation_id', 'is not', null);
    const count = await this.db
      .selectFrom('rulebook_memberships as m')
      .$if(opts.status !== undefined, (c) => c.where('m.status', '=', opts.status!))
      .$if(opts.invited === true, (c) => c.where('m.invitation_id', 'is not', null))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await q.orderBy('m.updated_at', 'desc').orderBy('m.ecosystem_id').limit(opts.limit).offset(opts.offset).execute();
    return { items: rows.map(toMembership), total: Number(count.n) };
  }

  async put(ecosystemId: string, m: { role: string; status: MembershipStatus; invitationId?: string; requestId?: string; signedVersion?: number }, at: Date): Promise<void> {
    const row = {
      ecosystem_id: ecosystemId,
      role: m.role,
      status: m.status,
      invitation_id: m.invitationId ?? null,
      request_id: m.requestId ?? null,
      signed_version: m.signedVersion ?? null,
      accepted_version: null,
      last_error: null,
      created_at: at,
      updated_at: at,
    };
    const { ecosystem_id: _e, created_at: _c, ...rest } = row;
    await this.db.insertInto('rulebook_memberships').values(row).onConflict((oc) => oc.column('ecosystem_id').doUpdateSet(rest)).execute();
  }

  async update(ecosystemId: string, patch: MembershipPatch, at: Date): Promise<void> {
    const set: Partial<Record<keyof RulebookMembershipsTable, unknown>> = { updated_at: at };
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.invitationId !== undefined) set.invitation_id = patch.invitationId;
    if (patch.requestId !== undefined) set.request_id = patch.requestId;
    if (patch.signedVersion !== undefined) set.signed_version = patch.signedVersion;
    if (patch.acceptedVersion !== undefined) set.accepted_version = patch.acceptedVersion;
    if (patch.lastError !== undefined) set.last_error = patch.lastError;
    await this.db.updateTable('rulebook_memberships').set(set as never).where('ecosystem_id', '=', ecosystemId).execute();
  }
}

type Row = {
  ecosystem_id: string;
  role: string;
  status: MembershipStatus;
  invitation_id: string | null;
  request_id: string | null;
  signed_version: number | null;
  accepted_version: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  orchestrator_did: string;
  title: string;
  current_version: number;
  current_hash: string;
};

function toMembership(r: Row): Membership {
  return {
    ecosystemId: r.ecosystem_id,
    orchestrator: r.orchestrator_did,
    title: r.title,
    role: r.role,
    status: r.status,
    ...(r.invitation_id ? { invitationId: r.invitation_id } : {}),
    ...(r.request_id ? { requestId: r.request_id } : {}),
    latestVersion: r.current_version,
    latestHash: r.current_hash,
    ...(r.signed_version !== null ? { signedVersion: r.signed_version } : {}),
    ...(r.accepted_version !== null ? { acceptedVersion: r.accepted_version } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
