import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import { negotiate, publishDataset, startTransferNode, trustEachOther, type TransferNode } from './testing/transfer-nodes.js';

const clock = new ManualClock(new Date());
const e = encodeURIComponent;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

forEachEngine('DSP transfers between two nodes (real data plane, usage and receipts)', (engine) => {
  let p: TransferNode;
  let c: TransferNode;
  let dir: string;
  let content: Buffer;
  let offer: { datasetId: string; offerId: string };
  let agreementId: string;
  const view = async (n: TransferNode, id: string) => (await n.api('GET', `/api/v1/transfers/${e(id)}`)).body;
  const until = (n: TransferNode, id: string, state: string) =>
    pollUntil(async () => {
      const v = await view(n, id);
      return v?.state === state ? v : undefined;
    }, { what: `${n.name}: ${id} ${state}`, timeoutMs: 15_000 });
  const start = (body: object) => c.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PULL', ...body });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-transfer-'));
    content = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`).join(''));
    writeFileSync(join(dir, 'source.txt'), content);
    [p, c] = await startAll([startTransferNode('provider', engine, clock), startTransferNode('consumer', engine, clock)]);
    await trustEachOther([p, c]);
    offer = await publishDataset(p, [{ format: 'HttpData-PULL', mediaType: 'text/plain', source: { type: 'file', path: join(dir, 'source.txt') } }]);
    agreementId = await negotiate(c, p, offer);
  });
  after(async () => {
    for (const n of [p, c]) await n?.close();
  });

  it('pull: the consumer\'s systems read the data address; the provider completes, both sides agree, receipts follow', async () => {
    const made = await start({});
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const cv = await until(c, made.body.id, 'STARTED');
    const address = (await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).body;
    assert.equal(address['@type'], 'DataAddress');
    const token = address.endpointProperties.find((x: { name: string }) => x.name === 'authorization').value;
    const res = await fetch(address.endpoint, { signal: AbortSignal.timeout(10_000), headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(content));
    const pv = await until(p, cv.providerPid, 'COMPLETED');
    assert.deepEqual([pv.bytes, pv.sha256], [content.length, sha(content)]);
    await until(c, cv.id, 'COMPLETED');
    const again = await fetch(address.endpoint, { signal: AbortSignal.timeout(10_000), headers: { authorization: `Bearer ${token}` } });
    assert.equal(again.status, 410, 'a completed transfer serves nothing more');
    assert.equal((await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).status, 409);
  });

  it('pull into a file destination: the consumer node stores it, completes, and both sides measured the same bytes', async () => {
    const target = join(dir, 'copy.txt');
    const made = await start({ dataDestination: { type: 'file', path: target } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const cv = await until(c, made.body.id, 'COMPLETED');
    assert.equal(sha(readFileSync(target)), sha(content));
    assert.deepEqual([cv.bytes, cv.sha256], [content.length, sha(content)]);
    const pv = await until(p, cv.providerPid, 'COMPLETED');
    assert.equal(pv.sha256, sha(content));
    // Both nodes hold the receipt signed by both, each with its measurement.
    for (const [n, id] of [[p, pv.id], [c, cv.id]] as const) {
      const r = await pollUntil(async () => {
        const x = await n.receipts.get(id);
        return x?.status === 'countersigned' ? x : undefined;
      }, { what: `${n.name}: countersigned receipt` });
      assert.ok(r.providerSignature && r.consumerSignature);
    }
  });

  it('push into a file destination: the provider pushes, completes, and the consumer holds the data', async () => {
    const target = join(dir, 'pushed.txt');
    const made = await start({ format: 'HttpData-PUSH', dataDestination: { type: 'file', path: target } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const cv = await until(c, made.body.id, 'COMPLETED');
    assert.equal(sha(readFileSync(target)), sha(content));
    await until(p, cv.providerPid, 'COMPLETED');
  });

  it('suspend, resume with a fresh data address, and terminate with a reason code, from the consumer', async () => {
    const cv = await until(c, (await start({})).body.id, 'STARTED');
    const first = (await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).body;
    assert.equal((await c.api('POST', `/api/v1/transfers/${e(cv.id)}/suspend`, { reason: 'maintenance' })).body.state, 'SUSPENDED');
    await until(p, cv.providerPid, 'SUSPENDED');
    const token = (a: { endpointProperties: Array<{ name: string; value: string }> }) => a.endpointProperties.find((x) => x.name === 'authorization')!.value;
    assert.equal((await fetch(first.endpoint, { signal: AbortSignal.timeout(10_000), headers: { authorization: `Bearer ${token(first)}` } })).status, 409, 'nothing is served while suspended');
    assert.equal((await c.api('POST', `/api/v1/transfers/${e(cv.id)}/resume`, {})).body.state, 'STARTED');
    const fresh = await pollUntil(async () => {
      const a = (await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).body;
      return a && token(a) !== token(first) ? a : undefined;
    }, { what: 'a fresh data address' });
    assert.equal((await until(p, cv.providerPid, 'STARTED')).state, 'STARTED');
    const t = await c.api('POST', `/api/v1/transfers/${e(cv.id)}/terminate`, { code: 'dases:no-longer-needed', reason: 'done with it' });
    assert.equal(t.body.state, 'TERMINATED');
    const pv = await until(p, cv.providerPid, 'TERMINATED');
    assert.deepEqual([pv.code, pv.reason], ['dases:no-longer-needed', 'done with it']);
    assert.equal((await fetch(fresh.endpoint, { signal: AbortSignal.timeout(10_000), headers: { authorization: `Bearer ${token(fresh)}` } })).status, 410);
  });

  it('one call: negotiates or reuses the agreement, transfers and streams the data back', async () => {
    const r = await c.api('POST', '/api/v1/transfers/fetch', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, datasetId: offer.datasetId });
    assert.equal(r.status, 200, r.raw.slice(0, 500));
    assert.equal(sha(r.raw), sha(content));
    const id = String(r.headers['x-dases-transfer-id']);
    assert.equal(r.headers['x-dases-agreement-id'], agreementId, 'the existing agreement was reused');
    await until(c, id, 'COMPLETED');
    const stored = await c.api('POST', '/api/v1/transfers/fetch', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, datasetId: offer.datasetId, dataDestination: { type: 'file', path: join(dir, 'one-call.txt') } });
    assert.equal(stored.status, 200, stored.raw);
    assert.deepEqual([stored.body.state, stored.body.bytes, stored.body.sha256], ['COMPLETED', content.length, sha(content)]);
  });

  it('the provider suspends and resumes (a fresh address reaches the consumer), then terminates; the consumer follows', async () => {
    const cv = await until(c, (await start({})).body.id, 'STARTED');
    const first = (await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).body;
    assert.equal((await p.api('POST', `/api/v1/transfers/${e(cv.providerPid)}/suspend`, { reason: 'backend maintenance' })).body.state, 'SUSPENDED');
    await until(c, cv.id, 'SUSPENDED');
    assert.equal((await p.api('POST', `/api/v1/transfers/${e(cv.providerPid)}/resume`, {})).body.state, 'STARTED');
    await until(c, cv.id, 'STARTED');
    const fresh = (await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).body;
    assert.notDeepEqual(fresh.endpointProperties, first.endpointProperties, 'a new token');
    assert.equal((await p.api('POST', `/api/v1/transfers/${e(cv.providerPid)}/terminate`, { reason: 'offer withdrawn' })).body.code, 'dases:terminated-by-operator');
    const ended = await until(c, cv.id, 'TERMINATED');
    assert.deepEqual([ended.code, ended.reason], ['dases:terminated-by-operator', 'offer withdrawn']);
  });

  it('one call negotiates when no agreement exists, and names the failing step otherwise', async () => {
    const second = await publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'file', path: join(dir, 'source.txt') } }]);
    const r = await c.api('POST', '/api/v1/transfers/fetch', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, datasetId: second.datasetId, timeoutS: 20 });
    assert.equal(r.status, 200, r.raw.slice(0, 500));
    assert.equal(sha(r.raw), sha(content));
    const negotiated = String(r.headers['x-dases-agreement-id']);
    assert.notEqual(negotiated, agreementId);
    assert.equal((await c.negotiation.agreement(negotiated))?.datasetId, second.datasetId);
    const missing = await c.api('POST', '/api/v1/transfers/fetch', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, datasetId: 'urn:uuid:00000000-0000-4000-8000-000000000000' });
    assert.deepEqual([missing.status, missing.body.code, missing.body.errors[0].path], [422, 'DS_TRANSFER_OFFER_NOT_FOUND', '/body/datasetId'], missing.raw);
    assert.match(missing.body.detail, /^catalog: /, missing.raw);
  });
});
