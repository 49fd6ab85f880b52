import { err, ok, type Result } from '../../kernel/index.js';

/**
 * The lifecycle of one consent, as ISO/IEC TS 27560 event states: asked, then granted or refused by the person;
 * a granted consent ends withdrawn (by the person) or expired (its time ran out); a granted or expired consent can
 * be reconfirmed (granted again with a new expiry). A new notice version leaves a granted consent granted but
 * unusable until reconfirmed (`reconfirmationRequired`), as the person agreed to another text.
 */
export type ConsentState = 'requested' | 'granted' | 'refused' | 'withdrawn' | 'expired';

/** What happened: the person's four decisions, the clock, and the controller publishing a new notice version. */
export type ConsentAction = 'grant' | 'refuse' | 'withdraw' | 'expire' | 'reconfirm' | 'notice-changed';

/** Decisions the person makes from the dashboard (the others come from the intermediary itself). */
export const PERSON_ACTIONS = ['grant', 'refuse', 'withdraw', 'reconfirm'] as const;
export type PersonAction = (typeof PERSON_ACTIONS)[number];

export interface Lifecycle {
  state: ConsentState;
  reconfirmationRequired: boolean;
}

export interface IllegalTransition {
  kind: 'illegal-transition';
  from: ConsentState;
  action: ConsentAction;
  message: string;
}

/** States in which the consent no longer allows anything (the parties must stop). */
export const STOPPED: readonly ConsentState[] = ['refused', 'withdrawn', 'expired'];

const NEXT: Record<ConsentAction, Partial<Record<ConsentState, ConsentState>>> = {
  grant: { requested: 'granted' },
  refuse: { requested: 'refused' },
  withdraw: { granted: 'withdrawn' },
  expire: { granted: 'expired' },
  reconfirm: { granted: 'granted', expired: 'granted' },
  'notice-changed': { requested: 'requested', granted: 'granted' },
};

/** The lifecycle after `action`, or why it cannot happen. Pure: no clock, no I/O. */
export function transition(from: Lifecycle, action: ConsentAction): Result<Lifecycle, IllegalTransition> {
  const state = NEXT[action][from.state];
  if (!state) {
    return err({ kind: 'illegal-transition', from: from.state, action, message: `a ${from.state} consent cannot be ${PAST[action]}` });
  }
  // Withdrawal stays possible while a reconfirmation is due: the person can always stop processing.
  if (action === 'notice-changed') return ok({ state, reconfirmationRequired: from.state === 'granted' });
  return ok({ state, reconfirmationRequired: false });
}

const PAST: Record<ConsentAction, string> = {
  grant: 'granted',
  refuse: 'refused',
  withdraw: 'withdrawn',
  expire: 'expired',
  reconfirm: 'reconfirmed',
  'notice-changed': 'given a new notice',
};

/** Whether a consent in this lifecycle permits processing now (status and reconfirmation; expiry is checked apart). */
export const usable = (l: Lifecycle): boolean => l.state === 'granted' && !l.reconfirmationRequired;
