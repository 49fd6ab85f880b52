import { AppError, invalidField, messageKind } from '../../kernel/index.js';
import type { ReceivedErasureRow } from '../adapters/sql-received-erasure.store.js';
import { receivedErasureStep } from '../domain/erasure.machine.js';
import { ERASURE_CONFIRMATION_TYP, ERASURE_REQUEST_TYP, ErasureRequestPayload, type ErasureConfirmationPayload, type ErasureOutcome } from '../domain/rights.messages.js';
import { jwsHash } from './erasure-requests.js';
import { dspOf, ERASURE_CONFIRMATION_TOPIC, signPayload, verifyFrom, wrongSender, type RightsContext } from './rights.context.js';

const REQUEST_KIND = messageKind<ErasureRequestPayload>(ERASURE_REQUEST_TYP, ErasureRequestPayload);

export interface ErasureRequestBody {
  id: string;
  subjectId: string;
  requestedAt: string;
  request: string;
}

/**
 * A participant's side of erasure: requests from a person's intermediary are verified, kept and logged; the operator
 * erases in its own systems, then confirms (or refuses, with the reason), and the signed answer goes back.
 */
export function createPartyErasures(ctx: RightsContext) {
  async function receive(callerDid: string, body: ErasureRequestBody): Promise<{ row: ReceivedErasureRow; created: boolean }> {
    const r = await verifyFrom(ctx, body.request, REQUEST_KIND, callerDid, '/body/request');
    if (r.intermediary !== callerDid) throw wrongSender('/body/request', `the request names ${r.intermediary} as the intermediary`);
    if (r.participant !== ctx.node.did) throw wrongSender('/body/request', `the request is addressed to ${r.participant}`);
    for (const k of ['id', 'subjectId', 'requestedAt'] as const) {
      if (r[k] !== body[k]) throw new AppError('DS_RIGHTS_SIGNATURE_INVALID', `/body/${k}: differs from the signed request`, [{ path: `/body/${k}`, message: 'differs from the signed request' }]);
    }
    return ctx.db.transaction().execute(async (tx) => {
      const row = await ctx.received.insert(tx, {
        id: r.id,
        intermediary_did: callerDid,
        subject_id: r.subjectId,
        requested_at: new Date(r.requestedAt),
        request_jws: body.request,
        status: 'received',
        reason: null,
        confirmation_jws: null,
        received_at: ctx.clock.now(),
        decided_at: null,
      });
      if (!row) {
        const existing = (await ctx.received.get(r.id, tx))!;
        if (existing.intermediary_did !== callerDid || existing.request_jws !== body.request) {
          throw new AppError('DS_RIGHTS_ERASURE_CONFLICT', `/body/id: another erasure request ${r.id} was received`, [{ path: '/body/id', message: 'already used by another request' }]);
        }
        return { row: existing, created: false };
      }
      await ctx.ledger.append(tx, { type: 'erasure.requested', actor: ctx.node.did, subject: r.id, payload: { requestId: r.id, intermediary: callerDid, requestHash: jwsHash(body.request) } });
      return { row, created: true };
    });
  }

  async function confirm(id: string, answer: { outcome: ErasureOutcome; reason?: string | undefined }): Promise<ReceivedErasureRow> {
    const row = await ctx.received.get(id);
    if (!row) throw new AppError('DS_RIGHTS_ERASURE_NOT_FOUND', `no erasure request ${id} was received`);
    const step = receivedErasureStep(row.status, answer.outcome);
    if (!step.ok) throw new AppError('DS_RIGHTS_ERASURE_DECIDED', step.reason);
    if (answer.outcome === 'refused' && !answer.reason?.trim()) throw invalidField('/body/reason', 'a refusal must give its reason (GDPR Art. 12(4))');
    const dsp = await dspOf(ctx, row.intermediary_did);
    if (!dsp) throw new AppError('DS_RIGHTS_UNKNOWN_INTERMEDIARY', `${row.intermediary_did} cannot be reached: the answer could not be sent`);
    const at = ctx.clock.now();
    const payload: ErasureConfirmationPayload = {
      type: 'dases:ErasureConfirmation',
      requestId: id,
      intermediary: row.intermediary_did,
      participant: ctx.node.did,
      subjectId: row.subject_id,
      outcome: answer.outcome,
      ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
      at: at.toISOString(),
    };
    const jws = await signPayload(ctx, payload, ERASURE_CONFIRMATION_TYP);
    await ctx.db.transaction().execute(async (tx) => {
      if (!(await ctx.received.decide(tx, id, { status: step.next as 'erased' | 'refused', reason: answer.reason, confirmationJws: jws, at }))) {
        throw new AppError('DS_RIGHTS_ERASURE_DECIDED', 'the request was answered meanwhile');
      }
      await ctx.ledger.append(tx, { type: 'erasure.confirmed', actor: ctx.node.did, subject: id, payload: { requestId: id, intermediary: row.intermediary_did, outcome: answer.outcome, confirmationHash: jwsHash(jws) } });
      await ctx.outbox.enqueue(tx, { topic: ERASURE_CONFIRMATION_TOPIC, url: `${dsp}/people/erasure-confirmations`, audience: row.intermediary_did, body: { confirmation: jws } });
    });
    return (await ctx.received.get(id))!;
  }

  return { receive, confirm, list: ctx.received.list.bind(ctx.received), get: (id: string) => ctx.received.get(id) };
}
export type PartyErasures = ReturnType<typeof createPartyErasures>;
