import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import { transferMessages } from './index.js';
import { dspCall, negotiate, publishDataset, startTransferNode, trustEachOther, type TransferNode } from './testing/transfer-nodes.js';

/**
 * The HTTP surface of the transfer context: bad input is a 4xx problem naming the field, management routes need a
 * key with the right scope, protocol routes a token of an active participant, and a transfer is only its
 * counterparty's (404 for anybody else, as the binding asks).
 */
describe('transfer routes: bad input and authorisation', () => {
  const clock = new ManualClock(new Date());
  let p: TransferNode;
  let c: TransferNode;
  let x: TransferNode;
  let agreementId: string;
  const keys: Record<string, string> = {};
  const ours = (n: TransferNode) => n.routes.filter((r) => /\/transfers/.test(r.url) && !/receipt/.test(r.url));
  const path = (url: string) => url.replace(/:[A-Za-z]+/g, 'urn:uuid:00000000-0000-4000-8000-000000000000');
  const body = () => ({ agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PULL' });
  const paths = (r: { body: { errors?: Array<{ path: string }> } }) => (r.body.errors ?? []).map((e) => e.path);

  before(async () => {
    [p, c, x] = await startAll([startTransferNode('provider', 'pglite', clock), startTransferNode('consumer', 'pglite', clock), startTransferNode('xavier', 'pglite', clock)]);
    await trustEachOther([p, c, x]);
    const offer = await publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'file', path: '/etc/hostname' } }]);
    agreementId = await negotiate(c, p, offer);
    for (const scope of ['read', 'write'] as const) keys[scope] = (await c.api('POST', '/api/v1/keys', { name: scope, scopes: [scope] })).body.key;
  });
  after(async () => {
    for (const n of [p, c, x]) await n?.close();
  });

  it('declares the expected routes', () => {
    const table = ours(c).map((r) => `${r.method} ${r.url} ${typeof r.auth === 'string' ? r.auth : 'management' in r.auth ? r.auth.management : r.auth.lrs}`).sort();
    assert.deepEqual(table, [
      'GET /api/v1/transfers read',
      'GET /api/v1/transfers/:id read',
      'GET /api/v1/transfers/:id/data-address read',
      'GET /dsp/transfers/:pid dsp',
      'POST /api/v1/transfers write',
      'POST /api/v1/transfers/:id/resume write',
      'POST /api/v1/transfers/:id/suspend write',
      'POST /api/v1/transfers/:id/terminate write',
      'POST /api/v1/transfers/fetch write',
      'POST /dsp/transfers/:pid/completion dsp',
      'POST /dsp/transfers/:pid/start dsp',
      'POST /dsp/transfers/:pid/suspension dsp',
      'POST /dsp/transfers/:pid/termination dsp',
      'POST /dsp/transfers/request dsp',
    ]);
  });

  it('refuses management routes without a key (401), with an unknown key (401) and with too weak a scope (403)', async () => {
    for (const r of ours(c).filter((y) => typeof y.auth === 'object')) {
      const inject = (headers: Record<string, string>) => c.app.inject({ method: r.method as 'GET', url: path(r.url), headers: { ...headers, ...(r.method === 'POST' ? { 'content-type': 'application/json' } : {}) }, ...(r.method === 'POST' ? { payload: '{}' } : {}) });
      assert.deepEqual([(await inject({})).statusCode, (await inject({})).json().code], [401, 'DS_AUTH_MISSING_CREDENTIALS'], r.url);
      assert.equal((await inject({ 'x-api-key': 'dases_nope' })).statusCode, 401);
      const read = await inject({ 'x-api-key': keys.read! });
      if ((r.auth as { management: string }).management === 'write') assert.equal(read.statusCode, 403, r.url);
      else assert.ok(![401, 403].includes(read.statusCode), r.url);
    }
  });

  it('refuses protocol routes without a token with a TransferError naming both pids', async () => {
    for (const r of ours(c).filter((y) => y.auth === 'dsp')) {
      const res = await c.app.inject({ method: r.method as 'GET', url: path(r.url), ...(r.method === 'POST' ? { payload: {} } : {}) });
      assert.equal(res.statusCode, 401, r.url);
      assert.deepEqual(transferMessages.validateTransferError(res.json()), [], `${r.url}: ${res.body}`);
    }
  });

  it('names the offending field of a bad transfer request', async () => {
    const cases: Array<[object, number, string]> = [
      [{ ...body(), format: 'FTP' }, 400, '/body/format'],
      [{ ...body(), agreementId: undefined }, 400, '/body/agreementId'],
      [{ ...body(), extra: 1 }, 400, '/body/extra'],
      [{ ...body(), counterPartyAddress: 'ftp://x' }, 400, '/body/counterPartyAddress'],
      [{ ...body(), counterPartyId: 'did:web:unknown.example' }, 422, '/body/counterPartyId'],
      [{ ...body(), agreementId: 'urn:uuid:unknown' }, 404, '/body/agreementId'],
      [{ ...body(), format: 'HttpData-PUSH' }, 400, '/body/dataDestination'],
      [{ ...body(), dataDestination: { type: 'ftp' } }, 400, '/body/dataDestination/type'],
    ];
    for (const [b, status, field] of cases) {
      const r = await c.api('POST', '/api/v1/transfers', b);
      assert.equal(r.status, status, `${field}: ${r.raw}`);
      assert.ok(paths(r).some((p0) => p0.startsWith(field)), `${field}: ${r.raw}`);
    }
    const none = await c.api('GET', '/api/v1/transfers/urn:uuid:nope');
    assert.deepEqual([none.status, none.body.code, paths(none)], [404, 'DS_TRANSFER_NOT_FOUND', ['/params/id']]);
    assert.equal((await c.api('POST', '/api/v1/transfers/urn:uuid:nope/terminate', {})).status, 404);
    const fetchBad = await c.api('POST', '/api/v1/transfers/fetch', { counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, timeoutS: 0 });
    assert.equal(fetchBad.status, 400);
    assert.ok(paths(fetchBad).includes('/body/datasetId') && paths(fetchBad).includes('/body/timeoutS'), fetchBad.raw);
  });

  it('refuses an operator action the state does not allow (409) and a data address before the start', async () => {
    const made = await c.api('POST', '/api/v1/transfers', body());
    const id = made.body.id as string;
    const resume = await c.api('POST', `/api/v1/transfers/${encodeURIComponent(id)}/resume`, {});
    assert.deepEqual([resume.status, resume.body.code], [409, 'DS_TRANSFER_ACTION_NOT_ALLOWED']);
    await c.api('POST', `/api/v1/transfers/${encodeURIComponent(id)}/terminate`, {});
    const address = await c.api('GET', `/api/v1/transfers/${encodeURIComponent(id)}/data-address`);
    assert.deepEqual([address.status, address.body.code], [409, 'DS_TRANSFER_NOT_STARTED']);
  });

  it('protocol: unknown agreements, foreign transfers, bad messages and illegal transitions are DSP errors', async () => {
    const request = (agreement: string, extra: object = {}) => ({ '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'], '@type': 'TransferRequestMessage', consumerPid: `urn:uuid:${crypto.randomUUID()}`, agreementId: agreement, format: 'HttpData-PULL', callbackAddress: `${x.url}/dsp`, ...extra });
    const foreign = await dspCall(x, p, 'POST', '/dsp/transfers/request', request(agreementId));
    assert.deepEqual([foreign.status, foreign.body.code, foreign.body['@type']], [404, 'DS_TRANSFER_AGREEMENT_NOT_FOUND', 'TransferError'], 'another participant cannot use our agreement with the consumer');
    const badFormat = await dspCall(c, p, 'POST', '/dsp/transfers/request', { ...request(agreementId), callbackAddress: `${c.url}/dsp`, format: 'S3' });
    assert.deepEqual([badFormat.status, badFormat.body.reason[0].length > 0], [400, true]);
    const bad = await dspCall(c, p, 'POST', '/dsp/transfers/request', { ...request(agreementId), callbackAddress: undefined });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.errors.some((e: { path: string }) => e.path === '/body/callbackAddress'));
    const ok = await dspCall(c, p, 'POST', '/dsp/transfers/request', { ...request(agreementId), callbackAddress: `${c.url}/dsp` });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual(transferMessages.validateTransferProcess(ok.body), []);
    const stray = ok.body.providerPid as string;
    assert.equal((await dspCall(x, p, 'GET', `/dsp/transfers/${encodeURIComponent(stray)}`)).status, 404, 'not the counterparty: not found');
    // The consumer node never asked for it: it refuses the start (404), and the provider terminates with that reason.
    const ended = await pollUntil(async () => {
      const v = (await p.api('GET', `/api/v1/transfers/${encodeURIComponent(stray)}`)).body;
      return v.state === 'TERMINATED' ? v : undefined;
    }, { what: 'the stray transfer terminated' });
    assert.equal(ended.code, 'DS_TRANSFER_NOT_FOUND');
    const cid = (await c.api('POST', '/api/v1/transfers', body())).body.id as string;
    const cv = await pollUntil(async () => {
      const v = (await c.api('GET', `/api/v1/transfers/${encodeURIComponent(cid)}`)).body;
      return v.state === 'STARTED' ? v : undefined;
    }, { what: 'a started transfer' });
    const pid = cv.providerPid as string;
    assert.equal((await dspCall(c, p, 'GET', `/dsp/transfers/${encodeURIComponent(pid)}`)).body.state, 'STARTED');
    const pids = { providerPid: pid, consumerPid: cid };
    const head = { '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'] };
    const start = await dspCall(c, p, 'POST', `/dsp/transfers/${encodeURIComponent(pid)}/start`, { ...head, '@type': 'TransferStartMessage', ...pids });
    assert.deepEqual([start.status, start.body.state], [200, 'STARTED'], 'a resumption of a started transfer (a redelivery) changes nothing');
    const mismatch = await dspCall(c, p, 'POST', `/dsp/transfers/${encodeURIComponent(pid)}/completion`, { ...head, '@type': 'TransferCompletionMessage', ...pids, consumerPid: 'urn:uuid:other' });
    assert.deepEqual([mismatch.status, mismatch.body.code], [400, 'DS_TRANSFER_PID_MISMATCH']);
    const done = await dspCall(c, p, 'POST', `/dsp/transfers/${encodeURIComponent(pid)}/completion`, { ...head, '@type': 'TransferCompletionMessage', ...pids });
    assert.deepEqual([done.status, done.body.state], [200, 'COMPLETED']);
    assert.equal((await dspCall(c, p, 'POST', `/dsp/transfers/${encodeURIComponent(pid)}/completion`, { ...head, '@type': 'TransferCompletionMessage', ...pids })).status, 200, 'crossing completions are idempotent');
    const late = await dspCall(c, p, 'POST', `/dsp/transfers/${encodeURIComponent(pid)}/termination`, { ...head, '@type': 'TransferTerminationMessage', ...pids, code: 'x' });
    assert.deepEqual([late.status, late.body.code, late.body.providerPid], [400, 'DS_TRANSFER_ILLEGAL_TRANSITION', pid]);
  });
});
