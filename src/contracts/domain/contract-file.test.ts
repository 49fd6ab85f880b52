import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileOf, noticeFor, partyKey, signContract, type PartyKey } from '../testing/party-keys.js';
import { ecosystem } from '../testing/fixtures.js';
import { hashOf } from './contract-document.js';
import { verifyContractFile } from './contract-file.js';
import { decodeStatement, isSignaturePayload, mismatch, SIGNATURE_TYP, verifyStatement } from './contract-signature.js';

describe('contract signatures and offline file verification', () => {
  let a: PartyKey, b: PartyKey, c: PartyKey, stranger: PartyKey;
  const doc = ecosystem();
  const now = new Date('2026-03-01T00:00:00Z');

  before(async () => {
    [a, b, c, stranger] = await Promise.all(['did:web:a.example', 'did:web:b.example', 'did:web:c.example', 'did:web:x.example'].map(partyKey)) as [PartyKey, PartyKey, PartyKey, PartyKey];
  });

  it('signs the version hash; the statement names contract, version and signer', async () => {
    const jws = await signContract(b, doc);
    const decoded = decodeStatement(jws, SIGNATURE_TYP, isSignaturePayload);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.payload, { contractId: doc.id, versionHash: hashOf(doc), signer: b.did, signedAt: '2026-01-02T00:00:00.000Z' });
    assert.equal(decoded.value.kid, b.kid);
    assert.ok((await verifyStatement(jws, SIGNATURE_TYP, isSignaturePayload, b.publicKeyJwk)).ok);
    assert.equal((await verifyStatement(jws, SIGNATURE_TYP, isSignaturePayload, c.publicKeyJwk)).ok, false, "another party's key does not verify it");
    assert.equal(mismatch(doc, decoded.value.payload), undefined);
    assert.match(mismatch(doc, decoded.value.payload, c.did) ?? '', /made by did:web:b.example, not did:web:c.example/);
    assert.match(mismatch(doc, { ...decoded.value.payload, signer: stranger.did }) ?? '', /not a party/);
    assert.match(mismatch({ ...doc, title: 'changed' }, decoded.value.payload) ?? '', /it is about version/);
    assert.equal(decodeStatement(jws, 'dases-sth+jwt', isSignaturePayload).ok, false, 'typ is checked');
    const borrowed = await b.sign({ contractId: doc.id, versionHash: hashOf(doc), signer: c.did, signedAt: '2026-01-02T00:00:00Z' }, SIGNATURE_TYP);
    assert.match((decodeStatement(borrowed, SIGNATURE_TYP, isSignaturePayload) as { reason: string }).reason, /is not a key of the signer/);
  });

  it('accepts a file signed by every party and reports each signer', async () => {
    const report = await verifyContractFile(JSON.parse(JSON.stringify(await fileOf(doc, [a, b, c]))), { now });
    assert.deepEqual(report.problems, []);
    assert.equal(report.valid, true);
    assert.equal(report.status, 'active');
    assert.equal(report.versionHash, hashOf(doc));
    assert.deepEqual(report.parties.map((p) => [p.did, p.role, p.signed, p.binding]), [
      [a.did, 'orchestrator', true, 'self-asserted'],
      [b.did, 'data-provider', true, 'self-asserted'],
      [c.did, 'data-consumer', true, 'self-asserted'],
    ]);
    const bound = await verifyContractFile(await fileOf(doc, [a, b, c]), { now, didDocuments: [a.didDocument, b.didDocument, c.didDocument] });
    assert.deepEqual(bound.parties.map((p) => p.binding), ['did-document', 'did-document', 'did-document']);
    assert.equal((await verifyContractFile(await fileOf({ ...doc, validUntil: '2026-02-01T00:00:00Z' }, [a, b, c]), { now })).status, 'expired');
  });

  it('refuses a tampered document, a forged hash, a missing signature and a signature by a non-party', async () => {
    const file = await fileOf(doc, [a, b, c]);
    const tampered = await verifyContractFile({ ...file, document: { ...doc, title: 'Something else' } }, { now });
    assert.equal(tampered.valid, false);
    assert.ok(tampered.problems.some((p) => /versionHash .* is not the hash of the document/.test(p)));
    assert.ok(tampered.problems.some((p) => /signatures\/0: it is about version/.test(p)));

    const incomplete = await verifyContractFile(await fileOf(doc, [a, b]), { now });
    assert.deepEqual([incomplete.valid, incomplete.status], [false, 'pending']);
    assert.match(incomplete.problems.join('\n'), /did:web:c.example did not sign/);

    const withStranger = await fileOf(doc, [a, b, c]);
    withStranger.signatures.push(await signContract(stranger, doc));
    withStranger.keys.push({ did: stranger.did, kid: stranger.kid, publicKeyJwk: stranger.publicKeyJwk });
    const s = await verifyContractFile(withStranger, { now });
    assert.equal(s.valid, false);
    assert.match(s.problems.join('\n'), /signatures\/3: did:web:x.example is not a party/);
  });

  it('refuses swapped keys, keys not named by their thumbprint and keys absent from the DID document', async () => {
    const file = await fileOf(doc, [a, b, c]);
    const swapped = { ...file, keys: file.keys.map((k) => (k.did === b.did ? { ...k, publicKeyJwk: c.publicKeyJwk } : k)) };
    assert.match((await verifyContractFile(swapped, { now })).problems.join('\n'), /signatures\/1: the key .* is not named by its thumbprint/);
    const otherB = await partyKey(b.did);
    const res = await verifyContractFile(file, { now, didDocuments: [otherB.didDocument] });
    assert.match(res.problems.join('\n'), /signatures\/1: .* is not a verification method in the DID document of did:web:b.example/);
    const noKeys = await verifyContractFile({ ...file, keys: [] }, { now });
    assert.equal(noKeys.problems.filter((p) => /carries no key/.test(p)).length, 3);
    assert.deepEqual((await verifyContractFile('nonsense')).problems, ['the file is not a JSON object']);
    assert.match((await verifyContractFile({ document: { type: 'EcosystemContract' } })).problems[0] ?? '', /^\/document\//);
  });

  it('reports the contract ended by a verified notice, and refuses a notice by a non-party', async () => {
    const ended = await verifyContractFile(await fileOf(doc, [a, b, c], [await noticeFor(c, doc, 'revoke', 'consent withdrawn')]), { now });
    assert.deepEqual([ended.valid, ended.status], [true, 'revoked']);
    assert.deepEqual(ended.notices, [{ signer: c.did, action: 'revoke', reason: 'consent withdrawn', issuedAt: '2026-02-01T00:00:00.000Z' }]);
    const file = await fileOf(doc, [a, b, c], [await noticeFor(stranger, doc, 'terminate', 'because')]);
    file.keys.push({ did: stranger.did, kid: stranger.kid, publicKeyJwk: stranger.publicKeyJwk });
    const bad = await verifyContractFile(file, { now });
    assert.deepEqual([bad.valid, bad.status], [false, 'active']);
    assert.match(bad.problems.join('\n'), /notices\/0: did:web:x.example is not a party/);
  });
});
