import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminal, nextActor, STATES, transition, type MessageKind, type NegotiationState, type Role } from './negotiation.machine.js';

const KINDS: MessageKind[] = ['request', 'offer', 'accepted', 'agreement', 'verification', 'finalized', 'termination'];
const ROLES: Role[] = ['provider', 'consumer'];

/**
 * Every legal transition written out by hand from the DSP 2025-1 state machine figure (C = consumer, P = provider)
 * plus termination by either party from any non-terminal state; everything else must be refused.
 */
const LEGAL: Array<[NegotiationState | null, MessageKind, Role, NegotiationState]> = [
  [null, 'request', 'consumer', 'REQUESTED'],
  [null, 'offer', 'provider', 'OFFERED'],
  ['REQUESTED', 'offer', 'provider', 'OFFERED'],
  ['REQUESTED', 'agreement', 'provider', 'AGREED'],
  ['OFFERED', 'request', 'consumer', 'REQUESTED'],
  ['OFFERED', 'accepted', 'consumer', 'ACCEPTED'],
  ['ACCEPTED', 'agreement', 'provider', 'AGREED'],
  ['AGREED', 'verification', 'consumer', 'VERIFIED'],
  ['VERIFIED', 'finalized', 'provider', 'FINALIZED'],
  ...(['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED'] as const).flatMap((s) =>
    ROLES.map((r): [NegotiationState, MessageKind, Role, NegotiationState] => [s, 'termination', r, 'TERMINATED']),
  ),
];

describe('negotiation state machine', () => {
  it('allows exactly the legal transitions, each to its state', () => {
    let legal = 0;
    let illegal = 0;
    for (const from of [null, ...STATES]) {
      for (const kind of KINDS) {
        for (const sender of ROLES) {
          const expected = LEGAL.find(([f, k, r]) => f === from && k === kind && r === sender);
          const got = transition(from, kind, sender);
          if (expected) {
            legal++;
            assert.deepEqual(got, { ok: true, value: expected[3] }, `${from} --${kind}/${sender}-->`);
          } else {
            illegal++;
            assert.equal(got.ok, false, `${from} --${kind}/${sender}--> must be refused`);
            if (!got.ok) {
              assert.deepEqual([got.error.kind, got.error.message, got.error.sender, got.error.from], ['illegal-transition', kind, sender, from]);
              assert.ok(got.error.why.length > 10);
            }
          }
        }
      }
    }
    assert.equal(legal, LEGAL.length);
    assert.equal(legal + illegal, 8 * KINDS.length * ROLES.length);
  });

  it('explains refusals: wrong sender, terminal state, no negotiation yet, wrong state', () => {
    const why = (f: NegotiationState | null, k: MessageKind, r: Role) => {
      const t = transition(f, k, r);
      return t.ok ? '' : t.error.why;
    };
    assert.match(why('VERIFIED', 'finalized', 'consumer'), /sent by the provider, not the consumer/);
    assert.match(why('OFFERED', 'accepted', 'provider'), /ACCEPTED.*sent by the consumer/);
    assert.match(why('FINALIZED', 'termination', 'provider'), /FINALIZED, a terminal state/);
    assert.match(why('TERMINATED', 'request', 'consumer'), /terminal/);
    assert.match(why(null, 'agreement', 'provider'), /cannot start a negotiation/);
    assert.match(why('REQUESTED', 'request', 'consumer'), /not allowed in state REQUESTED/);
  });

  it('says whose move it is and which states are terminal', () => {
    assert.deepEqual(
      STATES.map((s) => [s, nextActor(s) ?? null, isTerminal(s)]),
      [
        ['REQUESTED', 'provider', false],
        ['OFFERED', 'consumer', false],
        ['ACCEPTED', 'provider', false],
        ['AGREED', 'consumer', false],
        ['VERIFIED', 'provider', false],
        ['FINALIZED', null, true],
        ['TERMINATED', null, true],
      ],
    );
  });
});
