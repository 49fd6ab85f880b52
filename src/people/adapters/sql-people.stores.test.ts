import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../../test/support/databases.js';
import type { Database } from '../../db/index.js';
import { SqlAccountStore, SqlAttemptStore } from './sql-account.store.js';
import { SqlIntermediaryLinkStore, SqlLinkStore } from './sql-link.store.js';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

forEachEngine('people stores', (engine) => {
  let database: Database;
  let accounts: SqlAccountStore;
  let attempts: SqlAttemptStore;
  let links: SqlLinkStore;
  let held: SqlIntermediaryLinkStore;
  const person = (id: string, login: string) => ({ id, login, loginKey: login.toLowerCase(), language: 'fr' as const, passwordHash: `hash-${id}`, createdAt: t0 });

  before(async () => {
    database = await openTestDatabase(engine);
    accounts = new SqlAccountStore(database.db);
    attempts = new SqlAttemptStore(database.db);
    links = new SqlLinkStore(database.db);
    held = new SqlIntermediaryLinkStore(database.db);
    for (const p of [person('p1', 'Lea'), person('p2', 'Tom'), person('p3', 'Ana')]) assert.equal(await accounts.createPerson(p), 'created');
  });
  after(async () => database?.close());

  it('keeps logins unique by key and reads people back', async () => {
    assert.equal(await accounts.createPerson({ ...person('p9', 'LEA'), loginKey: 'lea' }), 'taken');
    assert.deepEqual(await accounts.person('p1'), { id: 'p1', login: 'Lea', language: 'fr', createdAt: t0 });
    assert.deepEqual(await accounts.personByLoginKey('lea'), { id: 'p1', login: 'Lea', language: 'fr', createdAt: t0, passwordHash: 'hash-p1' });
    assert.equal(await accounts.personByLoginKey('nobody'), undefined);
    await accounts.createPerson({ ...person('p4', 'Named'), name: 'Léa Martin', language: 'en' });
    assert.deepEqual(await accounts.person('p4'), { id: 'p4', login: 'Named', name: 'Léa Martin', language: 'en', createdAt: t0 });
    await accounts.setPasswordHash('p1', 'rehashed');
    assert.equal((await accounts.personByLoginKey('lea'))?.passwordHash, 'rehashed');
  });

  it('finds sessions by token hash and revokes them once', async () => {
    await accounts.createSession({ id: 's1', personId: 'p1', tokenHash: 'h1', createdAt: t0, expiresAt: at(60) });
    assert.deepEqual(await accounts.sessionByTokenHash('h1'), { id: 's1', personId: 'p1', expiresAt: at(60) });
    assert.equal(await accounts.sessionByTokenHash('h2'), undefined);
    assert.equal(await accounts.revokeSession('s1', at(5)), true);
    assert.equal(await accounts.revokeSession('s1', at(6)), false);
    assert.deepEqual(await accounts.sessionByTokenHash('h1'), { id: 's1', personId: 'p1', expiresAt: at(60), revokedAt: at(5) });
    await accounts.createSession({ id: 's2', personId: 'p1', tokenHash: 'h2', createdAt: at(10), expiresAt: at(20) });
    await accounts.createSession({ id: 's3', personId: 'p2', tokenHash: 'h3', createdAt: at(10), expiresAt: at(20) });
    await accounts.createSession({ id: 's4', personId: 'p1', tokenHash: 'h4', createdAt: at(20), expiresAt: at(80) });
    assert.equal(await accounts.sessionByTokenHash('h1'), undefined, 'a revoked session goes when the next one starts');
    assert.equal(await accounts.sessionByTokenHash('h2'), undefined, 'so does an expired one');
    assert.deepEqual(await accounts.sessionByTokenHash('h3'), { id: 's3', personId: 'p2', expiresAt: at(20) }, "another person's sessions stay");
    assert.deepEqual(await accounts.sessionByTokenHash('h4'), { id: 's4', personId: 'p1', expiresAt: at(80) });
  });

  it('counts earlier running or failed attempts per login and per client, in order, within the window', async () => {
    const a1 = await attempts.begin({ loginHash: 'L', ipHash: 'I', at: at(1), since: at(-900) });
    assert.deepEqual([a1.byLogin, a1.byIp], [[], []]);
    await attempts.fail(a1.seq);
    const a2 = await attempts.begin({ loginHash: 'L', ipHash: 'J', at: at(2), since: at(-900) });
    const a3 = await attempts.begin({ loginHash: 'M', ipHash: 'I', at: at(3), since: at(-900) });
    assert.deepEqual(a2.byLogin, [at(1)]);
    assert.deepEqual(a2.byIp, []);
    assert.deepEqual([a3.byLogin, a3.byIp], [[], [at(1)]], 'a running attempt counts only for the later ones');
    assert.ok(a3.seq > a2.seq && a2.seq > a1.seq);
    await attempts.drop(a2.seq);
    const a4 = await attempts.begin({ loginHash: 'L', ipHash: 'I', at: at(4), since: at(2) });
    assert.deepEqual([a4.byLogin, a4.byIp], [[], [at(3)]], 'older than `since` and dropped attempts are not counted');
    await attempts.fail(a3.seq);
    await attempts.fail(a4.seq);
    await attempts.clearLogin('L');
    const a5 = await attempts.begin({ loginHash: 'L', ipHash: 'I', at: at(5), since: at(-900) });
    assert.deepEqual([a5.byLogin, a5.byIp], [[], [at(3)]], "clearing a login keeps the client's other failures");
    await attempts.prune(at(4));
    const a6 = await attempts.begin({ loginHash: 'M', ipHash: 'I', at: at(6), since: at(-900) });
    assert.deepEqual([a6.byLogin, a6.byIp], [[], [at(5)]]);
  });

  it('opens links (one live code per participant), confirms each once, and maps subjects both ways', async () => {
    await links.open({ id: 'k1', personId: 'p1', participantDid: 'did:web:tb', codeHash: 'c1', codeExpiresAt: at(900), createdAt: at(1) });
    await links.open({ id: 'k2', personId: 'p1', participantDid: 'did:web:tb', codeHash: 'c2', codeExpiresAt: at(902), createdAt: at(2) });
    assert.equal(await links.pendingByCodeHash('c1'), undefined, 'the earlier code was replaced');
    assert.deepEqual((await links.get('p1', 'k1'))?.status, 'revoked');
    assert.deepEqual(await links.pendingByCodeHash('c2'), { id: 'k2', personId: 'p1', participantDid: 'did:web:tb', status: 'pending', codeExpiresAt: at(902), createdAt: at(2) });
    assert.equal(await links.confirm('k1', 'tb-123', at(3)), 'not-pending');
    assert.equal(await links.confirm('k2', 'tb-123', at(3)), 'confirmed');
    assert.equal(await links.confirm('k2', 'tb-123', at(4)), 'not-pending', 'single use');
    assert.equal(await links.pendingByCodeHash('c2'), undefined);
    assert.deepEqual(await links.confirmedWith('p1', 'did:web:tb'), { id: 'k2', personId: 'p1', participantDid: 'did:web:tb', status: 'confirmed', subjectId: 'tb-123', createdAt: at(2), confirmedAt: at(3) });
    assert.equal(await links.personOfSubject('did:web:tb', 'tb-123'), 'p1');
    assert.equal(await links.personOfSubject('did:web:ag', 'tb-123'), undefined);
    assert.equal(await links.subjectAt('p1', 'did:web:tb'), 'tb-123');
    assert.equal(await links.subjectAt('p2', 'did:web:tb'), undefined);
    assert.deepEqual((await links.list('p1')).map((l) => [l.id, l.status]), [['k2', 'confirmed'], ['k1', 'revoked']]);
    assert.deepEqual(await links.list('p2'), []);
    assert.equal(await links.get('p2', 'k2'), undefined, "someone else's link is not found");
  });

  it('refuses a subject id linked to another person and a second link of the same person', async () => {
    await links.open({ id: 'k3', personId: 'p2', participantDid: 'did:web:tb', codeHash: 'c3', codeExpiresAt: at(900), createdAt: at(5) });
    assert.equal(await links.confirm('k3', 'tb-123', at(6)), 'subject-taken');
    await links.open({ id: 'k4', personId: 'p1', participantDid: 'did:web:tb', codeHash: 'c4', codeExpiresAt: at(900), createdAt: at(5) });
    assert.equal(await links.confirm('k4', 'tb-999', at(6)), 'already-linked');
    assert.equal(await links.confirm('k3', 'tb-456', at(7)), 'confirmed', 'a refused confirmation leaves the link usable');
  });

  it('keeps both confirmations safe when they race for one subject id', async () => {
    await links.open({ id: 'k5', personId: 'p3', participantDid: 'did:web:ag', codeHash: 'c5', codeExpiresAt: at(900), createdAt: at(8) });
    await links.open({ id: 'k6', personId: 'p4', participantDid: 'did:web:ag', codeHash: 'c6', codeExpiresAt: at(900), createdAt: at(8) });
    const outcomes = await Promise.all([links.confirm('k5', 'ag-9', at(9)), links.confirm('k6', 'ag-9', at(9))]);
    assert.deepEqual(outcomes.sort(), ['confirmed', 'subject-taken']);
  });

  it('revokes a link: it no longer maps the subject', async () => {
    await links.revoke('p1', 'k2', at(10));
    assert.equal(await links.personOfSubject('did:web:tb', 'tb-123'), undefined);
    assert.equal((await links.get('p1', 'k2'))?.revokedAt?.getTime(), at(10).getTime());
    await links.revoke('p2', 'k3', at(11));
    await links.revoke('p2', 'k3', at(12));
    assert.deepEqual((await links.get('p2', 'k3'))?.revokedAt, at(11), 'revoking twice keeps the first time');
  });

  it('keeps the links confirmed at intermediaries, filtered and paged', async () => {
    const first = await held.save({ id: 'h1', intermediaryDid: 'did:web:i', subjectId: 'tb-123', linkId: 'k2', confirmedAt: at(1) });
    assert.deepEqual(first, { id: 'h1', intermediaryDid: 'did:web:i', subjectId: 'tb-123', linkId: 'k2', confirmedAt: at(1) });
    assert.deepEqual(await held.save({ id: 'h9', intermediaryDid: 'did:web:i', subjectId: 'tb-123', linkId: 'k2', confirmedAt: at(5) }), first, 'the same link is kept once');
    await held.save({ id: 'h2', intermediaryDid: 'did:web:i', subjectId: 'tb-456', linkId: 'k3', confirmedAt: at(2) });
    await held.save({ id: 'h3', intermediaryDid: 'did:web:j', subjectId: 'tb-123', linkId: 'x1', confirmedAt: at(3) });
    assert.deepEqual((await held.list({ limit: 10, offset: 0 })).items.map((l) => l.id), ['h3', 'h2', 'h1']);
    assert.deepEqual(await held.list({ intermediary: 'did:web:i', limit: 1, offset: 1 }), { items: [first], total: 2 });
    assert.deepEqual((await held.list({ subjectId: 'tb-123', limit: 10, offset: 0 })).items.map((l) => l.id), ['h3', 'h1']);
  });
});
