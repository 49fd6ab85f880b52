import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createNotifier } from './change-notifier.js';

it('wakes a waiter on a change and returns once the condition holds', async () => {
  const n = createNotifier({ recheckMs: 60_000 });
  let state = 'REQUESTED';
  let reads = 0;
  const load = async () => (reads++, state);
  const waiting = n.waitUntil('a', load, (s) => s === 'FINALIZED', 10_000);
  await new Promise((r) => setTimeout(r, 5));
  n.changed('b');
  state = 'AGREED';
  n.changed('a');
  await new Promise((r) => setTimeout(r, 5));
  state = 'FINALIZED';
  n.changed('a');
  const t = Date.now();
  assert.equal(await waiting, 'FINALIZED');
  assert.ok(Date.now() - t < 1000, 'woken, not timed out');
  assert.equal(reads, 3, 'one read at first, one per change of its own negotiation');
});

it('uses the value a change pushes instead of reading again', async () => {
  const n = createNotifier({ recheckMs: 60_000 });
  let reads = 0;
  const waiting = n.waitUntil('a', async () => (reads++, 'REQUESTED'), (s) => s === 'FINALIZED', 10_000);
  await new Promise((r) => setTimeout(r, 5));
  n.changed('a', 'AGREED');
  await new Promise((r) => setTimeout(r, 5));
  n.changed('a', 'FINALIZED');
  assert.equal(await waiting, 'FINALIZED');
  assert.equal(reads, 1);
});

it('does not miss a change made while it was reading', async () => {
  const n = createNotifier({ recheckMs: 60_000 });
  let state = 'REQUESTED';
  let first = true;
  const load = async () => {
    const s = state;
    if (first) {
      first = false;
      state = 'FINALIZED';
      n.changed('a');
    }
    return s;
  };
  const t = Date.now();
  assert.equal(await n.waitUntil('a', load, (s) => s === 'FINALIZED', 10_000), 'FINALIZED');
  assert.ok(Date.now() - t < 1000);
});

it('returns the last state read when the timeout passes, re-reading meanwhile, and everything on close', async () => {
  const n = createNotifier({ recheckMs: 20 });
  let reads = 0;
  assert.equal(await n.waitUntil('a', async () => (reads++, 'OFFERED'), (s) => s === 'FINALIZED', 100), 'OFFERED');
  assert.ok(reads >= 3, `re-read on its own (${reads})`);
  const slow = createNotifier({ recheckMs: 60_000 });
  const waiting = slow.waitUntil('a', async () => 'OFFERED', () => false, 60_000);
  setTimeout(() => slow.close(), 10);
  assert.equal(await waiting, 'OFFERED');
});
