import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transition, usable, type ConsentAction, type ConsentState } from './consent.machine.js';

const STATES: ConsentState[] = ['requested', 'granted', 'refused', 'withdrawn', 'expired'];
const ACTIONS: ConsentAction[] = ['grant', 'refuse', 'withdraw', 'expire', 'reconfirm', 'notice-changed'];

/** Every legal transition; everything else must be refused. */
const LEGAL: Record<string, ConsentState> = {
  'requested grant': 'granted',
  'requested refuse': 'refused',
  'granted withdraw': 'withdrawn',
  'granted expire': 'expired',
  'granted reconfirm': 'granted',
  'expired reconfirm': 'granted',
  'requested notice-changed': 'requested',
  'granted notice-changed': 'granted',
};

describe('consent lifecycle state machine', () => {
  for (const state of STATES) {
    for (const action of ACTIONS) {
      const key = `${state} ${action}`;
      it(`${LEGAL[key] ? 'allows' : 'refuses'} ${action} from ${state}`, () => {
        const r = transition({ state, reconfirmationRequired: false }, action);
        if (LEGAL[key]) {
          assert.equal(r.ok, true);
          if (r.ok) assert.equal(r.value.state, LEGAL[key]);
        } else {
          assert.equal(r.ok, false);
          if (!r.ok) {
            assert.equal(r.error.kind, 'illegal-transition');
            assert.match(r.error.message, new RegExp(`^a ${state} consent cannot be`));
          }
        }
      });
    }
  }

  it('a new notice version leaves a granted consent granted but unusable until reconfirmed', () => {
    const changed = transition({ state: 'granted', reconfirmationRequired: false }, 'notice-changed');
    assert.ok(changed.ok);
    if (!changed.ok) return;
    assert.deepEqual(changed.value, { state: 'granted', reconfirmationRequired: true });
    assert.equal(usable(changed.value), false);
    const reconfirmed = transition(changed.value, 'reconfirm');
    assert.ok(reconfirmed.ok && usable(reconfirmed.value));
    const withdrawn = transition(changed.value, 'withdraw');
    assert.ok(withdrawn.ok && withdrawn.value.state === 'withdrawn' && !withdrawn.value.reconfirmationRequired);
  });

  it('a changed notice on a mere request needs no reconfirmation (the person has not decided yet)', () => {
    const r = transition({ state: 'requested', reconfirmationRequired: false }, 'notice-changed');
    assert.deepEqual(r, { ok: true, value: { state: 'requested', reconfirmationRequired: false } });
  });

  it('only a granted consent without pending reconfirmation is usable', () => {
    for (const state of STATES) assert.equal(usable({ state, reconfirmationRequired: false }), state === 'granted');
  });
});
