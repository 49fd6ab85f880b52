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
  let third: Database;
  let off: Shell;
  let secure: Shell;
  let costly: Shell;
  before(async () => {
    [database, other, third] = await Promise.all([openTestDatabase('pglite'), openTestDatabase('pglite'), openTestDatabase('pglite')]);
    off = await shell(database, clock, { intermediary: false });
  });
  after(async () => {
    await off?.app.close();
    await secure?.app.close();
    await costly?.app.close();
    await database?.close();
    await other?.close();
    await third?.close();
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

  it('spends about the same time on an unknown login as on a wrong password (no enumeration by timing)', async () => {
    // A real cost, so that skipping the hash for unknown logins would show (the database work is the same for both).
    costly = await shell(third, clock, { scryptCost: 2 ** 14 });
    assert.equal((await costly.app.inject({ method: 'POST', url: '/api/v1/me/sign-up', payload: { login: 'lea', password: PASSWORD } })).statusCode, 201);
    const timed = async (login: string, ip: string) => {
      const t = process.hrtime.bigint();
      const res = await costly.app.inject({ method: 'POST', url: '/api/v1/me/sessions', remoteAddress: ip, payload: { login, password: 'not the password' } });
      assert.equal(res.statusCode, 401);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const wrong: number[] = [];
    const unknown: number[] = [];
    // Interleaved, each from its own client, under the limits.
    for (let i = 0; i < 5; i += 1) {
      wrong.push(await timed('lea', `10.5.0.${i}`));
      unknown.push(await timed(`nobody-${i}`, `10.6.0.${i}`));
      clock.advance(15 * 60_000);
    }
    const ratio = median(unknown) / median(wrong);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms vs wrong ${median(wrong).toFixed(1)} ms`);
  });
});
