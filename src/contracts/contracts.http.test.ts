import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { startAll } from '../../test/support/start-all.js';
import { ManualClock } from '../kernel/index.js';
import { NOTICE_TYP, SIGNATURE_TYP } from './index.js';
import { startContractNode, trustEachOther, type ContractNode } from './testing/contract-nodes.js';

const clock = new ManualClock(new Date());
const HASH = `sha256:${'0'.repeat(64)}`;

forEachEngine('contract routes: authorisation and bad input', (engine) => {
  let a: ContractNode, b: ContractNode, c: ContractNode;
  let id: string;
  let v1: string;
  let reader: string;
  const enc = (s: string) => encodeURIComponent(s);
  const expect = (res: { status: number; body: any }, status: number, code: string, path?: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual([res.status, res.body?.code, ...(path ? [res.body?.errors?.[0]?.path] : [])], [status, code, ...(path ? [path] : [])], JSON.stringify(res.body));
  };
  /** A node-to-node call from `from` to `to`, with a fresh token. */
  const dsp = async (from: ContractNode, to: ContractNode, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${to.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await from.identity.tokens.sign(to.did)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const bilateral = { role: 'provider', offerId: 'urn:uuid:offer-1', policy: { '@type': 'Offer', permission: [{ action: 'use' }] }, purpose: 'research' };

  before(async () => {
    [a, b, c] = await startAll([startContractNode('a', engine, clock), startContractNode('b', engine, clock), startContractNode('c', engine, clock)]);
    await trustEachOther([a, b, c]);
    reader = (await a.api('POST', '/api/v1/keys', { name: 'r', scopes: ['read'] })).body.key;
    const res = await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: b.did });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ({ contractId: id, versionHash: v1 } = res.body);
    await pollUntil(async () => (await b.api('GET', `/api/v1/contracts/${enc(id)}`)).status === 200, { what: 'B to receive the proposal' });
  });
  after(async () => {
    for (const n of [a, b, c]) await n?.close();
  });

  it('refuses management routes without a key, and changes with a read-only key', async () => {
    const routes: Array<['GET' | 'POST', string, object?]> = [
      ['GET', '/api/v1/contracts'],
      ['GET', `/api/v1/contracts/${enc(id)}`],
      ['GET', `/api/v1/contracts/${enc(id)}/versions`],
      ['GET', `/api/v1/contracts/${enc(id)}/versions/${enc(v1)}`],
      ['GET', `/api/v1/contracts/${enc(id)}/file`],
      ['POST', '/api/v1/contracts', { ...bilateral, counterParty: b.did }],
      ['POST', '/api/v1/contracts/ecosystem', {}],
      ['POST', `/api/v1/contracts/${enc(id)}/sign`, { versionHash: v1 }],
      ['POST', `/api/v1/contracts/${enc(id)}/amend`, { purpose: 'x' }],
      ['POST', `/api/v1/contracts/${enc(id)}/terminate`, { reason: 'x' }],
      ['POST', `/api/v1/contracts/${enc(id)}/revoke`, { reason: 'x' }],
    ];
    for (const [method, path, body] of routes) {
      expect(await a.api(method, path, body, null), 401, 'DS_AUTH_MISSING_CREDENTIALS');
      const withReader = await a.api(method, path, body, reader);
      if (method === 'POST') expect(withReader, 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
      else assert.equal(withReader.status, 200, path);
    }
    assert.equal((await a.api('GET', `/api/v1/contracts/${enc(id)}`)).body.status, 'pending', 'nothing changed');
  });

  it('refuses protocol calls without a node token, and answers 404 to anyone who is not a party', async () => {
    const paths: Array<['GET' | 'POST', string, object?]> = [
      ['POST', '/dsp/contracts/proposals', { document: {}, signatures: [] }],
      ['GET', `/dsp/contracts/${enc(id)}`],
      ['POST', `/dsp/contracts/${enc(id)}/signatures`, { versionHash: v1, signatures: ['a.b.c.d.e.f'] }],
      ['POST', `/dsp/contracts/${enc(id)}/notices`, { notice: 'a.b.c.d.e.f' }],
    ];
    for (const [method, path, body] of paths) {
      const res = await fetch(`${a.url}${path}`, { method, ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
      const json = (await res.json()) as { code: string; '@type': string };
      assert.deepEqual([res.status, json.code, json['@type']], [401, 'DS_AUTH_MISSING_CREDENTIALS', 'ContractError'], path);
    }
    const sig = await c.identity.signer.sign({ contractId: id, versionHash: v1, signer: c.did, signedAt: clock.now().toISOString() }, SIGNATURE_TYP);
    expect(await dsp(c, a, 'GET', `/dsp/contracts/${enc(id)}`), 404, 'DS_CONTRACT_NOT_FOUND');
    expect(await dsp(c, a, 'POST', `/dsp/contracts/${enc(id)}/signatures`, { versionHash: v1, signatures: [sig] }), 404, 'DS_CONTRACT_NOT_FOUND');
    expect(await dsp(c, a, 'POST', `/dsp/contracts/${enc(id)}/notices`, { notice: sig }), 404, 'DS_CONTRACT_NOT_FOUND');
    const theirs = (await a.contracts.get(id))!.versions[0]!.document;
    expect(await dsp(c, b, 'POST', '/dsp/contracts/proposals', { document: { ...theirs, proposer: c.did }, signatures: [] }), 422, 'DS_CONTRACT_INVALID', '/body/document/proposer');
    expect(await dsp(c, b, 'POST', '/dsp/contracts/proposals', { document: theirs, signatures: [] }), 404, 'DS_CONTRACT_NOT_FOUND');
    expect(await dsp(c, a, 'GET', '/dsp/contracts/urn%3Auuid%3Anothing'), 404, 'DS_CONTRACT_NOT_FOUND');
    const file = await dsp(b, a, 'GET', `/dsp/contracts/${enc(id)}`);
    assert.deepEqual([file.status, file.body.versionHash], [200, v1], 'a party may read it');
  });

  it('answers bad management input with problem+json naming the field, and writes nothing', async () => {
    const before = (await a.api('GET', '/api/v1/contracts')).body.total;
    const entries = (await a.ledger.entries({ limit: 1000 })).length;
    expect(await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: b.did, extra: 1 }), 400, 'DS_HTTP_VALIDATION', '/body/extra');
    expect(await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: 'bob' }), 400, 'DS_HTTP_VALIDATION', '/body/counterParty');
    expect(await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: a.did }), 422, 'DS_CONTRACT_INVALID', '/body/counterParty');
    expect(await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: 'did:web:nobody.example' }), 422, 'DS_CONTRACT_PARTY_UNREACHABLE', '/body/counterParty');
    expect(await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: b.did, validUntil: '2001-01-01T00:00:00Z' }), 422, 'DS_CONTRACT_INVALID', '/body/validUntil');
    expect(await a.api('POST', '/api/v1/contracts', { ...bilateral, counterParty: b.did, policy: [] }), 400, 'DS_HTTP_VALIDATION', '/body/policy');
    const m = (did: string, role = 'member') => ({ did, role, offerings: [], policies: [] });
    const eco = { ecosystemId: 'urn:uuid:e', title: 'E', rulebookHash: HASH };
    expect(await a.api('POST', '/api/v1/contracts/ecosystem', { ...eco, members: [m(b.did), m(c.did)] }), 422, 'DS_CONTRACT_INVALID', '/body/members');
    expect(await a.api('POST', '/api/v1/contracts/ecosystem', { ...eco, members: [m(a.did), m(b.did), m(b.did)] }), 422, 'DS_CONTRACT_INVALID', '/body/members/2/did');
    expect(await a.api('POST', '/api/v1/contracts/ecosystem', { ...eco, members: [m(a.did)] }), 400, 'DS_HTTP_VALIDATION', '/body/members');
    expect(await a.api('POST', '/api/v1/contracts/ecosystem', { ...eco, members: [m(a.did), m(b.did), m('did:web:nobody.example')] }), 422, 'DS_CONTRACT_PARTY_UNREACHABLE', '/body/members/2/did');
    expect(await a.api('POST', '/api/v1/contracts/ecosystem', { ...eco, members: [m(a.did), { ...m(b.did), extra: true }] }), 400, 'DS_HTTP_VALIDATION', '/body/members/1/extra');

    const path = `/api/v1/contracts/${enc(id)}`;
    expect(await a.api('POST', `${path}/sign`, { versionHash: 'sha1:abc' }), 400, 'DS_HTTP_VALIDATION', '/body/versionHash');
    expect(await a.api('POST', `${path}/sign`, { versionHash: HASH }), 404, 'DS_CONTRACT_NOT_FOUND', '/body/versionHash');
    expect(await a.api('POST', '/api/v1/contracts/urn%3Auuid%3Anothing/sign', { versionHash: v1 }), 404, 'DS_CONTRACT_NOT_FOUND', '/params/id');
    expect(await a.api('POST', `${path}/sign`, { versionHash: v1 }), 409, 'DS_CONTRACT_ALREADY_SIGNED');
    expect(await c.api('POST', `${path}/sign`, { versionHash: v1 }), 404, 'DS_CONTRACT_NOT_FOUND', '/params/id');
    expect(await a.api('POST', `${path}/amend`, { purpose: 'other' }), 409, 'DS_CONTRACT_ILLEGAL_TRANSITION');
    expect(await a.api('POST', `${path}/terminate`, { reason: 'nothing to terminate yet' }), 409, 'DS_CONTRACT_ILLEGAL_TRANSITION');
    expect(await a.api('POST', `${path}/revoke`, {}), 400, 'DS_HTTP_VALIDATION', '/body/reason');
    expect(await a.api('GET', `${path}/file?version=nope`), 400, 'DS_HTTP_VALIDATION', '/querystring/version');
    expect(await a.api('GET', `${path}/file?version=${enc(HASH)}`), 404, 'DS_CONTRACT_NOT_FOUND', '/querystring/version');
    expect(await a.api('GET', `${path}/versions/${enc(HASH)}`), 404, 'DS_CONTRACT_NOT_FOUND', '/params/hash');
    expect(await a.api('GET', `${path}/versions/abc`), 400, 'DS_HTTP_VALIDATION', '/params/hash');
    expect(await a.api('GET', '/api/v1/contracts?status=lost'), 400, 'DS_HTTP_VALIDATION', '/querystring/status');
    assert.equal((await a.api('GET', '/api/v1/contracts')).body.total, before, 'no contract written');
    assert.equal((await a.ledger.entries({ limit: 1000 })).length, entries, 'no log entry written');
  });

  it('answers bad protocol input with a ContractError naming the field, and writes nothing', async () => {
    const doc = (await a.contracts.get(id))!.versions[0]!.document as Record<string, unknown>;
    const res = await dsp(a, b, 'POST', '/dsp/contracts/proposals', { document: { ...doc, provider: 'nobody' }, signatures: [] });
    expect(res, 422, 'DS_CONTRACT_INVALID', '/body/document/provider');
    assert.equal(res.body['@type'], 'ContractError');
    expect(await dsp(a, b, 'POST', '/dsp/contracts/proposals', { document: doc, signatures: ['not.a.jws.at.all'] }), 422, 'DS_CONTRACT_SIGNATURE_INVALID', '/body/signatures/0');
    expect(await dsp(a, b, 'POST', '/dsp/contracts/proposals', { document: doc }), 400, 'DS_HTTP_VALIDATION', '/body/signatures');
    expect(await dsp(a, b, 'POST', '/dsp/contracts/proposals', { document: { ...doc, id: 'urn:uuid:other', agreementId: 'urn:uuid:agreement' }, signatures: [] }), 422, 'DS_CONTRACT_INVALID', '/body/document/agreementId');
    const byC = await c.identity.signer.sign({ contractId: id, versionHash: v1, signer: c.did, signedAt: clock.now().toISOString() }, SIGNATURE_TYP);
    expect(await dsp(b, a, 'POST', `/dsp/contracts/${enc(id)}/signatures`, { versionHash: v1, signatures: [byC] }), 422, 'DS_CONTRACT_SIGNATURE_INVALID', '/body/signatures/0');
    const forgedByB = await c.identity.signer.sign({ contractId: id, versionHash: v1, signer: b.did, signedAt: clock.now().toISOString() }, SIGNATURE_TYP);
    expect(await dsp(b, a, 'POST', `/dsp/contracts/${enc(id)}/signatures`, { versionHash: v1, signatures: [forgedByB] }), 422, 'DS_CONTRACT_SIGNATURE_INVALID', '/body/signatures/0');
    expect(await dsp(b, a, 'POST', `/dsp/contracts/${enc(id)}/signatures`, { versionHash: HASH, signatures: [byC] }), 404, 'DS_CONTRACT_NOT_FOUND', '/body/versionHash');
    expect(await dsp(b, a, 'POST', `/dsp/contracts/${enc(id)}/signatures`, { signatures: [byC] }), 400, 'DS_HTTP_VALIDATION', '/body/versionHash');
    const noticeByC = await c.identity.signer.sign({ contractId: id, versionHash: v1, signer: c.did, action: 'revoke', reason: 'x', issuedAt: clock.now().toISOString() }, NOTICE_TYP);
    expect(await dsp(b, a, 'POST', `/dsp/contracts/${enc(id)}/notices`, { notice: noticeByC }), 422, 'DS_CONTRACT_NOTICE_INVALID', '/body/notice');
    expect(await dsp(b, a, 'POST', `/dsp/contracts/${enc(id)}/notices`, { notice: byC }), 422, 'DS_CONTRACT_NOTICE_INVALID', '/body/notice');
    const view = (await a.api('GET', `/api/v1/contracts/${enc(id)}`)).body;
    assert.deepEqual([view.status, view.versions[0].parties.map((p: { signed: boolean }) => p.signed), view.notices], ['pending', [true, false], []]);
  });

  it('a party may revoke a pending proposal; the other side learns it and cannot sign any more', async () => {
    const res = await b.api('POST', `/api/v1/contracts/${enc(id)}/revoke`, { reason: 'we do not agree' });
    assert.deepEqual([res.status, res.body.status], [200, 'revoked']);
    await pollUntil(async () => (await a.api('GET', `/api/v1/contracts/${enc(id)}`)).body.status === 'revoked', { what: 'A to apply the revocation' });
    expect(await b.api('POST', `/api/v1/contracts/${enc(id)}/sign`, { versionHash: v1 }), 409, 'DS_CONTRACT_ILLEGAL_TRANSITION');
    expect(await b.api('POST', `/api/v1/contracts/${enc(id)}/revoke`, { reason: 'again' }), 409, 'DS_CONTRACT_ILLEGAL_TRANSITION');
    const listed = (await a.api('GET', `/api/v1/contracts?status=revoked&party=${enc(b.did)}`, undefined, reader)).body;
    assert.deepEqual(listed.items.map((x: { id: string }) => x.id), [id]);
  });
});
