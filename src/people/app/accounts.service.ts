import { AppError, type Clock, type IdGenerator } from '../../kernel/index.js';
import { digest, newSessionToken, SESSION_TOKEN } from './secrets.js';
import { checkSignUp, loginKey, pickLanguage, type Language, type Person } from '../domain/account.rules.js';
import { stricter, throttle, WINDOW_MS } from '../domain/sign-in-limit.js';
import type { AccountStore, AttemptStore, PasswordHasher } from './people.ports.js';

export interface AccountsDeps {
  accounts: AccountStore;
  attempts: AttemptStore;
  hasher: PasswordHasher;
  clock: Clock;
  ids: IdGenerator;
  sessionTtlSeconds: number;
  intermediary: boolean;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  sessionId: string;
  personId: string;
}

/** Raised when sign-in is throttled; the HTTP layer turns `retryAfterSeconds` into a Retry-After header. */
export class TooManyAttempts extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('DS_PEOPLE_TOO_MANY_ATTEMPTS', `too many failed attempts: try again in ${retryAfterSeconds} s`);
  }
}

const WRONG = () => new AppError('DS_PEOPLE_INVALID_CREDENTIALS', 'the login or the password is wrong');
const INVALID_SESSION = (why: string) => new AppError('DS_AUTH_INVALID_TOKEN', why, [{ path: '/headers/authorization', message: why }]);

/** People, their consents and their rights live on intermediaries; elsewhere those routes exist and say so. */
export function assertIntermediary(intermediary: boolean): void {
  if (!intermediary) throw new AppError('DS_PEOPLE_NOT_INTERMEDIARY', 'this node is not a personal-data intermediary (DASES_ROLES lacks personal-data-intermediary)');
}

/** People's accounts at the intermediary: sign-up, sign-in (throttled), sessions. */
export function createAccounts(deps: AccountsDeps) {
  const { accounts, attempts, hasher, clock, ids } = deps;

  /** Records the attempt and refuses it when the login or the client already failed too often. */
  async function admit(login: string, ip: string, byLoginToo: boolean): Promise<number> {
    const now = clock.now();
    const since = new Date(now.getTime() - WINDOW_MS);
    await attempts.prune(since);
    const a = await attempts.begin({ loginHash: digest('login', login), ipHash: digest('ip', ip), at: now, since });
    const decision = byLoginToo ? stricter(throttle(a.byLogin, now), throttle(a.byIp, now)) : throttle(a.byIp, now);
    if (!decision.allowed) {
      await attempts.drop(a.seq);
      throw new TooManyAttempts(decision.retryAfterSeconds);
    }
    return a.seq;
  }

  return {
    async signUp(input: { login: string; password: string; name?: string | undefined; language?: Language | undefined }, ctx: { ip: string; acceptLanguage?: string | undefined }): Promise<{ personId: string }> {
      assertIntermediary(deps.intermediary);
      const errors = checkSignUp(input, '/body');
      if (errors.length) throw new AppError('DS_HTTP_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
      const key = loginKey(input.login);
      // Sign-up tells whether a login is taken; counting those answers per client bounds enumeration through it.
      const seq = await admit(`sign-up\0${key}`, ctx.ip, false);
      const person = { id: ids.uuid(), login: input.login, loginKey: key, language: pickLanguage(input.language, ctx.acceptLanguage), createdAt: clock.now(), passwordHash: await hasher.hash(input.password), ...(input.name !== undefined ? { name: input.name } : {}) };
      if ((await accounts.createPerson(person)) === 'taken') {
        await attempts.fail(seq);
        throw new AppError('DS_PEOPLE_LOGIN_TAKEN', 'choose another login', [{ path: '/body/login', message: 'already in use' }]);
      }
      await attempts.drop(seq);
      return { personId: person.id };
    },

    /** Same answer and about the same time for an unknown login and a wrong password (no enumeration). */
    async signIn(input: { login: string; password: string }, ctx: { ip: string }): Promise<SignedIn> {
      assertIntermediary(deps.intermediary);
      const key = loginKey(input.login);
      const seq = await admit(key, ctx.ip, true);
      const person = await accounts.personByLoginKey(key);
      if (!person) {
        await hasher.burn(input.password);
        await attempts.fail(seq);
        throw WRONG();
      }
      const check = await hasher.verify(input.password, person.passwordHash);
      if (!check.ok) {
        await attempts.fail(seq);
        throw WRONG();
      }
      await attempts.drop(seq);
      await attempts.clearLogin(digest('login', key));
      if (check.rehash) await accounts.setPasswordHash(person.id, await hasher.hash(input.password));
      const token = newSessionToken();
      const now = clock.now();
      const session = { id: ids.uuid(), personId: person.id, tokenHash: digest('session', token), createdAt: now, expiresAt: new Date(now.getTime() + deps.sessionTtlSeconds * 1000) };
      await accounts.createSession(session);
      return { token, expiresAt: session.expiresAt, sessionId: session.id, personId: person.id };
    },

    async signOut(sessionId: string): Promise<void> {
      await accounts.revokeSession(sessionId, clock.now());
    },

    async authenticate(sessionToken: string): Promise<{ kind: 'person'; personId: string; sessionId: string }> {
      if (!deps.intermediary) throw INVALID_SESSION('this node has no people accounts');
      if (!SESSION_TOKEN.test(sessionToken)) throw INVALID_SESSION('not a session token');
      const s = await accounts.sessionByTokenHash(digest('session', sessionToken));
      if (!s) throw INVALID_SESSION('unknown session: sign in again');
      if (s.revokedAt) throw INVALID_SESSION('the session was signed out: sign in again');
      if (s.expiresAt.getTime() <= clock.now().getTime()) throw INVALID_SESSION('the session has expired: sign in again');
      return { kind: 'person', personId: s.personId, sessionId: s.id };
    },

    person: (personId: string): Promise<Person | undefined> => accounts.person(personId),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
