import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import type { Database } from '../db/index.js';
import { ManualClock } from '../kernel/index.js';
import { ADMIN, PASSWORD, shell, SUSPENDED, TB, TTL, type Shell } from './testing/people-shell.js';

type Method = 'GET' | 'POST' | 'DELETE';

forEachEngine('people over HTTP', (engine) => {
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  let database: Database;
  let s: Shell;
  let ipCounter = 0;
  /** Each test signs in from its own client address so that the per-client limit of one does not affect another. */
  const newIp = () => `10.0.0.${++ipCounter}`;
  const call = (method: Method, url: string, o: { payload?: object; token?: string; cookie?: string; key?: string; ip?: string; headers?: Record<string, string> } = {}) =>
    s.app.inject({
      method,
      url,
      remoteAddress: o.ip ?? '10.9.9.9',
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.key ? { 'x-api-key': o.key } : {}), ...o.headers },
      ...(o.payload ? { payload: o.payload } : {}),
    });
  const signUp = (login: string, extra: object = {}, ip = newIp()) => call('POST', '/api/v1/me/sign-up', { payload: { login, password: PASSWORD, ...extra }, ip });
  const signIn = (login: string, password = PASSWORD, ip = newIp()) => call('POST', '/api/v1/me/sessions', { payload: { login, password }, ip });
  const tokenOf = async (login: string) => {
    const res = await signIn(login);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().token as string;
  };
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; errors?: Array<{ path: string }> } }, status: number, code: string, path?: string) => {
    assert.equal(res.statusCode, status, JSON.stringify(res.json()));
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().code, code);
    if (path) assert.ok(res.json().errors?.some((e) => e.path === path), `expected an error at ${path}: ${JSON.stringify(res.json().errors)}`);
  };

  before(async () => {
    database = await openTestDatabase(engine);
    s = await shell(database, clock);
    assert.equal((await signUp('Lea.Martin', { name: 'Léa Martin' }, '10.1.1.1')).statusCode, 201);
    assert.equal((await signUp('tom', { language: 'en' }, '10.1.1.2')).statusCode, 201);
  });
  after(async () => {
    await s?.app.close();
    await database?.close();
  });

  describe('sign-up', () => {
    it('creates an account with the language asked or taken from Accept-Language', async () => {
      const res = await call('POST', '/api/v1/me/sign-up', { payload: { login: 'amelie', password: PASSWORD }, headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' }, ip: newIp() });
      assert.equal(res.statusCode, 201, res.body);
      assert.match(res.json().personId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(Object.keys(res.json()), ['personId']);
      const me = (await call('GET', '/api/v1/me', { token: await tokenOf('amelie') })).json();
      assert.deepEqual(me, { personId: res.json().personId, login: 'amelie', language: 'fr', createdAt: clock.now().toISOString() });
    });

    it('refuses a login taken in another case, bad lengths and unknown fields, naming the field', async () => {
      problem(await signUp('LEA.martin'), 409, 'DS_PEOPLE_LOGIN_TAKEN', '/body/login');
      problem(await signUp('ab'), 400, 'DS_HTTP_VALIDATION', '/body/login');
      problem(await call('POST', '/api/v1/me/sign-up', { payload: { login: 'shortpw', password: 'x'.repeat(9) } }), 400, 'DS_HTTP_VALIDATION', '/body/password');
      problem(await call('POST', '/api/v1/me/sign-up', { payload: { login: 'longpw', password: 'x'.repeat(201) } }), 400, 'DS_HTTP_VALIDATION', '/body/password');
      problem(await signUp('extra', { role: 'admin' }), 400, 'DS_HTTP_VALIDATION', '/body/role');
      problem(await signUp('lang', { language: 'de' }), 400, 'DS_HTTP_VALIDATION', '/body/language');
      problem(await signUp(' padded'), 400, 'DS_HTTP_VALIDATION', '/body/login');
      problem(await signUp('blank', { name: '  ' }), 400, 'DS_HTTP_VALIDATION', '/body/name');
    });

    it('limits how often one client can learn that logins are taken', async () => {
      const ip = newIp();
      for (let i = 0; i < 5; i += 1) problem(await signUp('tom', {}, ip), 409, 'DS_PEOPLE_LOGIN_TAKEN');
      const res = await signUp('brand-new', {}, ip);
      problem(res, 429, 'DS_PEOPLE_TOO_MANY_ATTEMPTS');
      assert.equal(res.headers['retry-after'], '900');
      assert.equal((await signUp('brand-new', {}, newIp())).statusCode, 201, 'other clients are not affected');
    });
  });

  describe('sessions', () => {
    it('signs in with a session token and an HttpOnly SameSite=Strict cookie that both authenticate', async () => {
      const res = await signIn('lea.MARTIN');
      assert.equal(res.statusCode, 201, res.body);
      const { token, expiresAt } = res.json();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(expiresAt, new Date(clock.now().getTime() + TTL * 1000).toISOString());
      assert.equal(res.headers['set-cookie'], `dases_session=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${TTL}`);
      assert.equal(res.headers['cache-control'], 'no-store');
      const byBearer = await call('GET', '/api/v1/me', { token });
      assert.equal(byBearer.statusCode, 200, byBearer.body);
      assert.deepEqual([byBearer.json().login, byBearer.json().name, byBearer.json().language], ['Lea.Martin', 'Léa Martin', 'en']);
      assert.deepEqual((await call('GET', '/api/v1/me', { cookie: `other=1; dases_session=${token}` })).json(), byBearer.json());
      assert.deepEqual(await s.people.authenticate(token), { kind: 'person', personId: byBearer.json().personId, sessionId: (await s.people.authenticate(token)).sessionId });
    });

    it('refuses missing, malformed, unknown and conflicting credentials', async () => {
      problem(await call('GET', '/api/v1/me'), 401, 'DS_AUTH_MISSING_CREDENTIALS', '/headers/authorization');
      problem(await call('GET', '/api/v1/me', { token: 'short' }), 401, 'DS_AUTH_INVALID_TOKEN');
      problem(await call('GET', '/api/v1/me', { token: 'A'.repeat(43) }), 401, 'DS_AUTH_INVALID_TOKEN');
      problem(await call('GET', '/api/v1/me', { cookie: `dases_session=${'B'.repeat(43)}` }), 401, 'DS_AUTH_INVALID_TOKEN');
      const good = await tokenOf('tom');
      problem(await call('GET', '/api/v1/me', { token: 'A'.repeat(43), cookie: `dases_session=${good}` }), 401, 'DS_AUTH_INVALID_TOKEN');
      problem(await call('GET', '/api/v1/me', { key: ADMIN }), 401, 'DS_AUTH_MISSING_CREDENTIALS', '/headers/authorization');
      problem(await call('GET', '/api/v1/person-links', { token: good }), 401, 'DS_AUTH_MISSING_CREDENTIALS', '/headers/x-api-key');
    });

    it('expires sessions after the configured time', async () => {
      const token = await tokenOf('tom');
      clock.advance(TTL * 1000 - 1);
      assert.equal((await call('GET', '/api/v1/me', { token })).statusCode, 200);
      clock.advance(1);
      const res = await call('GET', '/api/v1/me', { token });
      problem(res, 401, 'DS_AUTH_INVALID_TOKEN');
      assert.match(res.json().detail, /expired/);
    });

    it('signs out: the session stops working at once and the cookie is cleared', async () => {
      const token = await tokenOf('tom');
      const other = await tokenOf('tom');
      const res = await call('DELETE', '/api/v1/me/sessions/current', { cookie: `dases_session=${token}` });
      assert.equal(res.statusCode, 204);
      assert.equal(res.headers['set-cookie'], 'dases_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
      problem(await call('GET', '/api/v1/me', { token }), 401, 'DS_AUTH_INVALID_TOKEN');
      problem(await call('DELETE', '/api/v1/me/sessions/current', { token }), 401, 'DS_AUTH_INVALID_TOKEN');
      assert.equal((await call('GET', '/api/v1/me', { token: other })).statusCode, 200, 'only the current session ends');
    });

    it('answers an unknown login exactly like a wrong password', async () => {
      const wrong = await signIn('tom', 'not the password');
      const unknown = await signIn('nobody-here', 'not the password');
      problem(wrong, 401, 'DS_PEOPLE_INVALID_CREDENTIALS');
      assert.deepEqual(unknown.json(), wrong.json());
      assert.equal(unknown.headers['set-cookie'], undefined);
      problem(await call('POST', '/api/v1/me/sessions', { payload: { login: 'tom' } }), 400, 'DS_HTTP_VALIDATION', '/body/password');
    });
  });

  describe('sign-in limits', () => {
    it('refuses a login with 429 and Retry-After after 5 failures in 15 minutes, even with the right password, then lets it in', async () => {
      for (let i = 0; i < 5; i += 1) {
        problem(await signIn('lea.martin', `wrong ${i}`), 401, 'DS_PEOPLE_INVALID_CREDENTIALS');
        clock.advance(10_000);
      }
      const blocked = await signIn('lea.martin');
      problem(blocked, 429, 'DS_PEOPLE_TOO_MANY_ATTEMPTS');
      assert.equal(blocked.headers['retry-after'], String(900 - 50));
      problem(await signIn('LEA.MARTIN', PASSWORD, newIp()), 429, 'DS_PEOPLE_TOO_MANY_ATTEMPTS');
      clock.advance((900 - 50) * 1000);
      assert.equal((await signIn('lea.martin')).statusCode, 201, 'the oldest failure left the window');
      // Success clears the login's failures: one more mistake does not block it again.
      problem(await signIn('lea.martin', 'wrong again'), 401, 'DS_PEOPLE_INVALID_CREDENTIALS');
      assert.equal((await signIn('lea.martin')).statusCode, 201);
    });

    it('refuses a client after 5 failures on any logins, unknown ones included', async () => {
      const ip = newIp();
      for (const login of ['a1', 'a2', 'tom', 'a4', 'a5']) problem(await signIn(login, 'not the password', ip), 401, 'DS_PEOPLE_INVALID_CREDENTIALS');
      const blocked = await signIn('tom', PASSWORD, ip);
      problem(blocked, 429, 'DS_PEOPLE_TOO_MANY_ATTEMPTS');
      assert.equal(blocked.headers['retry-after'], '900');
      assert.equal((await signIn('tom', PASSWORD, newIp())).statusCode, 201, 'the person signs in from elsewhere');
    });

    it('lets exactly five of a burst of parallel guesses through', async () => {
      const ip = newIp();
      const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => signIn('burst-target', `guess ${n}`, ip)));
      const statuses = answers.map((r) => r.statusCode).sort();
      assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(7).fill(429)]);
    });

    it('keeps the limit across processes sharing the database', async () => {
      const second = await shell(database, clock);
      try {
        const ip = newIp();
        for (let i = 0; i < 3; i += 1) await signIn('x-shared', 'not the password', ip);
        for (let i = 0; i < 2; i += 1) await second.app.inject({ method: 'POST', url: '/api/v1/me/sessions', remoteAddress: ip, payload: { login: 'y-shared', password: 'nope nope nope' } });
        problem(await signIn('tom', PASSWORD, ip), 429, 'DS_PEOPLE_TOO_MANY_ATTEMPTS');
      } finally {
        await second.app.close();
      }
    });
  });

  describe('links', () => {
    it('opens a link with a trusted participant: a one-time code shown once, valid 15 minutes', async () => {
      const token = await tokenOf('tom');
      const res = await call('POST', '/api/v1/me/links', { token, payload: { participant: TB } });
      assert.equal(res.statusCode, 201, res.body);
      const { id, code, expiresAt } = res.json();
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      assert.equal(expiresAt, new Date(clock.now().getTime() + 15 * 60_000).toISOString());
      assert.equal(res.headers['cache-control'], 'no-store');
      const list = (await call('GET', '/api/v1/me/links', { token })).json();
      assert.deepEqual(list, { items: [{ id, participantDid: TB, status: 'pending', codeExpiresAt: expiresAt, createdAt: clock.now().toISOString() }] });
      assert.ok(!JSON.stringify(list).includes(code), 'the code is never shown again');
      const stored = await database.db.selectFrom('people_links').select('code_hash').where('id', '=', id).executeTakeFirstOrThrow();
      assert.ok(stored.code_hash && !stored.code_hash.includes(code.replace(/-/g, '')), 'stored hashed');
      assert.deepEqual((await s.people.links((await s.people.authenticate(token)).personId)).map((l) => [l.id, l.status]), [[id, 'pending']]);
    });

    it('refuses unknown, suspended and malformed participants', async () => {
      const token = await tokenOf('tom');
      problem(await call('POST', '/api/v1/me/links', { token, payload: { participant: 'did:web:stranger.example' } }), 422, 'DS_PEOPLE_UNKNOWN_PARTICIPANT', '/body/participant');
      problem(await call('POST', '/api/v1/me/links', { token, payload: { participant: SUSPENDED } }), 422, 'DS_PEOPLE_UNKNOWN_PARTICIPANT', '/body/participant');
      problem(await call('POST', '/api/v1/me/links', { token, payload: { participant: 'https://tb.example' } }), 400, 'DS_HTTP_VALIDATION', '/body/participant');
      problem(await call('POST', '/api/v1/me/links', { payload: { participant: TB } }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
    });

    it("shows and revokes only the person's own links; someone else's answers 404", async () => {
      const tom = await tokenOf('tom');
      const lea = await tokenOf('lea.martin');
      const { id } = (await call('POST', '/api/v1/me/links', { token: lea, payload: { participant: TB } })).json();
      assert.ok(!(await call('GET', '/api/v1/me/links', { token: tom })).json().items.some((l: { id: string }) => l.id === id));
      problem(await call('DELETE', `/api/v1/me/links/${id}`, { token: tom }), 404, 'DS_PEOPLE_LINK_NOT_FOUND', '/params/id');
      problem(await call('DELETE', '/api/v1/me/links/no-such-link', { token: lea }), 404, 'DS_PEOPLE_LINK_NOT_FOUND');
      assert.equal((await call('DELETE', `/api/v1/me/links/${id}`, { token: lea })).statusCode, 204);
      const mine = (await call('GET', '/api/v1/me/links', { token: lea })).json().items.find((l: { id: string }) => l.id === id);
      assert.deepEqual([mine.status, mine.revokedAt, mine.codeExpiresAt], ['revoked', clock.now().toISOString(), undefined]);
    });
  });

  describe('participant side (operator API)', () => {
    it('needs an operator key with the right scope and refuses an intermediary it does not trust', async () => {
      const reader = (await call('POST', '/api/v1/keys', { key: ADMIN, payload: { name: 'reader', scopes: ['read'] } })).json().key;
      problem(await call('GET', '/api/v1/person-links'), 401, 'DS_AUTH_MISSING_CREDENTIALS');
      assert.deepEqual((await call('GET', '/api/v1/person-links', { key: reader })).json(), { items: [], total: 0 });
      const body = { intermediary: 'did:web:unknown.example', code: 'AAAA-BBBB-CCCC', subjectId: 'tb-123' };
      problem(await call('POST', '/api/v1/person-links', { key: reader, payload: body }), 403, 'DS_AUTH_INSUFFICIENT_SCOPE');
      problem(await call('POST', '/api/v1/person-links', { key: ADMIN, payload: body }), 422, 'DS_PEOPLE_UNKNOWN_INTERMEDIARY', '/body/intermediary');
      problem(await call('POST', '/api/v1/person-links', { key: ADMIN, payload: { ...body, intermediary: SUSPENDED } }), 422, 'DS_PEOPLE_UNKNOWN_INTERMEDIARY', '/body/intermediary');
      problem(await call('POST', '/api/v1/person-links', { key: ADMIN, payload: { ...body, subjectId: 'tb\n123' } }), 400, 'DS_HTTP_VALIDATION', '/body/subjectId');
      problem(await call('POST', '/api/v1/person-links', { key: ADMIN, payload: { ...body, code: undefined } }), 400, 'DS_HTTP_VALIDATION', '/body/code');
      problem(await call('GET', '/api/v1/person-links?limit=0', { key: reader }), 400, 'DS_HTTP_VALIDATION', '/querystring/limit');
      problem(await call('POST', '/dsp/people/links/confirm', { payload: { code: 'AAAA-BBBB-CCCC', subjectId: 'x' } }), 401, 'DS_AUTH_MISSING_CREDENTIALS');
      // TB's DSP endpoint in this directory is a closed loopback port.
      const down = await call('POST', '/api/v1/person-links', { key: ADMIN, payload: { ...body, intermediary: TB } });
      problem(down, 502, 'DS_PEOPLE_REMOTE_UNREACHABLE');
      assert.match(down.json().detail, /^http:\/\/127\.0\.0\.1:9\/dsp\/people\/links\/confirm: /);
      assert.deepEqual((await call('GET', '/api/v1/person-links', { key: reader })).json(), { items: [], total: 0 }, 'nothing is kept when the intermediary did not confirm');
    });
  });

  describe('password storage', () => {
    it('stores scrypt hashes with their parameters and upgrades weaker ones at the next sign-in', async () => {
      const before = await database.db.selectFrom('people').select('password_hash').where('login_key', '=', 'tom').executeTakeFirstOrThrow();
      assert.match(before.password_hash, /^\$scrypt\$ln=10,r=8,p=1\$/);
      assert.ok(!before.password_hash.includes(PASSWORD));
      const stronger = await shell(database, clock, { scryptCost: 2 ** 11 });
      try {
        assert.equal((await stronger.app.inject({ method: 'POST', url: '/api/v1/me/sessions', remoteAddress: newIp(), payload: { login: 'tom', password: PASSWORD } })).statusCode, 201);
      } finally {
        await stronger.app.close();
      }
      const after = await database.db.selectFrom('people').select('password_hash').where('login_key', '=', 'tom').executeTakeFirstOrThrow();
      assert.match(after.password_hash, /^\$scrypt\$ln=11,r=8,p=1\$/);
      assert.equal((await signIn('tom')).statusCode, 201, 'the new hash verifies');
    });
  });
});
