import { AppError, type Clock, type Logger } from '../../kernel/index.js';
import { didDocumentUrl, didFromUrl, serviceEndpoint, type DidDocument, type Identity } from '../../identity/index.js';
import { dspEndpointFrom, type Participant, type ParticipantEndpoints } from '../domain/participant.js';
import type { SqlParticipantStore } from '../adapters/sql-participant.store.js';
import { participantEvent, type ParticipantAudit, type ParticipantAuditEvent } from './participant-audit.js';

export type ParticipantsIdentity = Pick<Identity, 'did' | 'resolver' | 'verifyCredential' | 'fetchDocument'>;

export interface ParticipantsService {
  add(target: { did?: string; url?: string }): Promise<{ participant: Participant; created: boolean }>;
  suspend(did: string, reason: string): Promise<Participant>;
  activate(did: string): Promise<Participant>;
  remove(did: string): Promise<void>;
}

const notFound = (did: string) => new AppError('DS_PARTICIPANT_NOT_FOUND', `no participant ${did}`, [{ path: '/params/did', message: 'unknown' }]);

/**
 * Trusting a participant means: resolve its DID document, fetch and verify the credential it publishes, and
 * discover its Dataspace Protocol endpoint. Nothing is stored unless all of that succeeded.
 */
export function createParticipantsService(deps: { store: SqlParticipantStore; identity: ParticipantsIdentity; clock: Clock; logger: Logger; audit?: ParticipantAudit }): ParticipantsService {
  const { store, identity, clock, logger, audit } = deps;
  /** A registry write and its audit record, in one transaction (network work is done before it opens). */
  const write = <T>(change: (s: SqlParticipantStore) => Promise<T>, event: (result: T) => ParticipantAuditEvent | undefined): Promise<T> =>
    store.transaction(async (s, tx) => {
      const result = await change(s);
      const e = event(result);
      if (e && audit) await audit.record(tx, e);
      return result;
    });

  const discover = async (doc: DidDocument): Promise<{ credential: string; endpoints: ParticipantEndpoints }> => {
    const credentialUrl = serviceEndpoint(doc, 'ParticipantCredential');
    if (!credentialUrl) throw new AppError('DS_IDENTITY_INVALID_CREDENTIAL', `${doc.id} publishes no ParticipantCredential service`);
    const credential = (await identity.fetchDocument(credentialUrl, 'application/vc+jwt')).trim();
    const endpoints: ParticipantEndpoints = { credential: credentialUrl };
    const catalog = serviceEndpoint(doc, 'CatalogService');
    if (catalog) endpoints.catalog = catalog;
    const versionUrl = serviceEndpoint(doc, 'DataService');
    if (versionUrl) {
      const text = await identity.fetchDocument(versionUrl, 'application/json');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new AppError('DS_IDENTITY_DID_RESOLUTION_FAILED', `${versionUrl} is not JSON`);
      }
      const dsp = dspEndpointFrom(versionUrl, parsed);
      if (!dsp) throw new AppError('DS_IDENTITY_DID_RESOLUTION_FAILED', `${versionUrl} lists no Dataspace Protocol 2025-1 endpoint`);
      endpoints.dsp = dsp;
    }
    return { credential, endpoints };
  };

  return {
    async add(target) {
      const did = target.did !== undefined ? (didDocumentUrl(target.did, '/body/did'), target.did) : didFromUrl(target.url ?? '', '/body/url');
      if (did === identity.did) throw new AppError('DS_PARTICIPANT_IS_SELF', `${did} is this node`, [{ path: target.did !== undefined ? '/body/did' : '/body/url', message: 'is this node' }]);
      identity.resolver.invalidate(did);
      const doc = await identity.resolver.resolve(did);
      const { credential, endpoints } = await discover(doc);
      const verified = await identity.verifyCredential(credential, doc);
      if (!verified.ok) throw verified.error;
      const subject = verified.value;
      const values = {
        did,
        name: subject['gx:legalName'],
        roles: subject['dases:roles'],
        endpoints,
        didDocument: doc,
        credential,
        selfDescription: subject,
        now: clock.now(),
      };
      const result = await write(
        (s) => s.upsert(values),
        (r) => participantEvent(r.created ? 'participant.added' : 'participant.refreshed', r.participant),
      );
      logger.info({ did, created: result.created }, result.created ? 'participant added' : 'participant refreshed');
      return result;
    },
    async suspend(did, reason) {
      const p = await write((s) => s.setStatus(did, 'suspended', reason, clock.now()), (r) => r && participantEvent('participant.suspended', r));
      if (!p) throw notFound(did);
      logger.info({ did, reason }, 'participant suspended');
      return p;
    },
    async activate(did) {
      const p = await write((s) => s.setStatus(did, 'active', null, clock.now()), (r) => r && participantEvent('participant.activated', r));
      if (!p) throw notFound(did);
      return p;
    },
    async remove(did) {
      if (!(await write((s) => s.delete(did), (r) => r && participantEvent('participant.removed', r)))) throw notFound(did);
      identity.resolver.invalidate(did);
    },
  };
}
