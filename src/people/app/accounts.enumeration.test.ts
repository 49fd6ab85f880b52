import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { ManualClock, SequentialIds } from '../../kernel/index.js';
import { scryptDerive, ScryptPasswordHasher, type Derive } from '../adapters/scrypt-password.hasher.js';
import { SqlAccountStore, SqlAttemptStore } from '../adapters/sql-account.store.js';
import type { ScryptParams } from '../domain/password-hash.js';
import { createAccounts } from './accounts.service.js';

/**
 * No enumeration of logins by timing: a sign-in with an unknown login does the same expensive work as one with a
 * wrong password, one scrypt derivation at the configured cost. Checked by counting the derivations of the real
 * hasher (a timed test would depend on the machine's load).
 */
describe('sign-in work does not tell unknown logins from wrong passwords', () => {
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  const derivations: ScryptParams[] = [];
  const counting: Derive = (password, salt, params, length) => {
    derivations.push(params);
    return scryptDerive(password, salt, params, length);
  };
  let database: Database;
  let accounts: ReturnType<typeof createAccounts>;
  before(async () => {
    database = await openTestDatabase('pglite');
    accounts = createAccounts({
      accounts: new SqlAccountStore(database.db),
      attempts: new SqlAttemptStore(database.db),
      hasher: new ScryptPasswordHasher(2 ** 12, counting),
      clock,
      ids: new SequentialIds(),
      sessionTtlSeconds: 3600,
      intermediary: true,
    });
    await accounts.signUp({ login: 'lea', password: 'a long enough password' }, { ip: '10.0.0.1' });
  });
  after(async () => database.close());

  const workOf = async (login: string, ip: string) => {
    derivations.length = 0;
    await assert.rejects(accounts.signIn({ login, password: 'not the password' }, { ip }), { code: 'DS_PEOPLE_INVALID_CREDENTIALS', message: 'the login or the password is wrong' });
    return derivations.map((p) => p.ln);
  };

  it('derives once at the configured cost (2^12) in both cases, and answers the same error', async () => {
    assert.deepEqual(await workOf('lea', '10.5.0.1'), [12]);
    assert.deepEqual(await workOf('nobody', '10.6.0.1'), [12]);
  });
});
