import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHash, encodeHash, isWeaker, paramsForCost } from './password-hash.js';

describe('password hash format', () => {
  it('round-trips the PHC string with its parameters', () => {
    const h = { params: paramsForCost(2 ** 15), salt: Buffer.alloc(16, 1), hash: Buffer.alloc(32, 2) };
    const s = encodeHash(h);
    assert.match(s, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(decodeHash(s), h);
  });

  it('rejects anything else', () => {
    for (const s of ['', 'plain', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', '$scrypt$ln=15,r=8$AAAA$BBBB', '$scrypt$ln=15,r=8,p=1$AA+A$BBBB']) assert.equal(decodeHash(s), undefined, s);
  });

  it('requires a power of two and marks weaker parameters for rehashing', () => {
    assert.throws(() => paramsForCost(1000), RangeError);
    assert.equal(isWeaker(paramsForCost(2 ** 14), paramsForCost(2 ** 15)), true);
    assert.equal(isWeaker(paramsForCost(2 ** 15), paramsForCost(2 ** 15)), false);
    assert.equal(isWeaker(paramsForCost(2 ** 16), paramsForCost(2 ** 15)), false);
  });
});
