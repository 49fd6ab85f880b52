import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, PeopleTable } from '../../db/index.js';
import type { AccountStore, AttemptStore, NewPerson, Person } from '../app/people.ports.js';

const toPerson = (r: Selectable<PeopleTable>): Person => ({ id: r.id, login: r.login, ...(r.name !== null ? { name: r.name } : {}), language: r.language, createdAt: r.created_at });

/** Accounts and sessions (migration 0013). */
export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: Kysely<DB>) {}

  async createPerson(p: NewPerson): Promise<'created' | 'taken'> {
    // ON CONFLICT keeps a transaction usable on both engines, where a caught unique violation would abort it.
    const r = await this.db
      .insertInto('people')
      .values({ id: p.id, login: p.login, login_key: p.loginKey, name: p.name ?? null, language: p.language, password_hash: p.passwordHash, created_at: p.createdAt })
      .onConflict((oc) => oc.column('login_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r ? 'created' : 'taken';
  }

  async personByLoginKey(loginKey: string) {
    const r = await this.db.selectFrom('people').selectAll().where('login_key', '=', loginKey).executeTakeFirst();
    return r && { ...toPerson(r), passwordHash: r.password_hash };
  }

  async person(id: string) {
    const r = await this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toPerson(r);
  }

  async setPasswordHash(personId: string, passwordHash: string) {
    await this.db.updateTable('people').set({ password_hash: passwordHash }).where('id', '=', personId).execute();
  }

  async createSession(s: { id: string; personId: string; tokenHash: string; createdAt: Date; expiresAt: Date }) {
    await this.db.insertInto('people_sessions').values({ id: s.id, person_id: s.personId, token_hash: s.tokenHash, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
    // A person's ended sessions are useless: they go when the next one starts, so the table does not grow forever.
    await this.db
      .deleteFrom('people_sessions')
      .where('person_id', '=', s.personId)
      .where((eb) => eb.or([eb('expires_at', '<=', s.createdAt), eb('revoked_at', 'is not', null)]))
      .execute();
  }

  async sessionByTokenHash(tokenHash: string) {
    const r = await this.db.selectFrom('people_sessions').select(['id', 'person_id', 'expires_at', 'revoked_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && { id: r.id, personId: r.person_id, expiresAt: r.expires_at, ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}) };
  }

  async revokeSession(sessionId: string, at: Date) {
    const r = await this.db.updateTable('people_sessions').set({ revoked_at: at }).where('id', '=', sessionId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

/** Advisory lock class of sign-in attempts (two-key form: its own namespace, the key is a hash of the login or client). */
const ATTEMPT_LOCK_CLASS = 7013;

/** Sign-in attempts in the database, so that every process on it applies the same limits. */
export class SqlAttemptStore implements AttemptStore {
  constructor(private readonly db: Kysely<DB>) {}

  async begin(a: { loginHash: string; ipHash: string; at: Date; since: Date }) {
    // Serialised per login and per client (transaction-scoped advisory locks, always login first, then client, so
    // no two attempts wait on each other in a cycle): of a burst of parallel guesses exactly the allowed number
    // gets through, on one process or several.
    return this.db.transaction().execute(async (tx) => {
      for (const key of [a.loginHash, a.ipHash]) await sql`select pg_advisory_xact_lock(${ATTEMPT_LOCK_CLASS}, hashtext(${key}))`.execute(tx);
      const { seq } = await tx.insertInto('people_sign_in_attempts').values({ login_hash: a.loginHash, ip_hash: a.ipHash, outcome: 'pending', at: a.at }).returning('seq').executeTakeFirstOrThrow();
      const earlier = (column: 'login_hash' | 'ip_hash', value: string) =>
        tx.selectFrom('people_sign_in_attempts').select('at').where(column, '=', value).where('at', '>', a.since).where('seq', '<', seq).execute();
      const byLogin = await earlier('login_hash', a.loginHash);
      const byIp = await earlier('ip_hash', a.ipHash);
      return { seq: Number(seq), byLogin: byLogin.map((r) => r.at), byIp: byIp.map((r) => r.at) };
    });
  }

  async fail(seq: number) {
    await this.db.updateTable('people_sign_in_attempts').set({ outcome: 'failed' }).where('seq', '=', seq).execute();
  }

  async drop(seq: number) {
    await this.db.deleteFrom('people_sign_in_attempts').where('seq', '=', seq).execute();
  }

  async clearLogin(loginHash: string) {
    await this.db.deleteFrom('people_sign_in_attempts').where('login_hash', '=', loginHash).where('outcome', '=', 'failed').execute();
  }

  async prune(before: Date) {
    await this.db.deleteFrom('people_sign_in_attempts').where('at', '<', before).execute();
  }
}
