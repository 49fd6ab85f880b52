import { AppError, type Clock, type IdGenerator } from '../../kernel/index.js';
import type { IntermediaryLink, IntermediaryLinkStore, LinkConfirmationClient, ParticipantLookup } from './people.ports.js';

export interface PersonLinksDeps {
  store: IntermediaryLinkStore;
  client: LinkConfirmationClient;
  participants: ParticipantLookup;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * The participant's side (any node): its own systems hand over the code a person brought and the id under which
 * this participant knows them; the node confirms the link at the intermediary and keeps a record of it.
 */
export function createPersonLinks(deps: PersonLinksDeps) {
  return {
    async confirm(input: { intermediary: string; code: string; subjectId: string }): Promise<IntermediaryLink> {
      const p = await deps.participants.get(input.intermediary);
      if (p?.status !== 'active' || !p.endpoints.dsp) {
        throw new AppError('DS_PEOPLE_UNKNOWN_INTERMEDIARY', `${input.intermediary} is not an active trusted participant with a DSP endpoint`, [{ path: '/body/intermediary', message: 'not an active trusted participant with a DSP endpoint' }]);
      }
      // Confirmed remotely first: a record here means the intermediary holds the link.
      const { linkId } = await deps.client.confirm(p.endpoints.dsp, p.did, { code: input.code, subjectId: input.subjectId });
      return deps.store.save({ id: deps.ids.uuid(), intermediaryDid: p.did, subjectId: input.subjectId, linkId, confirmedAt: deps.clock.now() });
    },
    list: (q: { intermediary?: string | undefined; subjectId?: string | undefined; limit: number; offset: number }) => deps.store.list(q),
  };
}

export type PersonLinks = ReturnType<typeof createPersonLinks>;
