import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, Logger } from '../kernel/index.js';
import type { App } from '../node/http-app.js';
import { SqlParticipantStore } from './adapters/sql-participant.store.js';
import type { ParticipantAudit } from './app/participant-audit.js';
import { createParticipantsService, type ParticipantsIdentity } from './app/participants.service.js';
import type { Participant, ParticipantDirectory } from './domain/participant.js';
import { participantRoutes } from './http/participants.routes.js';

export type { Participant, ParticipantDirectory, ParticipantEndpoints, ParticipantStatus } from './domain/participant.js';
export type { ParticipantsIdentity } from './app/participants.service.js';
export type { ParticipantAudit, ParticipantAuditEvent, ParticipantEventType } from './app/participant-audit.js';

export interface Participants {
  /**
   * With `statusRead`, `statusOf` as a query: authentication (identity.authenticatorFor) reads it along with its
   * own write in one statement.
   */
  directory: ParticipantDirectory & { statusRead(did: string): ReturnType<SqlParticipantStore['statusRead']> };
  routes: (app: App) => Promise<void>;
  /** A DID (did:web:…) or a node URL. */
  add(didOrUrl: string): Promise<{ participant: Participant; created: boolean }>;
  suspend(did: string, reason: string): Promise<Participant>;
  activate(did: string): Promise<Participant>;
}

/** The registry of trusted participants: who may call this node's protocol routes, and where to reach them. */
export function createParticipants(deps: {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  identity: ParticipantsIdentity;
  fetch?: typeof fetch;
  /** Records every registry change in the change's own transaction (the node wires the transparency log). */
  audit?: ParticipantAudit;
}): Participants {
  // Fetching goes through identity.fetchDocument (which holds the injected fetch and the transport rules).
  const store = new SqlParticipantStore(deps.db);
  const service = createParticipantsService({ store, identity: deps.identity, clock: deps.clock, logger: deps.logger, ...(deps.audit ? { audit: deps.audit } : {}) });
  return {
    directory: {
      listActive: async () => (await store.list({ status: 'active', limit: 10_000, offset: 0 })).items,
      get: (did) => store.get(did),
      statusOf: (did) => store.statusOf(did),
      statusRead: (did) => store.statusRead(did),
    },
    routes: participantRoutes({ service, store }),
    add: (didOrUrl) => service.add(didOrUrl.startsWith('did:') ? { did: didOrUrl } : { url: didOrUrl }),
    suspend: (did, reason) => service.suspend(did, reason),
    activate: (did) => service.activate(did),
  };
}
