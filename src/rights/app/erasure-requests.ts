import { AppError, messageKind } from '../../kernel/index.js';
import { assertIntermediary } from '../../people/index.js';
import { createHash } from 'node:crypto';
import type { ErasurePartyRow, ErasureRequestWithParties } from '../adapters/sql-erasure.store.js';
import { erasurePartyStep, type ErasureEvent } from '../domain/erasure.machine.js';
import { ERASURE_CONFIRMATION_TYP, ERASURE_REQUEST_TYP, ErasureConfirmationPayload, type ErasureRequestPayload } from '../domain/rights.messages.js';
import { dspOf, ERASURE_REQUEST_TOPIC, signPayload, verifyFrom, wrongSender, type RightsContext } from './rights.context.js';

const CONFIRMATION_KIND = messageKind<ErasureConfirmationPayload>(ERASURE_CONFIRMATION_TYP, ErasureConfirmationPayload);

/** 'sha256:' + hex SHA-256 of a compact JWS: what a log entry names instead of the message itself. */
export const jwsHash = (jws: string): string => `sha256:${createHash('sha256').update(jws, 'utf8').digest('hex')}`;

/**
 * The intermediary side of erasure: the person's request goes, signed, to every participant they are linked with
 * (confirmed links) through the outbox, and each participant's state is tracked until it answers.
 */
export function createErasureRequests(ctx: RightsContext) {
  async function request(personId: string): Promise<ErasureRequestWithParties> {
    assertIntermediary(ctx.intermediary);
    const linked = new Map<string, string>();
    for (const l of await ctx.people.links(personId)) if (l.status === 'confirmed' && l.subjectId) linked.set(l.participantDid, l.subjectId);
    if (linked.size === 0) throw new AppError('DS_RIGHTS_NO_LINKED_PARTICIPANTS', 'link your identifiers at the participants first: an erasure request goes to each of them');
    const id = ctx.ids.uuid();
    const at = ctx.clock.now();
    const parties: Array<{ row: ErasurePartyRow; dsp: string | undefined }> = [];
    for (const [participantDid, subjectId] of linked) {
      const payload: ErasureRequestPayload = { type: 'dases:ErasureRequest', id, intermediary: ctx.node.did, participant: participantDid, subjectId, requestedAt: at.toISOString() };
      const dsp = await dspOf(ctx, participantDid);
      const row: ErasurePartyRow = {
        request_id: id,
        participant_did: participantDid,
        subject_id: subjectId,
        status: dsp ? 'sent' : 'undeliverable',
        request_jws: await signPayload(ctx, payload, ERASURE_REQUEST_TYP),
        confirmation_jws: null,
        reason: null,
        error: dsp ? null : 'the participant is not an active trusted participant with a DSP endpoint',
        updated_at: at,
        answered_at: null,
      };
      parties.push({ row, dsp });
    }
    await ctx.db.transaction().execute(async (tx) => {
      await ctx.erasures.insert(tx, { id, personId, requestedAt: at }, parties.map((p) => p.row));
      for (const { row, dsp } of parties) {
        if (!dsp) continue;
        const body = { id, subjectId: row.subject_id, requestedAt: at.toISOString(), request: row.request_jws };
        await ctx.outbox.enqueue(tx, { topic: ERASURE_REQUEST_TOPIC, url: `${dsp}/erasure-requests`, audience: row.participant_did, body });
      }
      await ctx.ledger.append(tx, { type: 'erasure.sent', actor: ctx.node.did, subject: id, payload: { requestId: id, participants: parties.map((p) => ({ did: p.row.participant_did, requestHash: jwsHash(p.row.request_jws), status: p.row.status })) } });
    });
    return { id, personId, requestedAt: at, parties: parties.map((p) => p.row) };
  }

  /** Moves one participant's state; false when it moved meanwhile (the caller reads again). */
  async function apply(requestId: string, participantDid: string, event: ErasureEvent, extra: { jws?: string; reason?: string; error?: string } = {}): Promise<{ row: ErasurePartyRow; changed: boolean }> {
    for (let attempt = 0; ; attempt += 1) {
      const row = await ctx.erasures.party(requestId, participantDid);
      if (!row) throw new AppError('DS_RIGHTS_ERASURE_NOT_FOUND', `no erasure request ${requestId} was sent to ${participantDid}`, [{ path: '/body/confirmation', message: 'unknown erasure request' }]);
      const step = erasurePartyStep(row.status, event);
      if (!step.ok) throw new AppError('DS_RIGHTS_ERASURE_DECIDED', step.reason, [{ path: '/body/confirmation', message: step.reason }]);
      if (!step.changed) return { row, changed: false };
      const answered = event === 'erased' || event === 'refused';
      const at = ctx.clock.now();
      const done = await ctx.db.transaction().execute(async (tx) => {
        const patch = { status: step.next, at, answered, ...(extra.jws ? { confirmationJws: extra.jws } : {}), ...(extra.reason !== undefined ? { reason: extra.reason } : {}), ...(extra.error ? { error: extra.error } : {}) };
        if (!(await ctx.erasures.updateParty(tx, { requestId, participantDid, from: row.status }, patch))) return false;
        if (answered) {
          await ctx.ledger.append(tx, { type: 'erasure.answered', actor: ctx.node.did, subject: requestId, payload: { requestId, participant: participantDid, outcome: event, confirmationHash: jwsHash(extra.jws ?? '') } });
        }
        return true;
      });
      if (done) return { row: (await ctx.erasures.party(requestId, participantDid))!, changed: true };
      if (attempt >= 3) throw new AppError('DS_RIGHTS_ERASURE_DECIDED', 'the erasure request changed meanwhile');
    }
  }

  /** POST /dsp/people/erasure-confirmations: a participant's signed answer. */
  async function receiveConfirmation(callerDid: string, jws: string): Promise<{ requestId: string; status: ErasurePartyRow['status'] }> {
    assertIntermediary(ctx.intermediary);
    const c = await verifyFrom(ctx, jws, CONFIRMATION_KIND, callerDid, '/body/confirmation');
    if (c.participant !== callerDid) throw wrongSender('/body/confirmation', `the confirmation names ${c.participant} as the participant`);
    if (c.intermediary !== ctx.node.did) throw wrongSender('/body/confirmation', `the confirmation is addressed to ${c.intermediary}`);
    const known = await ctx.erasures.party(c.requestId, callerDid);
    if (!known || known.subject_id !== c.subjectId) {
      throw new AppError('DS_RIGHTS_ERASURE_NOT_FOUND', `/body/confirmation: no erasure request ${c.requestId} for this subject was sent to ${callerDid}`, [{ path: '/body/confirmation', message: 'unknown erasure request' }]);
    }
    const { row } = await apply(c.requestId, callerDid, c.outcome, { jws, ...(c.reason !== undefined ? { reason: c.reason } : {}) });
    return { requestId: row.request_id, status: row.status };
  }

  /** The outbox's outcome for a request it carried. */
  async function delivered(body: unknown, audience: string, ok: boolean, error?: string): Promise<void> {
    const requestId = (body as { id?: unknown } | null)?.id;
    if (typeof requestId !== 'string') return;
    await apply(requestId, audience, ok ? 'delivered' : 'undeliverable', error ? { error } : {});
  }

  return { request, receiveConfirmation, delivered, byPerson: (personId: string) => ctx.erasures.byPerson(personId) };
}
export type ErasureRequests = ReturnType<typeof createErasureRequests>;
