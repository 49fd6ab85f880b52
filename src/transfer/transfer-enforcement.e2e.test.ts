import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import { negotiate, publishDataset, startTransferNode, trustEachOther, type TransferNode } from './testing/transfer-nodes.js';

const clock = new ManualClock(new Date());
const e = encodeURIComponent;
const once = { '@type': 'Offer', permission: [{ action: 'use', constraint: [{ leftOperand: 'count', operator: 'lteq', rightOperand: '1' }] }] };

forEachEngine('transfer enforcement: usage denials, the policy monitor, the gate', (engine) => {
  let p: TransferNode;
  let c: TransferNode;
  let api: Server;
  let apiUrl: string;
  const view = async (n: TransferNode, id: string) => (await n.api('GET', `/api/v1/transfers/${e(id)}`)).body;
  const until = (n: TransferNode, id: string, state: string) =>
    pollUntil(async () => {
      const v = await view(n, id);
      return v?.state === state ? v : undefined;
    }, { what: `${n.name}: ${id} ${state}`, timeoutMs: 15_000 });
  const start = (agreementId: string, body: object = {}) => c.api('POST', '/api/v1/transfers', { agreementId, counterPartyAddress: `${p.url}/dsp`, counterPartyId: p.did, format: 'HttpData-PULL', ...body });
  const token = (a: { endpointProperties: Array<{ name: string; value: string }> }) => a.endpointProperties.find((x) => x.name === 'authorization')!.value;

  before(async () => {
    api = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url })));
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    [p, c] = await startAll([startTransferNode('provider', engine, clock), startTransferNode('consumer', engine, clock)]);
    await trustEachOther([p, c]);
  });
  after(async () => {
    for (const n of [p, c]) await n?.close();
    await new Promise((r) => api.close(r));
  });

  it('a count-limited agreement allows one transfer; the next request is refused and ends TERMINATED with the reason', async () => {
    const offer = await publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'rest', url: `${apiUrl}/once` } }], once);
    const agreementId = await negotiate(c, p, offer);
    const first = await start(agreementId);
    await until(c, first.body.id, 'STARTED');
    const second = await start(agreementId);
    assert.equal(second.status, 201, 'the request itself is accepted; the provider refuses it');
    const refused = await until(c, second.body.id, 'TERMINATED');
    assert.ok(refused.code && refused.code.startsWith('DS_'), JSON.stringify(refused));
    assert.ok(refused.reason.length > 0);
    assert.equal(await p.usage.usesOf(agreementId), 1);
    assert.equal((await p.api('GET', `/api/v1/transfers?agreementId=${e(agreementId)}`)).body.total, 1, 'the refused request left nothing on the provider');
  });

  it('revoking the contract stops a running API transfer within a second and refuses the next one', async () => {
    const offer = await publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'rest', url: apiUrl, api: true } }]);
    const agreementId = await negotiate(c, p, offer);
    const cv = await until(c, (await start(agreementId)).body.id, 'STARTED');
    const address = (await c.api('GET', `/api/v1/transfers/${e(cv.id)}/data-address`)).body;
    const read = (path = '') => fetch(`${address.endpoint}${path}`, { signal: AbortSignal.timeout(10_000), headers: { authorization: `Bearer ${token(address)}` } });
    assert.equal((await read('/items?x=1')).status, 200);
    assert.equal((await read('/items')).status, 200, 'an API stays open after a complete answer');
    assert.equal((await view(p, cv.providerPid)).state, 'STARTED');
    const a = (await p.negotiation.agreement(agreementId))!;
    const contract = p.contracts.bilateralFromAgreement({ agreement: a.policy, providerDid: p.did, consumerDid: c.did, offerId: offer.offerId }) as { id: string };
    const revokedAt = Date.now();
    await p.contracts.revoke(contract.id, 'breach of purpose');
    const pv = await until(p, cv.providerPid, 'TERMINATED');
    assert.ok(Date.now() - revokedAt < 1500, `terminated ${Date.now() - revokedAt} ms after the revocation`);
    assert.equal(pv.code, 'dases:contract-revoked');
    assert.equal((await until(c, cv.id, 'TERMINATED')).code, 'dases:contract-revoked', 'the consumer was told');
    assert.equal((await read()).status, 410);
    const next = await start(agreementId);
    if (next.status === 201) assert.equal((await until(c, next.body.id, 'TERMINATED')).state, 'TERMINATED');
    else assert.ok([404, 409, 422].includes(next.status), JSON.stringify(next.body));
  });

  it('the gate refuses a token of another transfer and a caller that is not the consumer', async () => {
    const offer = await publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'rest', url: `${apiUrl}/gate` } }]);
    const agreementId = await negotiate(c, p, offer);
    const cv = await until(c, (await start(agreementId)).body.id, 'STARTED');
    await assert.rejects(p.transfers.gate.authorizePull(cv.providerPid, 'did:web:stranger.example'), (x: { code?: string }) => x.code === 'DS_TRANSFER_FORBIDDEN');
    await assert.rejects(p.transfers.gate.authorizePull('urn:uuid:nope', c.did), (x: { code?: string }) => x.code === 'DS_TRANSFER_FORBIDDEN');
    await assert.rejects(c.transfers.gate.authorizePush(cv.id, p.did), (x: { code?: string }) => x.code === 'DS_TRANSFER_FORBIDDEN', 'a pull receives no push');
    const ok = await p.transfers.gate.authorizePull(cv.providerPid, c.did);
    assert.deepEqual([ok.source.type, ok.finite], ['rest', true]);
  });

  it('judges a pull by the agreement of the transfer it reads, whatever agreement the token names', async () => {
    // Two finite transfers (checked on each request, not by the monitor), one of them under a revoked contract.
    const offers = await Promise.all(['kept', 'revoked'].map((path) => publishDataset(p, [{ format: 'HttpData-PULL', source: { type: 'rest', url: `${apiUrl}/${path}` } }])));
    const [kept, revoked] = await Promise.all(offers.map((o) => negotiate(c, p, o)));
    const [tk, tr] = await Promise.all([kept!, revoked!].map(async (a) => until(c, (await start(a)).body.id, 'STARTED')));
    const token = await c.api('GET', `/api/v1/transfers/${e(tk.id)}/data-address`);
    const claims = JSON.parse(Buffer.from(String(token.body.endpointProperties[0].value).split('.')[1] ?? '', 'base64url').toString()) as { agr?: string };
    assert.equal(claims.agr, kept, 'the pull token names the transfer\'s agreement');
    const a = (await p.negotiation.agreement(revoked!))!;
    const contract = p.contracts.bilateralFromAgreement({ agreement: a.policy, providerDid: p.did, consumerDid: c.did, offerId: offers[1]!.offerId }) as { id: string };
    await p.contracts.revoke(contract.id, 'ended early');
    const ok = await p.transfers.gate.authorizePull(tk.providerPid, c.did, revoked);
    assert.equal(ok.source.type, 'rest', 'a revoked agreement named by the token does not refuse a transfer under an active one');
    await assert.rejects(p.transfers.gate.authorizePull(tr.providerPid, c.did, kept), (x: { code?: string }) => /CONTRACT/.test(x.code ?? ''), 'an active agreement named by the token does not admit a transfer under a revoked one');
    assert.equal((await until(p, tr.providerPid, 'TERMINATED')).code, 'dases:contract-revoked');
  });
});
