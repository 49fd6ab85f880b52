import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CompactSign, type CryptoKey } from 'jose';
import { testKeyPair } from '../test-keys.js';
import type { DidDocument } from './did-document.js';
import { buildParticipantCredential, verifyParticipantCredential } from './participant-credential.js';
import { normaliseProfile } from './profile.js';

const DID = 'did:web:a.example';
const t0 = new Date('2026-03-01T00:00:00Z');
const profile = normaliseProfile({ name: 'node a', legalName: 'Organisme A', headquarters: 'FR-IDF', roles: ['data-provider'], registrationNumber: '123456789' });

async function sign(payload: unknown, key: CryptoKey, kid: string, typ = 'vc+jwt'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, cty: 'vc', kid }).sign(key);
}

describe('participant credential', () => {
  let a: { kid: string; privateKey: CryptoKey; doc: DidDocument };
  let other: { kid: string; privateKey: CryptoKey; doc: DidDocument };
  before(async () => {
    a = await testKeyPair(DID);
    other = await testKeyPair('did:web:b.example');
  });
  const reason = async (jwt: string, doc: DidDocument, now = t0) => {
    const r = await verifyParticipantCredential(jwt, doc, now);
    assert.equal(r.ok, false);
    if (r.ok) return '';
    assert.equal(r.error.code, 'DS_IDENTITY_INVALID_CREDENTIAL');
    return r.error.message;
  };

  it('verifies a well-formed credential and returns its subject', async () => {
    const vc = buildParticipantCredential(DID, profile, t0);
    const r = await verifyParticipantCredential(await sign(vc, a.privateKey, `${DID}#${a.kid}`), a.doc, new Date(t0.getTime() + 1000));
    assert.ok(r.ok);
    assert.equal(r.value['gx:legalName'], 'Organisme A');
    assert.deepEqual(r.value['gx:legalAddress'], { type: 'gx:Address', 'gx:countryCode': 'FR', 'gx:countrySubdivisionCode': 'FR-IDF' });
    assert.deepEqual(r.value['dases:roles'], ['data-provider']);
  });

  it('refuses a credential whose issuer is not the DID', async () => {
    const vc = { ...buildParticipantCredential(DID, profile, t0), issuer: 'did:web:evil.example' };
    assert.match(await reason(await sign(vc, a.privateKey, `${DID}#${a.kid}`), a.doc), /issuer/);
  });

  it('refuses a subject that is another DID', async () => {
    const vc = buildParticipantCredential(DID, profile, t0);
    vc.credentialSubject.id = 'did:web:evil.example';
    assert.match(await reason(await sign(vc, a.privateKey, `${DID}#${a.kid}`), a.doc), /credentialSubject/);
  });

  it('refuses an expired or not yet valid credential', async () => {
    const jwt = await sign(buildParticipantCredential(DID, profile, t0), a.privateKey, `${DID}#${a.kid}`);
    assert.match(await reason(jwt, a.doc, new Date('2027-03-02T00:00:00Z')), /expired/);
    assert.match(await reason(jwt, a.doc, new Date('2026-02-28T00:00:00Z')), /not valid yet/);
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await sign(buildParticipantCredential(DID, profile, t0), a.privateKey, `${DID}#${a.kid}`)).split('.');
    const forged = buildParticipantCredential(DID, { ...profile, legalName: 'Someone else' }, t0);
    assert.match(await reason(`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`, a.doc), /signature/);
  });

  it("refuses a credential signed with another DID's key or naming a key outside the DID", async () => {
    const vc = buildParticipantCredential(DID, profile, t0);
    assert.match(await reason(await sign(vc, other.privateKey, `${DID}#${a.kid}`), a.doc), /signature/);
    assert.match(await reason(await sign(vc, other.privateKey, `did:web:b.example#${other.kid}`), a.doc), /not a verification method/);
  });

  it('refuses wrong types and wrong header typ', async () => {
    const vc = { ...buildParticipantCredential(DID, profile, t0), type: ['VerifiableCredential'] };
    assert.match(await reason(await sign(vc, a.privateKey, `${DID}#${a.kid}`), a.doc), /type/);
    assert.match(await reason(await sign(buildParticipantCredential(DID, profile, t0), a.privateKey, `${DID}#${a.kid}`, 'JWT'), a.doc), /typ/);
    assert.match(await reason('not.a.jws', a.doc), /compact JWS/);
  });
});

describe('profile validation', () => {
  it('names each offending field', () => {
    assert.throws(
      () => normaliseProfile({ name: 'n', headquarters: 'Paris', legalAddress: 'FR-IDF', roles: ['data-provider', 'boss'] }, '/body'),
      (e: { errors?: Array<{ path: string }> }) => JSON.stringify(e.errors?.map((x) => x.path)) === JSON.stringify(['/body/headquarters', '/body/roles/1']),
    );
  });
  it('defaults legal name to the node name and legal address to the headquarters', () => {
    const p = normaliseProfile({ name: 'n', headquarters: 'DE-BY', roles: [] });
    assert.equal(p.legalName, 'n');
    assert.equal(p.legalAddress, 'DE-BY');
  });
});
