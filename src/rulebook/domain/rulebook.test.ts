import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { canonicalJson } from '../../kernel/index.js';
import { ACCEPTANCE_TYP, acceptanceMismatch, decodeAcceptance, verifyAcceptance, type RulebookAcceptance } from './acceptance.js';
import { transition } from './membership.machine.js';
import { ineligibility } from './participation.rules.js';
import { buildRulebook, checkReceivedRulebook, obligationsOf, rulebookHash, type RulebookInput } from './rulebook.js';
import { createTemplateLibrary } from './templates/index.js';

const templates = createTemplateLibrary();
const meta = { ecosystem: 'e1', orchestrator: 'did:web:lab.example', version: 1, title: 'Impact study', issued: '2026-01-01T00:00:00.000Z' };
const input: RulebookInput = {
  roles: [
    { id: 'orchestrator', title: 'Research lab' },
    { id: 'data-provider', title: 'Edtech tool', requiredRegistryRoles: ['data-provider'], maxMembers: 2 },
    { id: 'data-consumer', title: 'Analyst' },
  ],
  obligations: [
    { role: 'data-consumer', templates: [{ name: 'purpose-restriction', parameters: { purposes: ['impact-assessment'] } }, { name: 'delete-after', parameters: { days: 365 } }] },
    { role: 'data-provider', policy: { '@context': 'http://www.w3.org/ns/odrl.jsonld', '@type': 'Set', '@id': 'urn:x:p', permission: [{ action: 'use' }] } },
  ],
  participation: { mode: 'open-with-approval', maxMembers: 4 },
};
const build = (i: RulebookInput = input, m = meta) => buildRulebook(i, m, templates, '/body/rulebook');

describe('rulebook documents', () => {
  it('resolves obligations to validated ODRL policies and hashes the canonical JSON', () => {
    const r = build();
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const doc = r.value;
    assert.equal(doc.type, 'EcosystemRulebook');
    assert.equal(obligationsOf(doc, 'data-consumer').length, 1);
    assert.equal((obligationsOf(doc, 'data-consumer')[0] as { '@type': string })['@type'], 'Set');
    assert.equal(obligationsOf(doc, 'orchestrator').length, 0);
    assert.deepEqual(doc.roles[0]?.requiredRegistryRoles, [], 'defaults are written out, so the hash covers them');
    const expected = `sha256:${createHash('sha256').update(canonicalJson(doc)).digest('hex')}`;
    assert.equal(rulebookHash(doc), expected);
    const reordered = Object.fromEntries(Object.entries(doc).reverse()) as typeof doc;
    assert.equal(rulebookHash(reordered), expected, 'key order does not change the hash');
    assert.notEqual(rulebookHash({ ...doc, version: 2 }), expected);
    assert.notEqual(rulebookHash({ ...doc, roles: doc.roles.map((x) => ({ ...x, title: `${x.title}.` })) }), expected);
  });

  it('refuses inconsistent rulebooks with paths under the request', () => {
    const bad = build({
      roles: [{ id: 'data-provider', title: 'A' }, { id: 'data-provider', title: 'B' }],
      obligations: [{ role: 'nobody', templates: [{ name: 'open-access' }] }, { role: 'data-provider' }],
      participation: { mode: 'invitation-only' },
    });
    assert.ok(!bad.ok);
    assert.equal(bad.error.code, 'DS_RULEBOOK_INVALID');
    assert.deepEqual(bad.error.errors?.map((e) => e.path).sort(), ['/body/rulebook/obligations/0/role', '/body/rulebook/obligations/1', '/body/rulebook/roles', '/body/rulebook/roles/1/id']);
    const template = build({ ...input, obligations: [{ role: 'data-consumer', templates: [{ name: 'max-uses', parameters: { count: 0 } }] }] });
    assert.ok(!template.ok);
    assert.deepEqual([template.error.code, template.error.errors?.[0]?.path], ['DS_RULEBOOK_INVALID_PARAMETERS', '/body/rulebook/obligations/0/templates/0/parameters/count']);
    const raw = build({ ...input, obligations: [{ role: 'data-consumer', policy: { '@type': 'Set', permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'near', rightOperand: 'x' }] }] } }] });
    assert.ok(!raw.ok);
    assert.deepEqual([raw.error.code, raw.error.errors?.[0]?.path], ['DS_POLICY_INVALID', '/body/rulebook/obligations/0/policy/permission/0/constraint/0/operator']);
  });

  it('checks a received rulebook: shape, sender and hash', () => {
    const r = build();
    assert.ok(r.ok);
    const doc = r.value;
    const paths = { rulebook: '/body/rulebook', hash: '/body/rulebookHash' };
    const expect = { ecosystem: 'e1', orchestrator: 'did:web:lab.example' };
    assert.ok(checkReceivedRulebook(doc, rulebookHash(doc), expect, paths).ok);
    const tampered = checkReceivedRulebook({ ...doc, participation: { mode: 'invitation-only' } }, rulebookHash(doc), expect, paths);
    assert.ok(!tampered.ok);
    assert.equal(tampered.error[0]?.path, '/body/rulebookHash');
    const impostor = checkReceivedRulebook(doc, rulebookHash(doc), { ...expect, orchestrator: 'did:web:other.example' }, paths);
    assert.ok(!impostor.ok);
    assert.equal(impostor.error[0]?.path, '/body/rulebook/orchestrator');
    const broken = checkReceivedRulebook({ ...doc, roles: [null, 1], obligations: [{ role: 'x' }], participation: { mode: 'any' } }, rulebookHash(doc), expect, paths);
    assert.ok(!broken.ok);
    assert.deepEqual(broken.error.map((e) => e.path), ['/body/rulebook/roles', '/body/rulebook/obligations', '/body/rulebook/participation']);
    const notOne = checkReceivedRulebook({ hello: 1 }, 'sha256:00', expect, paths);
    assert.ok(!notOne.ok);
    assert.equal(notOne.error[0]?.path, '/body/rulebook');
  });
});

describe('acceptance signatures', () => {
  const did = 'did:web:tool.example';
  const payload: RulebookAcceptance = { ecosystem: 'e1', orchestrator: 'did:web:lab.example', rulebook: 'sha256:ab', version: 1, member: did, role: 'data-provider', acceptedAt: '2026-01-02T00:00:00Z' };
  const sign = async (p: object, kid: string, key: CryptoKey, typ = ACCEPTANCE_TYP) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(p))).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(key);

  it('verifies with the member key and refuses other keys, other signers and other typs', async () => {
    const mine = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jws = await sign(payload, `${did}#k1`, mine.privateKey);
    assert.deepEqual(decodeAcceptance(jws), { ok: true, value: { acceptance: payload, kid: `${did}#k1` } });
    assert.deepEqual(await verifyAcceptance(jws, await exportJWK(mine.publicKey)), { ok: true, value: payload });
    assert.deepEqual(await verifyAcceptance(jws, await exportJWK(other.publicKey)), { ok: false, reason: 'acceptance: signature does not verify' });
    const foreignKid = decodeAcceptance(await sign(payload, 'did:web:else.example#k1', mine.privateKey));
    assert.deepEqual(foreignKid, { ok: false, reason: `acceptance: key did:web:else.example#k1 is not a key of ${did}` });
    assert.equal(decodeAcceptance(await sign(payload, `${did}#k1`, mine.privateKey, 'JWT')).ok, false);
    assert.equal(decodeAcceptance(await sign({ ...payload, version: 'one' }, `${did}#k1`, mine.privateKey)).ok, false);
    assert.equal(decodeAcceptance('not.a.jws').ok, false);
  });

  it('names the first field that differs from what the orchestrator expects', () => {
    const { acceptedAt: _a, ...expected } = payload;
    assert.equal(acceptanceMismatch(payload, expected), undefined);
    assert.match(acceptanceMismatch(payload, { ...expected, rulebook: 'sha256:cd' }) ?? '', /rulebook "sha256:ab", expected "sha256:cd"/);
    assert.match(acceptanceMismatch(payload, { ...expected, role: 'data-consumer' }) ?? '', /role/);
  });
});

describe('membership states and participation rules', () => {
  it('moves through invitation, acceptance, admission and departure, refusing the rest', () => {
    const walk = (events: Parameters<typeof transition>[1][]) => events.reduce<ReturnType<typeof transition>>((t, e) => (t.ok ? transition(t.next, e) : t), { ok: true, next: undefined as never });
    assert.deepEqual(transition(undefined, 'invitation-received'), { ok: true, next: 'invited' });
    assert.deepEqual(walk(['invitation-received', 'invitation-accepted', 'admitted', 'left']), { ok: true, next: 'left' });
    assert.deepEqual(walk(['invitation-received', 'invitation-accepted', 'acceptance-failed']), { ok: true, next: 'invited' });
    assert.deepEqual(walk(['join-requested', 'refused', 'join-requested', 'admitted']), { ok: true, next: 'active' });
    assert.equal(transition('active', 'invitation-received').ok, false);
    assert.equal(transition('requested', 'join-requested').ok, false);
    assert.equal(transition('invited', 'admitted').ok, false);
    assert.equal(transition(undefined, 'left').ok, false);
  });

  it('checks roles, registry roles and limits', () => {
    const r = build();
    assert.ok(r.ok);
    const doc = r.value;
    const candidate = { role: 'data-provider', registryRoles: ['data-provider'] };
    assert.equal(ineligibility(doc, candidate, [{ role: 'orchestrator' }]), undefined);
    assert.equal(ineligibility(doc, { ...candidate, role: 'teacher' }, [])?.field, 'role');
    assert.equal(ineligibility(doc, { ...candidate, role: 'orchestrator' }, [])?.field, 'role');
    assert.deepEqual(ineligibility(doc, { ...candidate, registryRoles: ['data-consumer'] }, []), { field: 'participant', reason: 'the role "data-provider" requires the registry roles data-provider, which the participant does not hold' });
    assert.match(ineligibility(doc, candidate, [{ role: 'data-provider' }, { role: 'data-provider' }])?.reason ?? '', /role "data-provider" is full/);
    assert.match(ineligibility(doc, { role: 'data-consumer', registryRoles: [] }, [{ role: 'o' }, { role: 'a' }, { role: 'b' }, { role: 'c' }])?.reason ?? '', /ecosystem is full \(4 members\)/);
  });
});
