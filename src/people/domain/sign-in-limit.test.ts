import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FAILURES, stricter, throttle, WINDOW_MS } from './sign-in-limit.js';

const now = new Date('2026-03-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe('sign-in throttle', () => {
  it('allows up to four earlier failures in 15 minutes, refuses the attempt after the fifth', () => {
    assert.equal(MAX_FAILURES, 5);
    assert.deepEqual(throttle([ago(10), ago(20), ago(30), ago(40)], now), { allowed: true });
    assert.deepEqual(throttle([ago(10), ago(20), ago(30), ago(40), ago(50)], now), { allowed: false, retryAfterSeconds: 15 * 60 - 50 });
  });

  it('forgets failures older than the window', () => {
    const old = ago(WINDOW_MS / 1000);
    assert.deepEqual(throttle([old, old, old, ago(1), ago(2)], now), { allowed: true });
  });

  it('waits until enough failures leave the window, whatever their order', () => {
    // Seven failures: the attempt is possible once only four remain, i.e. when the one 600 s old leaves.
    const failures = [ago(100), ago(700), ago(200), ago(300), ago(800), ago(50), ago(600)];
    assert.deepEqual(throttle(failures, now), { allowed: false, retryAfterSeconds: 900 - 600 });
    assert.equal(throttle(failures, new Date(now.getTime() + 299_000)).allowed, false);
    assert.deepEqual(throttle(failures, new Date(now.getTime() + 300_000)), { allowed: true });
  });

  it('never answers less than one second', () => {
    const edge = new Date(now.getTime() - WINDOW_MS + 10);
    assert.deepEqual(throttle([edge, ago(1), ago(2), ago(3), ago(4)], now), { allowed: false, retryAfterSeconds: 1 });
  });

  it('takes the stricter of the login and the client decisions', () => {
    assert.deepEqual(stricter({ allowed: true }, { allowed: true }), { allowed: true });
    assert.deepEqual(stricter({ allowed: true }, { allowed: false, retryAfterSeconds: 5 }), { allowed: false, retryAfterSeconds: 5 });
    assert.deepEqual(stricter({ allowed: false, retryAfterSeconds: 9 }, { allowed: false, retryAfterSeconds: 5 }), { allowed: false, retryAfterSeconds: 9 });
  });
});
