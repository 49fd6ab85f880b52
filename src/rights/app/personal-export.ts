import { AppError } from '../../kernel/index.js';
import { assertIntermediary } from '../../people/index.js';
import type { ErasureRequestWithParties } from '../adapters/sql-erasure.store.js';
import { erasureRequestStatus } from '../domain/erasure.machine.js';
import type { ErasureRequests } from './erasure-requests.js';
import type { Exchanges, PersonExchange } from './exchanges.js';
import { type RightsContext } from './rights.context.js';

const iso = (d: Date | null | undefined): string | undefined => (d ? d.toISOString() : undefined);

/** An erasure request as its person sees it: overall open/closed, and each participant's state and answer. */
export function erasureView(r: ErasureRequestWithParties, names: ReadonlyMap<string, string | undefined> = new Map()) {
  return {
    id: r.id,
    requestedAt: r.requestedAt.toISOString(),
    status: erasureRequestStatus(r.parties),
    parties: r.parties.map((p) => ({
      did: p.participant_did,
      ...(names.get(p.participant_did) ? { name: names.get(p.participant_did)! } : {}),
      subjectId: p.subject_id,
      status: p.status,
      request: p.request_jws,
      updatedAt: p.updated_at.toISOString(),
      ...(p.answered_at ? { answeredAt: p.answered_at.toISOString() } : {}),
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.error ? { error: p.error } : {}),
      ...(p.confirmation_jws ? { confirmation: p.confirmation_jws } : {}),
    })),
  };
}

/** The participants' names (from the directory) of some erasure requests. */
export async function participantNames(ctx: Pick<RightsContext, 'participants'>, requests: readonly ErasureRequestWithParties[]): Promise<Map<string, string | undefined>> {
  const names = new Map<string, string | undefined>();
  for (const r of requests) for (const p of r.parties) if (!names.has(p.participant_did)) names.set(p.participant_did, (await ctx.participants.get(p.participant_did))?.name);
  return names;
}

export function exchangeView(x: PersonExchange) {
  return {
    ...x,
    startedAt: iso(x.startedAt),
    endedAt: iso(x.endedAt),
    reports: x.reports.map((r) => ({ state: r.state, at: r.at.toISOString(), report: r.report })),
  };
}

/**
 * The person's whole file at the intermediary as one JSON document (GDPR Art. 15 and 20): account (never the
 * password hash), links, consents with every signed receipt, exchanges with the parties' signed reports, and
 * erasure requests with the participants' signed answers. Every signature in it verifies offline with DID keys.
 */
export function createPersonalExport(ctx: RightsContext, parts: { exchanges: Exchanges; erasures: ErasureRequests }) {
  return async (personId: string) => {
    assertIntermediary(ctx.intermediary);
    const person = await ctx.people.person(personId);
    if (!person) throw new AppError('DS_AUTH_INVALID_TOKEN', 'the signed-in person no longer exists');
    const [links, consents, exchanges, erasures] = await Promise.all([ctx.people.links(personId), ctx.consents.ofPerson(personId), parts.exchanges.ofPerson(personId), parts.erasures.byPerson(personId)]);
    const names = await participantNames(ctx, erasures);
    return {
      type: 'dases:PersonalDataExport' as const,
      exportedAt: ctx.clock.now().toISOString(),
      intermediary: ctx.node.did,
      account: { id: person.id, login: person.login, ...(person.name ? { name: person.name } : {}), language: person.language, createdAt: person.createdAt.toISOString() },
      links: links.map((l) => ({ id: l.id, participant: l.participantDid, ...(l.subjectId ? { subjectId: l.subjectId } : {}), status: l.status, createdAt: l.createdAt.toISOString(), ...(l.confirmedAt ? { confirmedAt: l.confirmedAt.toISOString() } : {}) })),
      consents: consents.map((c) => ({
        id: c.id,
        status: c.status,
        provider: c.providerDid,
        consumer: c.consumerDid,
        datasetId: c.datasetId,
        purpose: c.purpose,
        ...(c.expiresAt ? { expiresAt: c.expiresAt.toISOString() } : {}),
        record: c.record,
        receipts: c.receipts.map((r) => ({ seq: r.seq, state: r.state, receipt: r.jws, hash: r.hash, createdAt: r.createdAt.toISOString() })),
      })),
      exchanges: exchanges.map(exchangeView),
      erasureRequests: erasures.map((r) => erasureView(r, names)),
    };
  };
}
