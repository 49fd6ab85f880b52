import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeHash } from '../domain/password-hash.js';
import { scryptDerive, ScryptPasswordHasher, type Derive } from './scrypt-password.hasher.js';

describe('scrypt password hasher', () => {
  const hasher = new ScryptPasswordHasher(2 ** 10);

  it('hashes with a fresh 16-byte salt, N from the configuration, r 8, p 1, and verifies', async () => {
    const a = await hasher.hash('correct horse battery');
    const b = await hasher.hash('correct horse battery');
    assert.notEqual(a, b, 'salted');
    const d = decodeHash(a);
    assert.deepEqual([d?.params, d?.salt.length, d?.hash.length], [{ ln: 10, r: 8, p: 1 }, 16, 32]);
    // The stored value is what scrypt itself derives: nothing home-made.
    assert.deepEqual(d?.hash, scryptSync('correct horse battery', d!.salt, 32, { N: 1024, r: 8, p: 1 }));
    assert.deepEqual(await hasher.verify('correct horse battery', a), { ok: true, rehash: false });
    assert.deepEqual(await hasher.verify('correct horse batterY', a), { ok: false, rehash: false });
  });

  it('asks for a rehash when the stored cost is lower than today\'s, and the default cost fits in memory', async () => {
    const old = await new ScryptPasswordHasher(2 ** 9).hash('a long password');
    assert.deepEqual(await hasher.verify('a long password', old), { ok: true, rehash: true });
    const strong = new ScryptPasswordHasher(2 ** 15);
    assert.deepEqual(await strong.verify('a long password', await strong.hash('a long password')), { ok: true, rehash: false });
  });

  it('never matches a malformed stored hash', async () => {
    assert.deepEqual(await hasher.verify('anything at all', 'not a hash'), { ok: false, rehash: false });
    assert.deepEqual(await hasher.verify('anything at all', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), { ok: false, rehash: false });
  });

  it('spends one derivation at the configured cost on a malformed stored hash, as on a wrong password', async () => {
    const costs: number[] = [];
    const counting: Derive = (password, salt, params, length) => {
      costs.push(params.ln);
      return scryptDerive(password, salt, params, length);
    };
    const h = new ScryptPasswordHasher(2 ** 10, counting);
    const stored = await h.hash('correct horse battery');
    costs.length = 0;
    await h.verify('wrong horse battery', stored);
    await h.verify('wrong horse battery', 'not a hash');
    await h.burn('wrong horse battery');
    assert.deepEqual(costs, [10, 10, 10]);
  });
});
