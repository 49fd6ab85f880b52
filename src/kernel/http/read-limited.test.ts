import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readLimited } from './read-limited.js';

const tooLarge = () => new Error('too large');

const streamOf = (chunks: number, size: number) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < chunks; i++) c.enqueue(new Uint8Array(size).fill(97));
      c.close();
    },
  });

it('returns a body within the limit', async () => {
  assert.equal(await readLimited(new Response('héllo'), 100, tooLarge), 'héllo');
});

it('refuses a body whose declared length exceeds the limit without reading it', async () => {
  const res = new Response(streamOf(1, 10), { headers: { 'content-length': '5000' } });
  await assert.rejects(readLimited(res, 1000, tooLarge), /too large/);
});

it('stops reading a streamed body once it passes the limit', async () => {
  await assert.rejects(readLimited(new Response(streamOf(50, 100)), 1000, tooLarge), /too large/);
  assert.equal((await readLimited(new Response(streamOf(10, 100)), 1000, tooLarge)).length, 1000);
});
