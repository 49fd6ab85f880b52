import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advance, pidsOf, start, type NewTransfer } from './transfer.js';
import { isFinite, pickDistribution } from './transfer.types.js';
import { codeMessage, kindOfBody, messageUrl, reasonText, requestMessage } from './transfer.wire.js';

const at = new Date('2026-02-01T08:00:00.000Z');
const fields: NewTransfer = { id: 'urn:uuid:c1', role: 'consumer', counterpartyDid: 'did:web:p', counterpartyAddress: 'https://p.example/dsp/', agreementId: 'urn:uuid:a1', datasetId: 'urn:uuid:d1', format: 'HttpData-PULL', finite: true };

describe('transfer record', () => {
  it('starts with a request, advances with history, and names both pids once the provider is known', () => {
    const s = start(fields, { at, direction: 'out', by: 'operator' });
    assert.ok(s.ok);
    assert.deepEqual([s.value.state, s.value.version, s.value.delivery, s.value.jobRuns], ['REQUESTED', 1, 'direct', 0]);
    assert.deepEqual(pidsOf(s.value), { providerPid: '', consumerPid: 'urn:uuid:c1' });
    assert.equal(start({ ...fields, role: 'provider' }, { at, direction: 'out' }).ok, false, 'a provider does not request');
    const started = advance(s.value, 'start', { at, direction: 'in' }, { counterpartyPid: 'urn:uuid:p1' });
    assert.ok(started.ok);
    assert.deepEqual(started.value.history.map((h) => [h.state, h.message, h.direction]), [['REQUESTED', 'TransferRequestMessage', 'out'], ['STARTED', 'TransferStartMessage', 'in']]);
    assert.deepEqual(pidsOf(started.value), { providerPid: 'urn:uuid:p1', consumerPid: 'urn:uuid:c1' });
    const wrong = advance(s.value, 'start', { at, direction: 'out' });
    assert.ok(!wrong.ok && /sent by the provider/.test(wrong.error.why), 'a consumer does not start a requested transfer');
  });

  it('addresses messages per the HTTPS binding, whatever the trailing slash', () => {
    assert.equal(messageUrl('request', 'https://p.example/dsp/', undefined), 'https://p.example/dsp/transfers/request');
    const urls = (['start', 'suspension', 'completion', 'termination'] as const).map((k) => messageUrl(k, 'https://c.example/dsp', 'urn:uuid:x'));
    assert.deepEqual(urls, ['start', 'suspension', 'completion', 'termination'].map((p) => `https://c.example/dsp/transfers/urn%3Auuid%3Ax/${p}`));
    assert.throws(() => messageUrl('start', 'https://c.example/dsp', undefined));
  });

  it('recognises the messages it sent and reads reasons', () => {
    assert.equal(kindOfBody(requestMessage({ consumerPid: 'c', agreementId: 'a', format: 'HttpData-PULL', callbackAddress: 'https://c' })), 'request');
    assert.equal(kindOfBody(codeMessage('suspension', { providerPid: 'p', consumerPid: 'c' }, 'x', 'y')), 'suspension');
    assert.equal(kindOfBody({ '@type': 'Catalog' }), undefined);
    assert.equal(reasonText(['a', { b: 1 }]), 'a; {"b":1}');
    assert.equal(reasonText([]), undefined);
  });

  it('picks the distribution declared with the format, else the first, and knows finite from API sources', () => {
    const file = { format: 'application/json', source: { type: 'file' as const, path: '/x' } };
    const push = { format: 'HttpData-PUSH', source: { type: 'sql' as const, connection: 'c', query: 'select 1' } };
    assert.equal(pickDistribution([file, push], 'HttpData-PUSH'), push);
    assert.equal(pickDistribution([file, push], 'HttpData-PULL'), file);
    assert.equal(pickDistribution([], 'HttpData-PULL'), undefined);
    assert.equal(isFinite(file.source), true);
    assert.equal(isFinite({ type: 'rest', url: 'https://x', api: true }), false);
    assert.equal(isFinite({ type: 'rest', url: 'https://x' }), true);
  });
});
