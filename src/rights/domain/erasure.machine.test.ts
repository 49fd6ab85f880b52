import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { erasurePartyStep, erasureRequestStatus, receivedErasureStep, type ErasureEvent, type ErasurePartyStatus } from './erasure.machine.js';

describe('erasure request per participant (intermediary)', () => {
  const step = (from: ErasurePartyStatus, e: ErasureEvent) => {
    const r = erasurePartyStep(from, e);
    return r.ok ? `${r.next}${r.changed ? '' : ' (unchanged)'}` : `refused: ${r.reason}`;
  };

  it('moves from sent on the outbox outcome and on the answer', () => {
    assert.equal(step('sent', 'delivered'), 'delivered');
    assert.equal(step('sent', 'undeliverable'), 'undeliverable');
    assert.equal(step('sent', 'erased'), 'confirmed');
    assert.equal(step('sent', 'refused'), 'refused');
    assert.equal(step('delivered', 'erased'), 'confirmed');
    assert.equal(step('delivered', 'refused'), 'refused');
    assert.equal(step('undeliverable', 'erased'), 'confirmed', 'an answer proves the request arrived after all');
  });

  it('ignores a late delivery outcome and keeps an answer final', () => {
    assert.equal(step('confirmed', 'delivered'), 'confirmed (unchanged)');
    assert.equal(step('refused', 'undeliverable'), 'refused (unchanged)');
    assert.equal(step('delivered', 'undeliverable'), 'delivered (unchanged)');
    assert.equal(step('confirmed', 'erased'), 'confirmed (unchanged)', 'the same answer again is idempotent');
    assert.equal(step('confirmed', 'refused'), 'refused: the participant already answered: confirmed');
    assert.equal(step('refused', 'erased'), 'refused: the participant already answered: refused');
  });

  it('is closed when every participant answered or cannot be reached', () => {
    assert.equal(erasureRequestStatus([{ status: 'confirmed' }, { status: 'delivered' }]), 'open');
    assert.equal(erasureRequestStatus([{ status: 'sent' }]), 'open');
    assert.equal(erasureRequestStatus([{ status: 'confirmed' }, { status: 'refused' }, { status: 'undeliverable' }]), 'closed');
  });
});

describe('erasure request received (participant)', () => {
  it('is answered once', () => {
    assert.deepEqual(receivedErasureStep('received', 'erased'), { ok: true, next: 'erased', changed: true });
    assert.deepEqual(receivedErasureStep('received', 'refused'), { ok: true, next: 'refused', changed: true });
    assert.equal(receivedErasureStep('erased', 'refused').ok, false);
    assert.equal(receivedErasureStep('refused', 'refused').ok, false);
  });
});
