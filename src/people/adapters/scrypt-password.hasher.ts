import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../app/people.ports.js';
import { decodeHash, encodeHash, HASH_BYTES, isWeaker, paramsForCost, SALT_BYTES, type ScryptParams } from '../domain/password-hash.js';

/** One scrypt key derivation; the hasher's only expensive step (injectable so tests can see each one's cost). */
export type Derive = (password: string, salt: Buffer, params: ScryptParams, length: number) => Promise<Buffer>;

export const scryptDerive: Derive = (password, salt, params, length) => {
  const N = 2 ** params.ln;
  // scrypt needs about 128·N·r bytes; Node refuses anything above maxmem (32 MiB by default, exactly 2^15·8·128).
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (e, key) => (e ? reject(e) : resolve(key))));
};

/** node:crypto scrypt (salt 16 B, N from configuration, r 8, p 1), compared in constant time. */
export class ScryptPasswordHasher implements PasswordHasher {
  readonly #params: ScryptParams;
  readonly #dummySalt = randomBytes(SALT_BYTES);
  readonly #derive: Derive;

  constructor(cost: number, derive: Derive = scryptDerive) {
    this.#params = paramsForCost(cost);
    this.#derive = derive;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    return encodeHash({ params: this.#params, salt, hash: await this.#derive(password, salt, this.#params, HASH_BYTES) });
  }

  async verify(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }> {
    const h = decodeHash(stored);
    // An unreadable stored hash can never match; still spend the time so it does not stand out.
    if (!h || h.params.ln > 24 || h.params.r > 32 || h.params.p > 16 || h.hash.length < 16) {
      await this.burn(password);
      return { ok: false, rehash: false };
    }
    const key = await this.#derive(password, h.salt, h.params, h.hash.length);
    const ok = timingSafeEqual(key, h.hash);
    return { ok, rehash: ok && isWeaker(h.params, this.#params) };
  }

  async burn(password: string): Promise<void> {
    await this.#derive(password, this.#dummySalt, this.#params, HASH_BYTES);
  }
}
