/**
 * The life of a contract. Versions move pending → active (every required party signed) → superseded (an
 * amendment became active) or terminated / revoked (a party's signed notice). A contract's status is that of
 * the version in force; `expired` is not stored: it is an active version read after its `validUntil`.
 */
export type ContractStatus = 'pending' | 'active' | 'superseded' | 'terminated' | 'revoked' | 'expired';
export type VersionStatus = 'pending' | 'active' | 'superseded' | 'terminated' | 'revoked';
export type EndAction = 'terminate' | 'revoke';

export type VersionEvent = { type: 'all-signed' } | { type: 'amendment-activated' } | { type: 'ended'; action: EndAction };

export type Transition<S> = { ok: true; value: S } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

export const endedStatus = (action: EndAction): 'terminated' | 'revoked' => (action === 'terminate' ? 'terminated' : 'revoked');

/** The next status of one version. */
export function nextVersionStatus(current: VersionStatus, event: VersionEvent): Transition<VersionStatus> {
  switch (event.type) {
    case 'all-signed':
      return current === 'pending' ? { ok: true, value: 'active' } : fail(`a ${current} version cannot become active`);
    case 'amendment-activated':
      return current === 'active' ? { ok: true, value: 'superseded' } : fail(`a ${current} version cannot be superseded`);
    case 'ended':
      // A pending version dies with the contract (revoked) whatever ended it; an active one takes the action's status.
      if (current === 'pending') return { ok: true, value: 'revoked' };
      if (current === 'active') return { ok: true, value: endedStatus(event.action) };
      return fail(`a ${current} version cannot be ${endedStatus(event.action)}`);
  }
}

/** The status a contract shows at `now`. */
export function contractStatus(c: { status: 'pending' | 'active' | 'terminated' | 'revoked'; validUntil?: Date | string | null | undefined }, now: Date): ContractStatus {
  if (c.status === 'active' && c.validUntil != null && new Date(c.validUntil).getTime() <= now.getTime()) return 'expired';
  return c.status;
}

/**
 * Whether a party may end a contract in `status`. Terminating needs a contract in force; revoking also withdraws
 * a proposal nobody activated yet (a pending contract). Ended and expired contracts stay as they are.
 */
export function canEnd(status: ContractStatus, action: EndAction): Transition<'terminated' | 'revoked'> {
  if (status === 'active') return { ok: true, value: endedStatus(action) };
  if (status === 'pending' && action === 'revoke') return { ok: true, value: 'revoked' };
  return fail(`a ${status} contract cannot be ${endedStatus(action)}`);
}

/** Whether a new version may be proposed: only over the version in force, and one amendment at a time. */
export function canAmend(status: ContractStatus, pendingAmendment: boolean): Transition<true> {
  if (status !== 'active') return fail(`a ${status} contract cannot be amended`);
  if (pendingAmendment) return fail('an amendment is already waiting for signatures');
  return { ok: true, value: true };
}
