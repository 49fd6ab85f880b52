/**
 * This node's membership in an ecosystem orchestrated elsewhere. `accepting` and `requested` wait for the
 * orchestrator's answer; a failed acceptance of an invitation leaves the invitation standing (`invited`).
 */
export type MembershipStatus = 'invited' | 'requested' | 'accepting' | 'active' | 'refused' | 'left';

export type MembershipEvent = 'invitation-received' | 'invitation-accepted' | 'acceptance-failed' | 'join-requested' | 'admitted' | 'refused' | 'left';

const TRANSITIONS: Record<MembershipEvent, Partial<Record<MembershipStatus | 'none', MembershipStatus>>> = {
  'invitation-received': { none: 'invited', invited: 'invited', refused: 'invited', left: 'invited' },
  'invitation-accepted': { invited: 'accepting' },
  'acceptance-failed': { accepting: 'invited' },
  'join-requested': { none: 'requested', refused: 'requested', left: 'requested' },
  admitted: { accepting: 'active', requested: 'active', active: 'active' },
  refused: { requested: 'refused', refused: 'refused' },
  left: { active: 'left' },
};

export type Transition = { ok: true; next: MembershipStatus } | { ok: false; reason: string };

export function transition(from: MembershipStatus | undefined, event: MembershipEvent): Transition {
  const next = TRANSITIONS[event][from ?? 'none'];
  return next ? { ok: true, next } : { ok: false, reason: `${event} is not possible while the membership is ${from ?? 'absent'}` };
}
