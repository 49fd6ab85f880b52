import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startAll } from './start-all.js';

describe('startAll', () => {
  it('returns every started thing in order', async () => {
    const [a, b] = await startAll([Promise.resolve('a'), Promise.resolve(2)]);
    assert.deepEqual([a, b], ['a', 2]);
  });

  it('closes what started when another fails to, then rethrows its error', async () => {
    const closed: string[] = [];
    const thing = (name: string) => ({ name, close: async () => void closed.push(name) });
    await assert.rejects(startAll([Promise.resolve(thing('a')), Promise.reject(new Error('EADDRINUSE')), Promise.resolve(thing('c'))]), /EADDRINUSE/);
    assert.deepEqual(closed.sort(), ['a', 'c']);
  });

  it('uses the given close function, and still rethrows the start error when a close fails', async () => {
    const closed: number[] = [];
    await assert.rejects(startAll([Promise.resolve(1), Promise.resolve(2), Promise.reject(new Error('no'))], (n) => {
      closed.push(n as number);
      if (n === 1) throw new Error('close failed');
    }), /^Error: no$/);
    assert.deepEqual(closed, [1, 2]);
  });
});
