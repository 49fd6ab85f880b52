/**
 * An erasure request, per participant, as the intermediary tracks it: sent (in the outbox) → delivered (the
 * participant acknowledged receipt) or undeliverable (the outbox gave up) → confirmed (erased) or refused (with the
 * participant's reason). An answer can overtake the delivery outcome, and a participant may answer a message the
 * outbox believed lost: both are accepted. An answer is final.
 */
export type ErasurePartyStatus = 'sent' | 'delivered' | 'confirmed' | 'refused' | 'undeliverable';
export type ErasureEvent = 'delivered' | 'undeliverable' | 'erased' | 'refused';

export type Step<S> = { ok: true; next: S; changed: boolean } | { ok: false; reason: string };

const ANSWERED: readonly ErasurePartyStatus[] = ['confirmed', 'refused'];

export function erasurePartyStep(from: ErasurePartyStatus, event: ErasureEvent): Step<ErasurePartyStatus> {
  if (event === 'delivered' || event === 'undeliverable') {
    // The outbox's outcome only matters while nothing better is known.
    return from === 'sent' ? { ok: true, next: event, changed: true } : { ok: true, next: from, changed: false };
  }
  const answer: ErasurePartyStatus = event === 'erased' ? 'confirmed' : 'refused';
  if (ANSWERED.includes(from)) {
    return from === answer ? { ok: true, next: from, changed: false } : { ok: false, reason: `the participant already answered: ${from}` };
  }
  return { ok: true, next: answer, changed: true };
}

/** The request as a whole: open while a participant has not answered. */
export function erasureRequestStatus(parties: ReadonlyArray<{ status: ErasurePartyStatus }>): 'open' | 'closed' {
  return parties.every((p) => ANSWERED.includes(p.status) || p.status === 'undeliverable') ? 'closed' : 'open';
}

/** The participant's side: received → erased | refused, once, by its operator. */
export type ReceivedErasureStatus = 'received' | 'erased' | 'refused';

export function receivedErasureStep(from: ReceivedErasureStatus, outcome: 'erased' | 'refused'): Step<ReceivedErasureStatus> {
  if (from !== 'received') return { ok: false, reason: `the request was already answered: ${from}` };
  return { ok: true, next: outcome, changed: true };
}
