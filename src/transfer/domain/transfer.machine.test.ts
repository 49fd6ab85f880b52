import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminal, STATES, transition, type MessageKind, type Role, type TransferState } from './transfer.machine.js';

const KINDS: MessageKind[] = ['request', 'start', 'suspension', 'completion', 'termination'];
const ROLES: Role[] = ['provider', 'consumer'];

/**
 * Every legal transition written out by hand from the DSP 2025-1 transfer state machine figure (C = consumer,
 * P = provider), plus our one addition (a provider's fresh start in STARTED); everything else must be refused.
 */
const LEGAL: Array<[TransferState | null, MessageKind, Role, TransferState]> = [
  [null, 'request', 'consumer', 'REQUESTED'],
  ['REQUESTED', 'start', 'provider', 'STARTED'],
  ['REQUESTED', 'termination', 'consumer', 'TERMINATED'],
  ['REQUESTED', 'termination', 'provider', 'TERMINATED'],
  ['STARTED', 'completion', 'provider', 'COMPLETED'],
  ['STARTED', 'completion', 'consumer', 'COMPLETED'],
  ['STARTED', 'suspension', 'provider', 'SUSPENDED'],
  ['STARTED', 'suspension', 'consumer', 'SUSPENDED'],
  ['STARTED', 'termination', 'provider', 'TERMINATED'],
  ['STARTED', 'termination', 'consumer', 'TERMINATED'],
  ['STARTED', 'start', 'provider', 'STARTED'],
  ['SUSPENDED', 'start', 'provider', 'STARTED'],
  ['SUSPENDED', 'start', 'consumer', 'STARTED'],
  ['SUSPENDED', 'termination', 'provider', 'TERMINATED'],
  ['SUSPENDED', 'termination', 'consumer', 'TERMINATED'],
];

describe('transfer state machine', () => {
  it('allows exactly the legal transitions, each to its state', () => {
    let checked = 0;
    for (const from of [null, ...STATES]) {
      for (const kind of KINDS) {
        for (const role of ROLES) {
          const legal = LEGAL.find(([f, k, r]) => f === from && k === kind && r === role);
          const r = transition(from, kind, role);
          checked++;
          if (legal) assert.deepEqual(r, { ok: true, value: legal[3] }, `${String(from)} ${kind} by ${role}`);
          else assert.equal(r.ok, false, `${String(from)} ${kind} by ${role} must be refused`);
        }
      }
    }
    assert.equal(checked, 60);
  });

  it('says why a transition is refused', () => {
    const why = (from: TransferState | null, kind: MessageKind, role: Role) => {
      const r = transition(from, kind, role);
      assert.ok(!r.ok);
      return r.error.why;
    };
    assert.match(why('REQUESTED', 'start', 'consumer'), /sent by the provider, not the consumer/);
    assert.match(why(null, 'start', 'provider'), /cannot start a transfer process/);
    assert.match(why('COMPLETED', 'termination', 'provider'), /COMPLETED, a terminal state/);
    assert.match(why('REQUESTED', 'completion', 'consumer'), /not allowed in state REQUESTED/);
    assert.match(why('STARTED', 'start', 'consumer'), /sent by the provider/);
  });

  it('knows the terminal states', () => {
    assert.deepEqual(STATES.filter(isTerminal), ['COMPLETED', 'TERMINATED']);
  });
});
