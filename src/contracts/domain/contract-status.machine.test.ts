import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canAmend, canEnd, contractStatus, nextVersionStatus, type VersionEvent, type VersionStatus } from './contract-status.machine.js';

const ALL: VersionStatus[] = ['pending', 'active', 'superseded', 'terminated', 'revoked'];
const step = (s: VersionStatus, e: VersionEvent) => {
  const r = nextVersionStatus(s, e);
  return r.ok ? r.value : 'illegal';
};

describe('contract status machine', () => {
  it('moves versions only along the allowed transitions', () => {
    assert.deepEqual(ALL.map((s) => step(s, { type: 'all-signed' })), ['active', 'illegal', 'illegal', 'illegal', 'illegal']);
    assert.deepEqual(ALL.map((s) => step(s, { type: 'amendment-activated' })), ['illegal', 'superseded', 'illegal', 'illegal', 'illegal']);
    assert.deepEqual(ALL.map((s) => step(s, { type: 'ended', action: 'terminate' })), ['revoked', 'terminated', 'illegal', 'illegal', 'illegal']);
    assert.deepEqual(ALL.map((s) => step(s, { type: 'ended', action: 'revoke' })), ['revoked', 'revoked', 'illegal', 'illegal', 'illegal']);
  });

  it('derives expired from validUntil at the given time, only for an active contract', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    assert.equal(contractStatus({ status: 'active', validUntil: '2026-06-01T00:00:00Z' }, now), 'expired');
    assert.equal(contractStatus({ status: 'active', validUntil: '2026-06-01T00:00:01Z' }, now), 'active');
    assert.equal(contractStatus({ status: 'active', validUntil: null }, now), 'active');
    assert.equal(contractStatus({ status: 'revoked', validUntil: '2020-01-01T00:00:00Z' }, now), 'revoked');
    assert.equal(contractStatus({ status: 'pending', validUntil: '2020-01-01T00:00:00Z' }, now), 'pending');
  });

  it('lets parties terminate what is in force and revoke what is pending or in force, nothing else', () => {
    const verdict = (s: Parameters<typeof canEnd>[0], a: 'terminate' | 'revoke') => {
      const r = canEnd(s, a);
      return r.ok ? r.value : 'illegal';
    };
    assert.deepEqual(
      (['pending', 'active', 'superseded', 'terminated', 'revoked', 'expired'] as const).map((s) => [verdict(s, 'terminate'), verdict(s, 'revoke')]),
      [['illegal', 'revoked'], ['terminated', 'revoked'], ['illegal', 'illegal'], ['illegal', 'illegal'], ['illegal', 'illegal'], ['illegal', 'illegal']],
    );
  });

  it('amends only an active contract without a pending amendment', () => {
    assert.ok(canAmend('active', false).ok);
    assert.equal(canAmend('active', true).ok, false);
    for (const s of ['pending', 'expired', 'terminated', 'revoked'] as const) assert.equal(canAmend(s, false).ok, false, s);
  });
});
