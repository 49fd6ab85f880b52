import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestDatabase } from '../../test/support/databases.js';
import type { Database } from '../db/index.js';
import { ManualClock } from '../kernel/index.js';
import { PASSWORD, shell, type Shell } from './testing/people-shell.js';

describe('people on a node without the intermediary role, and behind https', () => {
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  let database: Database;
  let other: Database;
  let off: Shell;
  let secure: Shell;
  before(async () => {
    [database, other] = await Promise.all([openTestDatabase('pglite'), openTestDatabase('pglite')]);
    off = await shell(database, clock, { intermediary: false });
  });
  after(async () => {
    await off?.app.close();
    await secure?.app.close();
    await database?.close();
    await other?.close();
  });

  it('answers 409 DS_PEOPLE_NOT_INTERMEDIARY to sign-up and sign-in, and accepts no session', async () => {
    for (const url of ['/api/v1/me/sign-up', '/api/v1/me/sessions']) {
      const res = await off.app.inject({ method: 'POST', url, payload: { login: 'lea', password: PASSWORD } });
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().code, 'DS_PEOPLE_NOT_INTERMEDIARY');
    }
    const me = await off.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${'A'.repeat(43)}` } });
    assert.equal(me.json().code, 'DS_AUTH_INVALID_TOKEN');
    await assert.rejects(off.people.authenticate('A'.repeat(43)), { code: 'DS_AUTH_INVALID_TOKEN' });
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    secure = await shell(other, clock, { publicUrl: 'https://i.example' });
    assert.equal((await secure.app.inject({ method: 'POST', url: '/api/v1/me/sign-up', payload: { login: 'lea', password: PASSWORD } })).statusCode, 201);
    const res = await secure.app.inject({ method: 'POST', url: '/api/v1/me/sessions', payload: { login: 'lea', password: PASSWORD } });
    assert.match(String(res.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600; Secure$/);
  });
  // No enumeration of logins by timing: app/accounts.enumeration.test.ts counts the hasher's work instead of timing it.
});
