import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Measurement } from './app/ports.js';
import { startPlane } from './testing/dataplane-test-kit.js';

it('shutdown waits for the bookkeeping of a stream that ended as the server closed', async () => {
  const plane = await startPlane('closing');
  const file = join(mkdtempSync(join(tmpdir(), 'dp-close-')), 'data.txt');
  writeFileSync(file, 'all of it');
  plane.gate.pulls.set('closing', { consumer: 'did:web:reader.example', source: { type: 'file', path: file }, finite: true });
  // The transfer context records the end in the database, which takes a while: here, 300 ms.
  const record = plane.gate.streamEnded.bind(plane.gate);
  plane.gate.streamEnded = async (transferId: string, side: 'provider' | 'consumer', m: Measurement) => {
    await new Promise((r) => setTimeout(r, 300));
    await record(transferId, side, m);
  };
  const address = await plane.plane.issuePullAddress({ transferId: 'closing', consumerDid: 'did:web:reader.example' });
  const res = await fetch(address.endpoint, { headers: { authorization: `Bearer ${address.endpointProperties[0]!.value}`, connection: 'close' } });
  assert.equal(await res.text(), 'all of it');
  await plane.close();
  assert.deepEqual(
    plane.gate.ended.map((e) => [e.transferId, e.side, e.m.complete, e.m.bytes]),
    [['closing', 'provider', true, 9]],
    'recorded before the database closed',
  );
});
