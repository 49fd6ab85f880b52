import type { Language, Person } from '../domain/account.rules.js';
import type { Link } from '../domain/link.js';

/** Hashes and checks passwords (scrypt in production). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `rehash`: the stored hash used weaker parameters than today's and should be replaced. */
  verify(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }>;
  /** The same work as a verification, against nothing: an unknown login costs as much time as a wrong password. */
  burn(password: string): Promise<void>;
}

export interface NewPerson extends Person {
  loginKey: string;
  passwordHash: string;
}

export interface AccountStore {
  /** 'taken' when another account has the same login key. */
  createPerson(p: NewPerson): Promise<'created' | 'taken'>;
  personByLoginKey(loginKey: string): Promise<(Person & { passwordHash: string }) | undefined>;
  person(id: string): Promise<Person | undefined>;
  setPasswordHash(personId: string, passwordHash: string): Promise<void>;
  createSession(s: { id: string; personId: string; tokenHash: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  sessionByTokenHash(tokenHash: string): Promise<{ id: string; personId: string; expiresAt: Date; revokedAt?: Date } | undefined>;
  /** False when the session was already revoked or does not exist. */
  revokeSession(sessionId: string, at: Date): Promise<boolean>;
}

/** Sign-in attempts, shared by every process on the database (login and client kept as hashes). */
export interface AttemptStore {
  /** Records a running attempt and returns the start times of the earlier running or failed ones since `since`, per key. */
  begin(a: { loginHash: string; ipHash: string; at: Date; since: Date }): Promise<{ seq: number; byLogin: Date[]; byIp: Date[] }>;
  fail(seq: number): Promise<void>;
  /** A blocked or successful attempt does not count. */
  drop(seq: number): Promise<void>;
  /** After a successful sign-in the login starts afresh (the client's failures stay). */
  clearLogin(loginHash: string): Promise<void>;
  prune(before: Date): Promise<void>;
}

export interface LinkStore {
  /** Opens a pending link, revoking earlier pending ones of the person with the same participant (one live code at a time). */
  open(l: { id: string; personId: string; participantDid: string; codeHash: string; codeExpiresAt: Date; createdAt: Date }): Promise<void>;
  confirmedWith(personId: string, participantDid: string): Promise<Link | undefined>;
  list(personId: string): Promise<Link[]>;
  get(personId: string, linkId: string): Promise<Link | undefined>;
  revoke(personId: string, linkId: string, at: Date): Promise<void>;
  pendingByCodeHash(codeHash: string): Promise<Link | undefined>;
  /** Confirms a pending link (single use: only if still pending). 'taken': the subject id or the person is already confirmed with that participant. */
  confirm(linkId: string, subjectId: string, at: Date): Promise<'confirmed' | 'not-pending' | 'subject-taken' | 'already-linked'>;
  personOfSubject(participantDid: string, subjectId: string): Promise<string | undefined>;
  subjectAt(personId: string, participantDid: string): Promise<string | undefined>;
}

/** Participant side: links this node confirmed at intermediaries for its own subjects. */
export interface IntermediaryLink {
  id: string;
  intermediaryDid: string;
  subjectId: string;
  linkId: string;
  confirmedAt: Date;
}

export interface IntermediaryLinkStore {
  save(l: IntermediaryLink): Promise<IntermediaryLink>;
  list(q: { intermediary?: string | undefined; subjectId?: string | undefined; limit: number; offset: number }): Promise<{ items: IntermediaryLink[]; total: number }>;
}

/** Participant side: the call to the intermediary's `POST {dsp}/people/links/confirm`. */
export interface LinkConfirmationClient {
  confirm(dsp: string, intermediaryDid: string, body: { code: string; subjectId: string }): Promise<{ linkId: string }>;
}

export interface ParticipantLookup {
  get(did: string): Promise<{ did: string; status: string; endpoints: { dsp?: string } } | undefined>;
}

export type { Language, Person, Link };
