import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Private keys are stored encrypted with AES-256-GCM under a master key that never enters the database, so a
 * leaked dump alone does not leak the node's signing keys. The kid is bound as additional data: a ciphertext
 * copied onto another row does not decrypt.
 */
export interface Sealer {
  seal(plain: string, aad: string): string;
  open(sealed: string, aad: string): string;
  /** A 32-byte key for one purpose (HKDF-SHA-256 of the master key with `info`): keys that never need storing. */
  derive(info: string): Uint8Array;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('the master key must be 32 bytes (base64 of 32 random bytes)');
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    derive(info) {
      return new Uint8Array(hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(`dases ${info}`), 32));
    },
    open(sealed, aad) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown sealed key format');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    },
  };
}

/**
 * The master key: given explicitly (DASES_MASTER_KEY), else read from or created in `<dataDir>/master.key`
 * (mode 0600, created exclusively so two processes starting together agree on one key), else (tests, no data
 * directory) a random key that lives as long as the process.
 */
export function loadMasterKey(opts: { masterKey?: string | undefined; dataDir: string | null }): { key: Buffer; file?: string } {
  if (opts.masterKey !== undefined) {
    const key = Buffer.from(opts.masterKey, 'base64');
    if (key.length !== 32) throw new Error('DASES_MASTER_KEY must be the base64 encoding of exactly 32 bytes');
    return { key };
  }
  if (opts.dataDir === null) return { key: randomBytes(32) };
  const file = join(opts.dataDir, 'master.key');
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold the base64 of 32 bytes`);
  return { key, file };
}
