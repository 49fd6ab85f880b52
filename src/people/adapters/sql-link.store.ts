import type { Kysely, Selectable } from 'kysely';
import type { DB, IntermediaryLinksTable, PeopleLinksTable } from '../../db/index.js';
import type { IntermediaryLink, IntermediaryLinkStore, Link, LinkStore } from '../app/people.ports.js';

const isUniqueViolation = (e: unknown) => (e as { code?: unknown } | null)?.code === '23505';

const toLink = (r: Selectable<PeopleLinksTable>): Link => ({
  id: r.id,
  personId: r.person_id,
  participantDid: r.participant_did,
  status: r.status,
  ...(r.subject_id !== null ? { subjectId: r.subject_id } : {}),
  ...(r.status === 'pending' && r.code_expires_at ? { codeExpiresAt: r.code_expires_at } : {}),
  createdAt: r.created_at,
  ...(r.confirmed_at ? { confirmedAt: r.confirmed_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

/** The intermediary's links between people and participants (migration 0013). */
export class SqlLinkStore implements LinkStore {
  constructor(private readonly db: Kysely<DB>) {}

  async open(l: { id: string; personId: string; participantDid: string; codeHash: string; codeExpiresAt: Date; createdAt: Date }) {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('people_links')
        .set({ status: 'revoked', revoked_at: l.createdAt, code_hash: null })
        .where('person_id', '=', l.personId)
        .where('participant_did', '=', l.participantDid)
        .where('status', '=', 'pending')
        .execute();
      await tx
        .insertInto('people_links')
        .values({ id: l.id, person_id: l.personId, participant_did: l.participantDid, status: 'pending', code_hash: l.codeHash, code_expires_at: l.codeExpiresAt, created_at: l.createdAt })
        .execute();
    });
  }

  async confirmedWith(personId: string, participantDid: string) {
    const r = await this.db.selectFrom('people_links').selectAll().where('person_id', '=', personId).where('participant_did', '=', participantDid).where('status', '=', 'confirmed').executeTakeFirst();
    return r && toLink(r);
  }

  async list(personId: string) {
    return (await this.db.selectFrom('people_links').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id').execute()).map(toLink);
  }

  async get(personId: string, linkId: string) {
    const r = await this.db.selectFrom('people_links').selectAll().where('id', '=', linkId).where('person_id', '=', personId).executeTakeFirst();
    return r && toLink(r);
  }

  async revoke(personId: string, linkId: string, at: Date) {
    await this.db.updateTable('people_links').set({ status: 'revoked', revoked_at: at, code_hash: null }).where('id', '=', linkId).where('person_id', '=', personId).where('status', '!=', 'revoked').execute();
  }

  async pendingByCodeHash(codeHash: string) {
    const r = await this.db.selectFrom('people_links').selectAll().where('code_hash', '=', codeHash).where('status', '=', 'pending').executeTakeFirst();
    return r && toLink(r);
  }

  async confirm(linkId: string, subjectId: string, at: Date): Promise<'confirmed' | 'not-pending' | 'subject-taken' | 'already-linked'> {
    const link = await this.db.selectFrom('people_links').select(['person_id', 'participant_did', 'status']).where('id', '=', linkId).executeTakeFirst();
    if (link?.status !== 'pending') return 'not-pending';
    const conflict = async () => {
      const holders = await this.db
        .selectFrom('people_links')
        .select(['person_id', 'subject_id'])
        .where('participant_did', '=', link.participant_did)
        .where('status', '=', 'confirmed')
        .where((eb) => eb.or([eb('subject_id', '=', subjectId), eb('person_id', '=', link.person_id)]))
        .execute();
      if (holders.some((h) => h.subject_id === subjectId)) return 'subject-taken' as const;
      return holders.length > 0 ? ('already-linked' as const) : undefined;
    };
    const before = await conflict();
    if (before) return before;
    try {
      // One statement (no surrounding transaction) so that a concurrent confirmation's unique violation can be
      // caught; the status condition makes the code single use.
      const r = await this.db
        .updateTable('people_links')
        .set({ status: 'confirmed', subject_id: subjectId, confirmed_at: at, code_hash: null })
        .where('id', '=', linkId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0 ? 'confirmed' : 'not-pending';
    } catch (e) {
      if (isUniqueViolation(e)) return (await conflict()) ?? 'subject-taken';
      throw e;
    }
  }

  async personOfSubject(participantDid: string, subjectId: string) {
    const r = await this.db.selectFrom('people_links').select('person_id').where('participant_did', '=', participantDid).where('subject_id', '=', subjectId).where('status', '=', 'confirmed').executeTakeFirst();
    return r?.person_id;
  }

  async subjectAt(personId: string, participantDid: string) {
    const r = await this.db.selectFrom('people_links').select('subject_id').where('person_id', '=', personId).where('participant_did', '=', participantDid).where('status', '=', 'confirmed').executeTakeFirst();
    return r?.subject_id ?? undefined;
  }
}

const toIntermediaryLink = (r: Selectable<IntermediaryLinksTable>): IntermediaryLink => ({ id: r.id, intermediaryDid: r.intermediary_did, subjectId: r.subject_id, linkId: r.link_id, confirmedAt: r.confirmed_at });

/** Participant side: links this node confirmed at intermediaries (migration 0013). */
export class SqlIntermediaryLinkStore implements IntermediaryLinkStore {
  constructor(private readonly db: Kysely<DB>) {}

  async save(l: IntermediaryLink) {
    // The intermediary never confirms the same link twice; a repeated save keeps the first record.
    const row = await this.db
      .insertInto('intermediary_links')
      .values({ id: l.id, intermediary_did: l.intermediaryDid, subject_id: l.subjectId, link_id: l.linkId, confirmed_at: l.confirmedAt })
      .onConflict((oc) => oc.columns(['intermediary_did', 'link_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return toIntermediaryLink(row);
    return toIntermediaryLink(await this.db.selectFrom('intermediary_links').selectAll().where('intermediary_did', '=', l.intermediaryDid).where('link_id', '=', l.linkId).executeTakeFirstOrThrow());
  }

  async list(q: { intermediary?: string | undefined; subjectId?: string | undefined; limit: number; offset: number }) {
    let base = this.db.selectFrom('intermediary_links');
    if (q.intermediary) base = base.where('intermediary_did', '=', q.intermediary);
    if (q.subjectId) base = base.where('subject_id', '=', q.subjectId);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('confirmed_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toIntermediaryLink), total: Number(count.n) };
  }
}
