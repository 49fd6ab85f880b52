import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consistencyProofFromLeaves, consistencyRanges, inclusionProofFromLeaves, verifyConsistency, verifyInclusion } from './merkle-proofs.js';
import { completeSubtrees, EMPTY_ROOT, foldSubtrees, leafHash, merkleRoot, rangeRoot, type Hash } from './merkle-tree.js';

// Test vectors of the Certificate Transparency reference implementation, transparency-dev/merkle
// proof/verify_test.go (leaves, roots of every size 1..8, inclusion and consistency proofs), re-typed here.
const h = (hex: string): Hash => Buffer.from(hex, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);
// (leaf number counted from 1 as in the source, tree size, audit path)
const INCLUSION: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [2, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];
const hashes = LEAVES.map((l) => leafHash(l));
const hex = (xs: Hash[]) => xs.map((x) => Buffer.from(x).toString('hex'));

describe('RFC 9162 Merkle tree hashes (CT test vectors)', () => {
  it('hashes the empty tree and every prefix of the eight vector leaves to the known roots', () => {
    assert.equal(Buffer.from(EMPTY_ROOT).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.deepEqual(merkleRoot([]), EMPTY_ROOT);
    for (let n = 1; n <= 8; n++) assert.deepEqual(hex([merkleRoot(hashes.slice(0, n))]), hex([ROOTS[n - 1]!]), `size ${n}`);
  });

  it('folds any range from its complete subtrees to the same hash as the recursive definition', () => {
    const leaves = Array.from({ length: 77 }, (_, i) => leafHash(`leaf ${i}`));
    for (const [lo, hi] of [[0, 77], [64, 77], [72, 77], [76, 77], [0, 64], [32, 48]] as const) {
      const parts = completeSubtrees(lo, hi).map((n) => rangeRoot(leaves, n.index * 2 ** n.level, (n.index + 1) * 2 ** n.level));
      assert.deepEqual(foldSubtrees(parts), rangeRoot(leaves, lo, hi), `[${lo}, ${hi})`);
    }
  });

  it('produces the known inclusion proofs and verifies them, refusing every alteration', () => {
    for (const [leaf, size, path] of INCLUSION) {
      const m = leaf - 1;
      const proof = inclusionProofFromLeaves(m, hashes.slice(0, size));
      assert.deepEqual(hex(proof), path, `PATH(${m}, D[${size}])`);
      const root = ROOTS[size - 1]!;
      assert.ok(verifyInclusion(m, size, hashes[m]!, proof, root));
      assert.ok(!verifyInclusion(m + 1, size, hashes[m]!, proof, root));
      assert.ok(!verifyInclusion(m, size * 2, hashes[m]!, proof, root));
      assert.ok(!verifyInclusion(m, size, hashes[m]!, [...proof, root], root), 'trailing garbage');
      assert.ok(!verifyInclusion(m, size, hashes[m]!, proof, EMPTY_ROOT));
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((p) => Buffer.from(p));
        bad[i]![0]! ^= 8;
        assert.ok(!verifyInclusion(m, size, hashes[m]!, bad, root), `flipped proof[${i}]`);
      }
      if (proof.length) assert.ok(!verifyInclusion(m, size, hashes[m]!, proof.slice(0, -1), root), 'removed component');
    }
    assert.ok(!verifyInclusion(0, 0, hashes[0]!, [], EMPTY_ROOT), 'index 0 of the empty tree');
  });

  it('produces the known consistency proofs and verifies them, refusing every alteration', () => {
    for (const [m, n, path] of CONSISTENCY) {
      const proof = consistencyProofFromLeaves(m, hashes.slice(0, n));
      assert.deepEqual(hex(proof), path, `PROOF(${m}, D[${n}])`);
      const [r1, r2] = [ROOTS[m - 1]!, ROOTS[n - 1]!];
      assert.ok(verifyConsistency(m, n, r1, r2, proof));
      if (!proof.length) continue;
      assert.ok(!verifyConsistency(m, n, r2, r1, proof), 'swapped roots');
      assert.ok(!verifyConsistency(m - 1, n, r1, r2, proof));
      assert.ok(!verifyConsistency(m, n * 2, r1, r2, proof));
      assert.ok(!verifyConsistency(m, n, r1, r2, []), 'empty proof');
      assert.ok(!verifyConsistency(m, n, r1, r2, [...proof, r2]), 'trailing root');
      assert.ok(!verifyConsistency(m, n, r1, r2, [proof[0]!, ...proof]), 'preceding proof[0]');
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((p) => Buffer.from(p));
        bad[i]![0]! ^= 16;
        assert.ok(!verifyConsistency(m, n, r1, r2, bad), `flipped proof[${i}]`);
      }
    }
    assert.ok(verifyConsistency(0, 5, EMPTY_ROOT, ROOTS[4]!, []), 'the empty tree is a prefix of any tree');
    assert.ok(!verifyConsistency(5, 4, ROOTS[4]!, ROOTS[3]!, []), 'no going back');
    assert.deepEqual(consistencyRanges(0, 5), []);
    assert.throws(() => consistencyRanges(6, 5), RangeError);
  });
});
