import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSealer, loadMasterKey } from './master-key.js';

describe('private keys at rest', () => {
  it('round-trips through AES-256-GCM and refuses a wrong key, a wrong kid or a flipped byte', () => {
    const s = createSealer(randomBytes(32));
    const sealed = s.seal('{"d":"secret"}', 'kid1');
    assert.ok(!sealed.includes('secret'));
    assert.equal(s.open(sealed, 'kid1'), '{"d":"secret"}');
    assert.throws(() => s.open(sealed, 'kid2'));
    assert.throws(() => createSealer(randomBytes(32)).open(sealed, 'kid1'));
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() => s.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'kid1'));
  });

  it('creates <dataDir>/master.key with mode 0600 and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dases-mk-'));
    try {
      const first = loadMasterKey({ dataDir: dir });
      assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
      assert.deepEqual(loadMasterKey({ dataDir: dir }).key, first.key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes an explicit base64 key of 32 bytes and refuses other lengths', () => {
    const k = randomBytes(32);
    assert.deepEqual(loadMasterKey({ masterKey: k.toString('base64'), dataDir: null }).key, k);
    assert.throws(() => loadMasterKey({ masterKey: randomBytes(16).toString('base64'), dataDir: null }), /32 bytes/);
  });
});
