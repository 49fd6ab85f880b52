import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactSign, generateKeyPair, exportJWK } from 'jose';
import { consistencyProofFromLeaves, verifyConsistency } from '../../domain/merkle-proofs.js';
import { leafHash, merkleRoot } from '../../domain/merkle-tree.js';
import { COSIGNATURE_TYP, decodeCosignature, verifyCosignature } from './cosignature.js';
import { judgeHead, type SeenHead } from './split-view.js';

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');
const leaves = (n: number, tag = 'a') => Array.from({ length: n }, (_, i) => leafHash(`${tag}${i}`));
const seen = (l: Uint8Array[], jws = `jws-${l.length}`): SeenHead => ({ size: l.length, rootHash: b64(merkleRoot(l)), jws });
const presented = (l: Uint8Array[], proof: Uint8Array[] = []) => ({ head: { size: l.length, rootHash: b64(merkleRoot(l)) }, proof });
const judge = (latest: SeenHead | undefined, p: ReturnType<typeof presented>, sameSize?: SeenHead) => judgeHead({ latest, sameSize, presented: p, verifyConsistency });

describe('judging a presented tree head against the heads seen before', () => {
  const log = leaves(11);

  it('trusts the first head and accepts the same head again', () => {
    assert.equal(judge(undefined, presented(log.slice(0, 5))).kind, 'first');
    assert.equal(judge(seen(log.slice(0, 5)), presented(log.slice(0, 5)), seen(log.slice(0, 5))).kind, 'same');
  });

  it('accepts a larger tree whose consistency proof verifies, for every pair of sizes', () => {
    for (let m = 1; m < log.length; m++) {
      for (let n = m + 1; n <= log.length; n++) {
        const v = judge(seen(log.slice(0, m)), presented(log.slice(0, n), consistencyProofFromLeaves(m, log.slice(0, n))));
        assert.equal(v.kind, 'extends', `${m} -> ${n}`);
      }
    }
  });

  it('reports two roots for one size as a split view, against the latest or an older head', () => {
    const other = [...log.slice(0, 4), leafHash('forged'), ...log.slice(5, 7)];
    const v = judge(seen(log.slice(0, 7)), presented(other), seen(log.slice(0, 7)));
    assert.deepEqual(v.kind === 'split-view' && [v.reason, v.known.jws], ['two different roots signed for size 7', 'jws-7']);
    const older = judge(seen(log.slice(0, 9)), presented(other), seen(log.slice(0, 7)));
    assert.equal(older.kind, 'split-view', 'a size seen earlier with another root is a split view even below the latest');
    assert.equal(judge(seen(log.slice(0, 7)), presented(other)).kind, 'split-view', 'same size as the latest, different root');
  });

  it('reports a shrinking log as a split view', () => {
    const v = judge(seen(log.slice(0, 9)), presented(log.slice(0, 6)));
    assert.deepEqual(v.kind === 'split-view' && v.reason, 'the log shrank from size 9 to 6');
  });

  it('reports a larger tree that does not extend the one seen (rewritten history, bad or missing proof)', () => {
    const forked = [...log.slice(0, 3), leafHash('rewritten'), ...log.slice(4)];
    // An honest proof of the forked tree cannot lead to the root seen before.
    const v = judge(seen(log.slice(0, 6)), presented(forked, consistencyProofFromLeaves(6, forked)));
    assert.deepEqual(v.kind === 'split-view' && v.reason, 'the consistency proof from size 6 to 11 does not verify');
    const good = consistencyProofFromLeaves(6, log);
    assert.equal(judge(seen(log.slice(0, 6)), presented(log, good.slice(1))).kind, 'split-view', 'truncated proof');
    assert.equal(judge(seen(log.slice(0, 6)), presented(log, [])).kind, 'split-view', 'missing proof');
    assert.equal(judge(seen(log.slice(0, 6)), presented(log, [...good].reverse())).kind, 'split-view', 'reordered proof');
    assert.equal(judge(seen(log.slice(0, 6)), presented(log, good)).kind, 'extends', 'the same proof in RFC order verifies');
  });
});

describe('witness cosignatures', () => {
  const payload = { subject: 'did:web:a.example', size: 3, rootHash: b64(merkleRoot(leaves(3))), timestamp: '2026-01-01T00:00:00.000Z', witness: 'did:web:b.example' };
  const sign = async (p: object, header: Record<string, unknown>, key: CryptoKey) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(p))).setProtectedHeader({ alg: 'EdDSA', ...header }).sign(key);

  it('verifies with the witness key and refuses tampering, another key, another typ, or a kid of another DID', async () => {
    const k = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const pub = await exportJWK(k.publicKey);
    const header = { typ: COSIGNATURE_TYP, kid: 'did:web:b.example#k1' };
    const jws = await sign(payload, header, k.privateKey);
    assert.deepEqual(await verifyCosignature(jws, pub), { ok: true, value: payload });
    assert.deepEqual(decodeCosignature(jws), { ok: true, value: { cosignature: payload, kid: 'did:web:b.example#k1' } });

    const [h, , s] = jws.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, size: 4 })).toString('base64url')}.${s}`;
    assert.deepEqual(await verifyCosignature(tampered, pub), { ok: false, reason: 'cosignature: signature does not verify' });
    assert.equal((await verifyCosignature(await sign(payload, header, other.privateKey), pub)).ok, false);
    assert.deepEqual(await verifyCosignature(await sign(payload, { ...header, typ: 'JWT' }, k.privateKey), pub), { ok: false, reason: `cosignature: typ must be ${COSIGNATURE_TYP}` });
    const foreign = decodeCosignature(await sign(payload, { ...header, kid: 'did:web:evil.example#k1' }, k.privateKey));
    assert.deepEqual(foreign, { ok: false, reason: 'cosignature: key did:web:evil.example#k1 is not a key of did:web:b.example' });
    assert.equal(decodeCosignature('not-a-jws').ok, false);
    assert.equal(decodeCosignature(await sign({ ...payload, size: -1 }, header, k.privateKey)).ok, false);
  });
});
