import type { Kysely, Selectable } from 'kysely';
import { json, type DB, type RulebookEcosystemsTable, type RulebookMembersTable } from '../../db/index.js';
import type { Ecosystem, Member, Page, RulebookVersion } from '../domain/ecosystem.js';
import type { RulebookDocument } from '../domain/rulebook.js';

const iso = (d: Date) => d.toISOString();

/** Ecosystems, rulebook versions and members (migration 0008), over Kysely (PGlite or PostgreSQL). */
export class SqlEcosystemStore {
  constructor(readonly db: Kysely<DB>) {}

  transaction<T>(fn: (store: SqlEcosystemStore, tx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this, this.db);
    return this.db.transaction().execute((tx) => fn(new SqlEcosystemStore(tx), tx));
  }

  async insertEcosystem(e: { id: string; orchestrator: string; title: string; version: number; hash: string; at: Date }): Promise<void> {
    await this.db
      .insertInto('rulebook_ecosystems')
      .values({ id: e.id, orchestrator_did: e.orchestrator, title: e.title, current_version: e.version, current_hash: e.hash, created_at: e.at, updated_at: e.at })
      .execute();
  }

  /** Reads the ecosystem and, inside a transaction, locks its row so admissions to it are serialised. */
  async getEcosystem(id: string, opts: { lock?: boolean } = {}): Promise<Ecosystem | undefined> {
    let q = this.db.selectFrom('rulebook_ecosystems').selectAll().where('id', '=', id);
    if (opts.lock) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toEcosystem(r);
  }

  async listEcosystems(opts: { orchestrator?: string; limit: number; offset: number }): Promise<Page<Ecosystem>> {
    let q = this.db.selectFrom('rulebook_ecosystems');
    if (opts.orchestrator) q = q.where('orchestrator_did', '=', opts.orchestrator);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).offset(opts.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toEcosystem), total: Number(count.n) };
  }

  async setCurrent(id: string, v: { version: number; hash: string; title: string; at: Date }): Promise<void> {
    await this.db.updateTable('rulebook_ecosystems').set({ current_version: v.version, current_hash: v.hash, title: v.title, updated_at: v.at }).where('id', '=', id).execute();
  }

  async setContract(id: string, contract: { id: string; versionHash: string }, at: Date): Promise<void> {
    await this.db.updateTable('rulebook_ecosystems').set({ contract_id: contract.id, contract_hash: contract.versionHash, updated_at: at }).where('id', '=', id).execute();
  }

  /** Versions are immutable: receiving one again is a no-op. Returns whether it was new. */
  async insertVersion(ecosystemId: string, v: { version: number; hash: string; document: RulebookDocument; at: Date }): Promise<boolean> {
    const r = await this.db
      .insertInto('rulebook_versions')
      .values({ ecosystem_id: ecosystemId, version: v.version, hash: v.hash, document: json(v.document), published_at: v.at })
      .onConflict((oc) => oc.columns(['ecosystem_id', 'version']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async version(ecosystemId: string, version: number): Promise<(RulebookVersion & { document: RulebookDocument }) | undefined> {
    const r = await this.db.selectFrom('rulebook_versions').selectAll().where('ecosystem_id', '=', ecosystemId).where('version', '=', version).executeTakeFirst();
    return r && { version: r.version, hash: r.hash, publishedAt: iso(r.published_at), document: r.document as RulebookDocument };
  }

  async versions(ecosystemId: string): Promise<RulebookVersion[]> {
    const rows = await this.db.selectFrom('rulebook_versions').select(['version', 'hash', 'published_at']).where('ecosystem_id', '=', ecosystemId).orderBy('version').execute();
    return rows.map((r) => ({ version: r.version, hash: r.hash, publishedAt: iso(r.published_at) }));
  }

  async putMember(ecosystemId: string, m: Omit<Member, 'leftAt' | 'leftReason'>): Promise<void> {
    const row = {
      ecosystem_id: ecosystemId,
      member_did: m.did,
      role: m.role,
      status: m.status,
      accepted_version: m.acceptedVersion,
      accepted_hash: m.acceptedHash,
      signature: m.signature,
      joined_at: m.joinedAt,
      accepted_at: m.acceptedAt,
      left_at: null,
      left_reason: null,
    };
    const { ecosystem_id: _e, member_did: _m, ...rest } = row;
    await this.db.insertInto('rulebook_members').values(row).onConflict((oc) => oc.columns(['ecosystem_id', 'member_did']).doUpdateSet(rest)).execute();
  }

  async member(ecosystemId: string, did: string): Promise<Member | undefined> {
    const r = await this.db.selectFrom('rulebook_members').selectAll().where('ecosystem_id', '=', ecosystemId).where('member_did', '=', did).executeTakeFirst();
    return r && toMember(r);
  }

  async members(ecosystemId: string, opts: { status?: Member['status'] } = {}): Promise<Member[]> {
    let q = this.db.selectFrom('rulebook_members').selectAll().where('ecosystem_id', '=', ecosystemId);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.orderBy('joined_at').orderBy('member_did').execute()).map(toMember);
  }

  async setAccepted(ecosystemId: string, did: string, a: { version: number; hash: string; signature: string; at: Date }): Promise<void> {
    await this.db
      .updateTable('rulebook_members')
      .set({ accepted_version: a.version, accepted_hash: a.hash, signature: a.signature, accepted_at: a.at })
      .where('ecosystem_id', '=', ecosystemId)
      .where('member_did', '=', did)
      .execute();
  }

  async markLeft(ecosystemId: string, did: string, reason: string | undefined, at: Date): Promise<void> {
    await this.db.updateTable('rulebook_members').set({ status: 'left', left_at: at, left_reason: reason ?? null }).where('ecosystem_id', '=', ecosystemId).where('member_did', '=', did).execute();
  }
}

function toEcosystem(r: Selectable<RulebookEcosystemsTable>): Ecosystem {
  return {
    id: r.id,
    orchestrator: r.orchestrator_did,
    title: r.title,
    version: r.current_version,
    rulebookHash: r.current_hash,
    ...(r.contract_id && r.contract_hash ? { contract: { id: r.contract_id, versionHash: r.contract_hash } } : {}),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function toMember(r: Selectable<RulebookMembersTable>): Member {
  return {
    did: r.member_did,
    role: r.role,
    status: r.status,
    acceptedVersion: r.accepted_version,
    acceptedHash: r.accepted_hash,
    signature: r.signature,
    joinedAt: iso(r.joined_at),
    acceptedAt: iso(r.accepted_at),
    ...(r.left_at ? { leftAt: iso(r.left_at) } : {}),
    ...(r.left_reason ? { leftReason: r.left_reason } : {}),
  };
}
