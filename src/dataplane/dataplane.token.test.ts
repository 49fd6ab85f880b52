import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../../test/support/poll.js';
import { AppError } from '../kernel/index.js';
import { startPlane, testSigner, type TestPlane } from './testing/dataplane-test-kit.js';

const CONSUMER = 'did:web:consumer.example';

/** Every way a transfer token can be wrong is a 401 problem+json; a good token still passes the gate on each request. */
describe('data plane transfer tokens', () => {
  let p: TestPlane;
  let file: string;
  const tokenOf = async (transferId: string, consumerDid = CONSUMER) => (await p.plane.issuePullAddress({ transferId, consumerDid })).endpointProperties.find((e) => e.name === 'authorization')!.value;
  const get = (transferId: string, authorization?: string) => fetch(`${p.url}/dataplane/pull/${transferId}`, { headers: authorization ? { authorization } : {} });
  const problem = async (res: Response, status: number, code: string) => {
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = (await res.json()) as { code: string; errors?: Array<{ path: string }> };
    assert.equal(body.code, code);
    return body;
  };

  before(async () => {
    p = await startPlane('provider');
    file = join(mkdtempSync(join(tmpdir(), 'dp-token-')), 'data.txt');
    writeFileSync(file, 'hello data space\n');
    p.gate.pulls.set('t1', { consumer: CONSUMER, source: { type: 'file', path: file }, finite: true });
    p.gate.pulls.set('t2', { consumer: CONSUMER, source: { type: 'file', path: file }, finite: true });
  });
  after(() => p.close());

  it('issues a DSP DataAddress whose token lets the consumer read, and reports the stream as complete', async () => {
    const address = await p.plane.issuePullAddress({ transferId: 't1', consumerDid: CONSUMER });
    assert.deepEqual([address['@type'], address.endpointType, address.endpoint], ['DataAddress', 'https://w3id.org/idsa/v4.1/HTTP', `${p.url}/dataplane/pull/t1`]);
    assert.deepEqual(address.endpointProperties.map((e) => e.name), ['authorization', 'authType']);
    const res = await get('t1', `Bearer ${address.endpointProperties[0]!.value}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello data space\n');
    const ended = await pollUntil(async () => p.gate.ended.find((e) => e.transferId === 't1'));
    assert.deepEqual([ended?.side, ended?.m.bytes, ended?.m.complete], ['provider', 17, true]);
  });

  it('passes the agreement a token names to the gate, and none for a token that names none', async () => {
    const named = await p.plane.issuePullAddress({ transferId: 't2', consumerDid: CONSUMER, agreementId: 'urn:uuid:agreement-2' });
    const before = p.gate.agreementHints.length;
    assert.equal((await get('t2', `Bearer ${named.endpointProperties[0]!.value}`)).status, 200);
    assert.equal((await get('t2', `Bearer ${await tokenOf('t2')}`)).status, 200);
    assert.deepEqual(p.gate.agreementHints.slice(before), ['urn:uuid:agreement-2', undefined]);
  });

  it('answers 401 without a token, with a malformed one, an expired one, a foreign one, and one for another transfer', async () => {
    await problem(await get('t1'), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    await problem(await get('t1', 'Basic abc'), 401, 'DS_AUTH_INVALID_TOKEN');
    await problem(await get('t1', 'Bearer not.a.jwt'), 401, 'DS_AUTH_INVALID_TOKEN');
    const good = await tokenOf('t1');
    const [h, body] = good.split('.');
    await problem(await get('t1', `Bearer ${h}.${body}.${'A'.repeat(86)}`), 401, 'DS_AUTH_INVALID_TOKEN');
    await problem(await get('t2', `Bearer ${good}`), 401, 'DS_DATAPLANE_TOKEN_MISMATCH');
    // A token another node issued for itself (its own audience) is not valid here, even with our claims copied.
    const other = await testSigner('did:web:other.example');
    const foreign = await other.sign({ iss: 'did:web:other.example', aud: 'did:web:other.example', sub: CONSUMER, tid: 't1', use: 'pull', iat: 1, exp: 4_000_000_000 }, 'JWT');
    const body401 = await problem(await get('t1', `Bearer ${foreign}`), 401, 'DS_AUTH_WRONG_AUDIENCE');
    assert.equal(body401.errors?.[0]?.path, '/headers/authorization');
    // Our key id in the header, another key's signature: the signature does not verify.
    const forged = await other.sign({ iss: p.did, aud: p.did, sub: CONSUMER, tid: 't1', use: 'pull', iat: 1, exp: 4_000_000_000 }, 'JWT');
    const ourKid = (await p.signer.publicKey()).kid;
    const [, fBody, fSig] = forged.split('.');
    const fHeader = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: ourKid })).toString('base64url');
    await problem(await get('t1', `Bearer ${fHeader}.${fBody}.${fSig}`), 401, 'DS_AUTH_INVALID_TOKEN');
    // A push token (issued to a provider) cannot be used to read.
    const push = (await p.plane.issuePushAddress({ transferId: 't1', providerDid: CONSUMER })).endpointProperties[0]!.value;
    await problem(await get('t1', `Bearer ${push}`), 401, 'DS_DATAPLANE_TOKEN_MISMATCH');
    // The push route checks the same way: no token, and a pull token offered for a push.
    const put = (authorization?: string) => fetch(`${p.url}/dataplane/push/t1`, { method: 'PUT', headers: { 'content-type': 'text/plain', ...(authorization ? { authorization } : {}) }, body: 'x' });
    await problem(await put(), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    await problem(await put(`Bearer ${good}`), 401, 'DS_DATAPLANE_TOKEN_MISMATCH');
    p.clock.advance(301_000);
    await problem(await get('t1', `Bearer ${good}`), 401, 'DS_AUTH_TOKEN_EXPIRED');
    p.clock.advance(-301_000);
    assert.equal((await get('t1', `Bearer ${good}`)).status, 200);
  });

  it('asks the gate on every request: the consumer named in the token, and a denial on the next request', async () => {
    const stranger = await tokenOf('t1', 'did:web:stranger.example');
    await problem(await get('t1', `Bearer ${stranger}`), 401, 'DS_AUTH_WRONG_AUDIENCE');
    const token = `Bearer ${await tokenOf('t1')}`;
    const before = p.gate.requests;
    assert.equal((await get('t1', token)).status, 200);
    const head = await fetch(`${p.url}/dataplane/pull/t1`, { method: 'HEAD', headers: { authorization: token } });
    assert.equal(head.status, 200);
    p.gate.denial = new AppError('DS_CONTRACT_NOT_ACTIVE', 'the contract was revoked');
    await problem(await get('t1', token), 409, 'DS_CONTRACT_NOT_ACTIVE');
    assert.equal((await fetch(`${p.url}/dataplane/pull/t1`, { method: 'HEAD', headers: { authorization: token } })).status, 409);
    p.gate.denial = undefined;
    assert.equal(p.gate.requests - before, 4);
  });
});
