import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { createLinkConfirmationClient } from './adapters/link-confirmation.client.js';
import { ScryptPasswordHasher } from './adapters/scrypt-password.hasher.js';
import { SqlAccountStore, SqlAttemptStore } from './adapters/sql-account.store.js';
import { SqlIntermediaryLinkStore, SqlLinkStore } from './adapters/sql-link.store.js';
import { createAccounts } from './app/accounts.service.js';
import { createLinks } from './app/links.service.js';
import { createPersonLinks } from './app/person-links.service.js';
import type { ParticipantLookup } from './app/people.ports.js';
import { meRoutes } from './http/me.routes.js';
import { personLinkRoutes } from './http/person-links.routes.js';

export type { Language } from './domain/account.rules.js';
export { assertIntermediary } from './app/accounts.service.js';
export type { LinkStatus } from './domain/link.js';
export type { IntermediaryLink } from './app/people.ports.js';

export interface PeopleDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  node: { did: string; publicUrl: string };
  /** Whether this node has the personal-data-intermediary role; without it person routes answer 409 DS_PEOPLE_NOT_INTERMEDIARY. */
  intermediary: boolean;
  /** For the participant-side confirmation call (nodeCall). */
  tokens: { sign(audienceDid: string): Promise<string> };
  participants: ParticipantLookup;
  sessionTtlSeconds: number;
  /** scrypt N, default 2**15; tests lower it. */
  scryptCost?: number;
  fetch?: typeof fetch;
}

export interface PersonLinkView {
  id: string;
  participantDid: string;
  subjectId?: string;
  status: 'pending' | 'confirmed' | 'revoked';
  createdAt: Date;
  confirmedAt?: Date;
}

export interface People {
  routes(app: App): Promise<void>;
  /** Authenticator.person: a live session token → principal; throws 401 DS_AUTH_INVALID_TOKEN (expired, revoked, unknown). */
  authenticate(sessionToken: string): Promise<{ kind: 'person'; personId: string; sessionId: string }>;
  /** The person behind a participant's pseudonymous id (confirmed links only). */
  personOfSubject(participantDid: string, subjectId: string): Promise<string | undefined>;
  /** The person's confirmed subject id at a participant. */
  subjectAt(personId: string, participantDid: string): Promise<string | undefined>;
  links(personId: string): Promise<PersonLinkView[]>;
  person(personId: string): Promise<{ id: string; login: string; name?: string; language: 'fr' | 'en'; createdAt: Date } | undefined>;
}

/**
 * People at a personal-data intermediary (accounts, sessions, throttled sign-in) and the links between a person and
 * their pseudonymous ids at participants, confirmed by the participant node-to-node; plus, on every node, the
 * participant side of that confirmation.
 */
export function createPeople(deps: PeopleDeps): People {
  const accounts = createAccounts({
    accounts: new SqlAccountStore(deps.db),
    attempts: new SqlAttemptStore(deps.db),
    hasher: new ScryptPasswordHasher(deps.scryptCost ?? 2 ** 15),
    clock: deps.clock,
    ids: deps.ids,
    sessionTtlSeconds: deps.sessionTtlSeconds,
    intermediary: deps.intermediary,
  });
  const links = createLinks({ links: new SqlLinkStore(deps.db), participants: deps.participants, clock: deps.clock, ids: deps.ids, intermediary: deps.intermediary });
  const personLinks = createPersonLinks({
    store: new SqlIntermediaryLinkStore(deps.db),
    client: createLinkConfirmationClient({ tokens: deps.tokens, logger: deps.logger, fetch: deps.fetch }),
    participants: deps.participants,
    clock: deps.clock,
    ids: deps.ids,
  });
  const me = meRoutes({ accounts, links, publicUrl: deps.node.publicUrl, sessionTtlSeconds: deps.sessionTtlSeconds });
  const nodeLinks = personLinkRoutes({ links, personLinks });
  return {
    routes: async (app) => {
      await app.register(me);
      await app.register(nodeLinks);
    },
    authenticate: (token) => accounts.authenticate(token),
    personOfSubject: (participantDid, subjectId) => links.personOfSubject(participantDid, subjectId),
    subjectAt: (personId, participantDid) => links.subjectAt(personId, participantDid),
    links: async (personId) =>
      (await links.list(personId)).map((l) => ({
        id: l.id,
        participantDid: l.participantDid,
        status: l.status,
        createdAt: l.createdAt,
        ...(l.subjectId !== undefined ? { subjectId: l.subjectId } : {}),
        ...(l.confirmedAt ? { confirmedAt: l.confirmedAt } : {}),
      })),
    person: (personId) => accounts.person(personId),
  };
}
