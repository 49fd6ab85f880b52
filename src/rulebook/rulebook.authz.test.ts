import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { CompactSign, generateKeyPair } from 'jose';
import { forEachEngine } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import { ACCEPTANCE_TYP, rulebookHash, type RulebookDocument } from './index.js';
import { impactStudyRulebook, startRulebookNode, trustEachOther, type RulebookNode } from './testing/rulebook-nodes.js';

const MINE = /^\/(api\/v1\/(policy-templates|ecosystem)|dsp\/ecosystems)/;
const UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Who may call what: every route of the context refuses missing or weak credentials, protocol routes answer 404
 * to trusted participants who are not concerned, and forged or misdirected acceptances change nothing.
 */
forEachEngine('ecosystem routes: authorisation and signatures', (engine) => {
  let lab: RulebookNode;
  let member: RulebookNode;
  let outsider: RulebookNode;
  let closed: string;
  let open: string;
  let readKey: string;
  let doc: RulebookDocument;
  let hash: string;

  before(async () => {
    [lab, member, outsider] = await Promise.all([
      startRulebookNode('lab', engine, ['orchestrator']),
      startRulebookNode('member', engine, ['data-provider']),
      startRulebookNode('outsider', engine, ['data-consumer']),
    ]);
    await trustEachOther([lab, member, outsider]);
    readKey = (await lab.api('POST', '/api/v1/keys', { name: 'r', scopes: ['read'] })).body.key;
    closed = (await lab.api('POST', '/api/v1/ecosystems', { title: 'Closed', rulebook: impactStudyRulebook('invitation-only') })).body.id;
    open = (await lab.api('POST', '/api/v1/ecosystems', { title: 'Open', rulebook: impactStudyRulebook('open-with-approval') })).body.id;
    const inv = (await lab.api('POST', `/api/v1/ecosystems/${closed}/invitations`, { participant: member.did, role: 'data-provider' })).body;
    await pollUntil(async () => (await member.api('GET', '/api/v1/ecosystem-invitations')).body.items.length > 0, { what: 'the invitation' });
    await member.api('POST', `/api/v1/ecosystem-invitations/${inv.id}/accept`);
    await pollUntil(async () => (await member.api('GET', `/api/v1/ecosystem-memberships/${closed}`)).body.status === 'active', { what: 'the member admitted' });
    const current = (await lab.api('GET', `/api/v1/ecosystems/${closed}`)).body;
    doc = current.rulebook;
    hash = current.rulebookHash;
  });
  after(async () => {
    for (const n of [lab, member, outsider]) await n?.close();
  });

  it('refuses every management route without a key or with too weak a scope, every protocol route without a token', async () => {
    const mine = lab.routes.filter((r) => MINE.test(r.url));
    assert.equal(mine.length, 28);
    for (const r of mine) {
      const url = r.url.replace(/:[A-Za-z]+/g, UUID);
      const method = r.method as 'GET' | 'POST';
      const none = await lab.app.inject({ method, url });
      assert.equal(none.statusCode, 401, `${r.method} ${r.url}`);
      assert.match(none.headers['content-type'] as string, /problem\+json/);
      if (r.auth === 'dsp') {
        assert.equal(none.json()['@type'], 'EcosystemError', 'a DSP error object');
        continue;
      }
      assert.equal(none.json().code, 'DS_AUTH_MISSING_CREDENTIALS');
      const needed = (r.auth as { management: string }).management;
      assert.ok(needed === 'read' || needed === 'write', `${r.url}: ${needed}`);
      assert.equal(r.method === 'GET' || r.url.endsWith('/instantiate') ? 'read' : 'write', needed, `${r.method} ${r.url}: GET and instantiate read, changes write`);
      if (needed === 'write') {
        const weak = await lab.app.inject({ method, url, headers: { 'x-api-key': readKey } });
        assert.deepEqual([weak.statusCode, weak.json().code], [403, 'DS_AUTH_INSUFFICIENT_SCOPE'], `${r.method} ${r.url}`);
      }
    }
  });

  it('answers 404 to trusted participants who are not concerned, on both sides', async () => {
    const expect404 = async (from: RulebookNode, to: RulebookNode, method: 'GET' | 'POST', path: string, body?: object) => {
      const res = await from.dsp(to, method, path, body);
      assert.equal(res.status, 404, `${from.name} → ${to.name} ${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body['@type'], 'EcosystemError');
    };
    const sig = await outsider.identity.signer.sign({ anything: 1 }, ACCEPTANCE_TYP);
    // At the orchestrator: the closed ecosystem is invisible to the outsider, unknown ids to everyone.
    await expect404(outsider, lab, 'GET', `/dsp/ecosystems/${closed}`);
    await expect404(member, lab, 'GET', `/dsp/ecosystems/${UUID}`);
    await expect404(outsider, lab, 'POST', `/dsp/ecosystems/${closed}/join-requests`, { requestId: UUID, role: 'data-consumer', version: 1, rulebookHash: hash, signature: sig });
    await expect404(outsider, lab, 'POST', `/dsp/ecosystems/${closed}/acceptances`, { version: 1, rulebookHash: hash, signature: sig });
    await expect404(outsider, lab, 'POST', `/dsp/ecosystems/${closed}/departures`, {});
    assert.equal((await outsider.dsp(lab, 'GET', `/dsp/ecosystems/${open}`)).status, 200, 'an open ecosystem is readable by the trusted');
    // At the member: only the ecosystem's orchestrator may send it versions and decisions.
    await expect404(outsider, member, 'POST', `/dsp/ecosystems/${closed}/rulebook-versions`, { rulebook: doc, rulebookHash: hash });
    await expect404(outsider, member, 'POST', `/dsp/ecosystems/${closed}/decisions`, { requestId: UUID, decision: 'approved' });
    await expect404(outsider, member, 'POST', `/dsp/ecosystems/${closed}/invitations`, { invitationId: UUID, role: 'data-provider', rulebook: { ...doc, orchestrator: outsider.did }, rulebookHash: rulebookHash({ ...doc, orchestrator: outsider.did }) });
    await expect404(lab, member, 'POST', `/dsp/ecosystems/${open}/rulebook-versions`, { rulebook: doc, rulebookHash: hash });
    // Management: another node's ecosystem is not ours to manage.
    assert.equal((await member.api('GET', `/api/v1/ecosystems/${closed}`)).status, 404);
    assert.equal((await member.api('POST', `/api/v1/ecosystems/${closed}/invitations`, { participant: outsider.did, role: 'data-consumer' })).body.code, 'DS_RULEBOOK_ECOSYSTEM_NOT_FOUND');
    assert.equal((await outsider.api('POST', `/api/v1/ecosystem-invitations/${UUID}/accept`)).body.code, 'DS_RULEBOOK_INVITATION_NOT_FOUND');
  });

  it('refuses forged, misdirected and outdated acceptances without writing anything', async () => {
    const inv = (await lab.api('POST', `/api/v1/ecosystems/${closed}/invitations`, { participant: outsider.did, role: 'data-consumer' })).body;
    const entries = async () => (await lab.ledger.entries({ limit: 1000 })).length;
    const before = await entries();
    const payload = { ecosystem: closed, orchestrator: lab.did, rulebook: hash, version: 1, member: outsider.did, role: 'data-consumer', acceptedAt: new Date().toISOString() };
    const send = (signature: string, rulebook = hash) => outsider.dsp(lab, 'POST', `/dsp/ecosystems/${closed}/acceptances`, { invitationId: inv.id, version: 1, rulebookHash: rulebook, signature });
    const refused = async (signature: string, why: RegExp, rulebook = hash) => {
      const res = await send(signature, rulebook);
      assert.deepEqual([res.status, res.body.code, res.body.errors?.[0]?.path], [400, 'DS_RULEBOOK_SIGNATURE_INVALID', '/body/signature'], JSON.stringify(res.body));
      assert.match(res.body.detail, why);
    };
    const realKid = (await outsider.identity.signer.publicKey()).kid;
    const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forge = (kid: string, p: object = payload) => new CompactSign(new TextEncoder().encode(JSON.stringify(p))).setProtectedHeader({ alg: 'EdDSA', typ: ACCEPTANCE_TYP, kid }).sign(stranger.privateKey);

    await refused(await member.identity.signer.sign({ ...payload, member: member.did }, ACCEPTANCE_TYP), /signed as .* not by the caller/);
    await refused(await member.identity.signer.sign(payload, ACCEPTANCE_TYP), /is not a key of/);
    await refused(await forge(`${outsider.did}#not-a-key-of-it`), /is not in the DID document/);
    await refused(await forge(realKid), /signature does not verify/);
    await refused(await outsider.identity.signer.sign({ ...payload, rulebook: `sha256:${'0'.repeat(64)}` }, ACCEPTANCE_TYP), /names rulebook/);
    await refused(await outsider.identity.signer.sign({ ...payload, role: 'data-provider' }, ACCEPTANCE_TYP), /names role/);
    await refused(await outsider.identity.signer.sign(payload, 'JWT'), /typ must be/);
    const stale = await send(await outsider.identity.signer.sign(payload, ACCEPTANCE_TYP), `sha256:${'1'.repeat(64)}`);
    assert.deepEqual([stale.status, stale.body.code, stale.body.errors[0].path], [409, 'DS_RULEBOOK_STALE_VERSION', '/body/rulebookHash']);
    const joinForged = await outsider.dsp(lab, 'POST', `/dsp/ecosystems/${open}/join-requests`, {
      requestId: UUID, role: 'data-consumer', version: 1, rulebookHash: (await lab.api('GET', `/api/v1/ecosystems/${open}`)).body.rulebookHash,
      signature: await member.identity.signer.sign({ ...payload, ecosystem: open, member: member.did }, ACCEPTANCE_TYP),
    });
    assert.deepEqual([joinForged.status, joinForged.body.code], [400, 'DS_RULEBOOK_SIGNATURE_INVALID']);
    assert.equal(await entries(), before, 'nothing logged');
    assert.equal((await lab.api('GET', `/api/v1/ecosystems/${open}/join-requests`)).body.total, 0, 'no request stored');
    assert.deepEqual((await lab.api('GET', `/api/v1/ecosystems/${closed}`)).body.members.map((m: { did: string }) => m.did), [lab.did, member.did]);

    const genuine = await send(await outsider.identity.signer.sign(payload, ACCEPTANCE_TYP));
    assert.deepEqual([genuine.status, genuine.body.status], [200, 'active'], 'the genuine acceptance of the same invitation passes');
    assert.equal((await send(await outsider.identity.signer.sign(payload, ACCEPTANCE_TYP))).status, 200, 'delivered twice: idempotent');
    assert.equal((await lab.logged('ecosystem.member-joined')).filter((e) => e.payload.member === outsider.did).length, 1);
  });
});
