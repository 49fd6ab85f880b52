import { AppError, type Clock, type IdGenerator } from '../../kernel/index.js';
import { canConfirm, LINK_CODE_TTL_MS, normaliseLinkCode, type Link } from '../domain/link.js';
import { assertIntermediary } from './accounts.service.js';
import type { LinkStore, ParticipantLookup } from './people.ports.js';
import { digest, newLinkCode } from './secrets.js';

export interface LinksDeps {
  links: LinkStore;
  participants: ParticipantLookup;
  clock: Clock;
  ids: IdGenerator;
  intermediary: boolean;
}

const codeHash = (normalised: string) => digest('link-code', normalised);

/**
 * The intermediary's side of identifier links: the person opens a link with a participant and receives a one-time
 * code; the participant, which knows the person under its own pseudonymous id, confirms it with that id. Nothing
 * is ever matched by e-mail or name.
 */
export function createLinks(deps: LinksDeps) {
  const { links, clock } = deps;
  return {
    async open(personId: string, participantDid: string): Promise<{ id: string; code: string; expiresAt: Date }> {
      assertIntermediary(deps.intermediary);
      const p = await deps.participants.get(participantDid);
      if (p?.status !== 'active') throw new AppError('DS_PEOPLE_UNKNOWN_PARTICIPANT', `${participantDid} is not an active trusted participant of this node`, [{ path: '/body/participant', message: 'not an active trusted participant' }]);
      if (await links.confirmedWith(personId, participantDid)) throw new AppError('DS_PEOPLE_ALREADY_LINKED', 'remove the existing link with this participant first', [{ path: '/body/participant', message: 'already linked' }]);
      const code = newLinkCode();
      const now = clock.now();
      const link = { id: deps.ids.uuid(), personId, participantDid, codeHash: codeHash(normaliseLinkCode(code) as string), codeExpiresAt: new Date(now.getTime() + LINK_CODE_TTL_MS), createdAt: now };
      await links.open(link);
      return { id: link.id, code, expiresAt: link.codeExpiresAt };
    },

    async list(personId: string): Promise<Link[]> {
      assertIntermediary(deps.intermediary);
      return links.list(personId);
    },

    /** Someone else's link answers exactly like a missing one. */
    async revoke(personId: string, linkId: string): Promise<void> {
      assertIntermediary(deps.intermediary);
      if (!(await links.get(personId, linkId))) throw new AppError('DS_PEOPLE_LINK_NOT_FOUND', `no link ${linkId}`, [{ path: '/params/id', message: 'no such link' }]);
      await links.revoke(personId, linkId, clock.now());
    },

    /** A participant confirms a link with the code the person gave it and the person's subject id there. */
    async confirm(callerDid: string, code: string, subjectId: string): Promise<{ linkId: string }> {
      assertIntermediary(deps.intermediary);
      const normalised = normaliseLinkCode(code);
      const link = normalised ? await links.pendingByCodeHash(codeHash(normalised)) : undefined;
      if (!link) throw new AppError('DS_PEOPLE_LINK_CODE_UNKNOWN', 'no open link has this code (unknown, already used or replaced)', [{ path: '/body/code', message: 'unknown or used' }]);
      const refusal = canConfirm(link, callerDid, clock.now());
      if (refusal === 'wrong-participant') throw new AppError('DS_PEOPLE_LINK_WRONG_PARTICIPANT', 'the person opened this link for another participant', [{ path: '/body/code', message: 'opened for another participant' }]);
      if (refusal === 'expired') throw new AppError('DS_PEOPLE_LINK_CODE_EXPIRED', 'the code has expired: the person must open a new link', [{ path: '/body/code', message: 'expired' }]);
      const outcome = await links.confirm(link.id, subjectId, clock.now());
      if (outcome === 'not-pending') throw new AppError('DS_PEOPLE_LINK_CODE_UNKNOWN', 'the code was used or replaced meanwhile', [{ path: '/body/code', message: 'unknown or used' }]);
      if (outcome === 'subject-taken') throw new AppError('DS_PEOPLE_SUBJECT_TAKEN', 'this subject id is linked to another person: revoke that link first', [{ path: '/body/subjectId', message: 'linked to another person' }]);
      if (outcome === 'already-linked') throw new AppError('DS_PEOPLE_ALREADY_LINKED', 'the person is already linked with this participant', [{ path: '/body/code', message: 'already linked' }]);
      return { linkId: link.id };
    },

    personOfSubject: (participantDid: string, subjectId: string) => links.personOfSubject(participantDid, subjectId),
    subjectAt: (personId: string, participantDid: string) => links.subjectAt(personId, participantDid),
  };
}

export type Links = ReturnType<typeof createLinks>;
