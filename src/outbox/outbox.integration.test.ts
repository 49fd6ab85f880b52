import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, it } from 'node:test';
import { forEachEngine, openTestDatabase } from '../../test/support/databases.js';
import { pollUntil } from '../../test/support/poll.js';
import type { Database } from '../db/index.js';
import { ManualClock, randomIds, silentLogger, systemClock } from '../kernel/index.js';
import { createOutbox, type Outbox, type OutboxDeps, type OutboxMessage, type OutboxOutcome } from './index.js';

interface Received {
  path: string;
  auth: string | undefined;
  body: { n?: number };
}

/** A receiving node on loopback whose answer per path the test decides. */
function receiver(answer: (path: string, body: { n?: number }, count: number) => Promise<[number, unknown]> | [number, unknown]) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', async () => {
      const body = JSON.parse(text) as { n?: number };
      received.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const [status, payload] = await answer(req.url ?? '', body, received.filter((r) => r.path === req.url).length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(payload === undefined ? '' : JSON.stringify(payload));
    });
  });
  return {
    received,
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

forEachEngine('outbox', (engine) => {
  let d: Database;
  let base: string;
  const outboxes: Outbox[] = [];
  let answer: (path: string, body: { n?: number }, count: number) => Promise<[number, unknown]> | [number, unknown] = () => [200, { ok: true }];
  const rx = receiver((p, b, c) => answer(p, b, c));
  const outcomes: Array<{ msg: OutboxMessage; outcome: OutboxOutcome }> = [];

  const make = (over: Partial<OutboxDeps> = {}): Outbox => {
    const o = createOutbox({
      db: d.db,
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger(),
      tokens: { sign: async (aud) => `token-for-${aud}` },
      holder: `test-${outboxes.length}`,
      retry: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 4 },
      sweepMs: 20,
      ...over,
    });
    o.on('test', async (msg, outcome) => void outcomes.push({ msg, outcome }));
    outboxes.push(o);
    return o;
  };

  before(async () => {
    d = await openTestDatabase(engine);
    base = await rx.listen();
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    await d.db.deleteFrom('outbox').execute();
    rx.received.length = 0;
    outcomes.length = 0;
    answer = () => [200, { ok: true }];
  });
  after(async () => {
    await rx.close();
    await d.close();
  });

  it('sends a committed message right away with a token for the receiver, and reports the answer', async () => {
    const o = make();
    o.start();
    await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/a`, audience: 'did:web:b', body: { n: 1 } }));
    await pollUntil(async () => outcomes.length === 1);
    assert.deepEqual(rx.received, [{ path: '/a', auth: 'Bearer token-for-did:web:b', body: { n: 1 } }]);
    assert.deepEqual(outcomes[0]!.outcome, { ok: true, status: 200, body: { ok: true } });
    assert.equal(outcomes[0]!.msg.attempts, 1);
    // Removed by a round within a few milliseconds of its outcome (leased to this process until then).
    await pollUntil(async () => (await o.pending()).length === 0, { what: 'the delivered message to be removed' });
  });

  it('never sends a message whose transaction rolled back', async () => {
    const o = make();
    o.start();
    await assert.rejects(
      d.db.transaction().execute(async (tx) => {
        await o.enqueue(tx, { topic: 'test', url: `${base}/a`, audience: 'did:web:b', body: { n: 1 } });
        throw new Error('rollback');
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rx.received.length, 0);
    assert.deepEqual(await o.pending(), []);
  });

  it('retries transient failures with back-off and gives up on a final refusal', async () => {
    answer = (path, _b, count) => (path === '/flaky' ? (count < 3 ? [503, { busy: true }] : [200, { done: true }]) : [400, { code: 'NO' }]);
    const o = make();
    o.start();
    await d.db.transaction().execute(async (tx) => {
      await o.enqueue(tx, { topic: 'test', url: `${base}/flaky`, audience: 'did:web:b', body: { n: 1 } });
      await o.enqueue(tx, { topic: 'test', url: `${base}/refuse`, audience: 'did:web:b', body: { n: 2 } });
    });
    await pollUntil(async () => outcomes.length === 2, { timeoutMs: 5000 });
    const flaky = outcomes.find((x) => x.msg.url.endsWith('/flaky'))!;
    assert.deepEqual(flaky.outcome, { ok: true, status: 200, body: { done: true } });
    assert.equal(flaky.msg.attempts, 3);
    const refused = outcomes.find((x) => x.msg.url.endsWith('/refuse'))!;
    assert.equal(refused.outcome.ok, false);
    assert.equal(refused.outcome.ok === false && refused.outcome.status, 400);
    assert.equal(rx.received.filter((r) => r.path === '/refuse').length, 1, 'a 400 is not retried');
  });

  it('gives up after the last attempt when the receiver cannot be reached', async () => {
    const o = make();
    o.start();
    await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: 'http://127.0.0.1:1/x', audience: 'did:web:b', body: {} }));
    await pollUntil(async () => outcomes.length === 1, { timeoutMs: 5000 });
    assert.equal(outcomes[0]!.outcome.ok, false);
    assert.equal(outcomes[0]!.msg.attempts, 4);
  });

  it('delivers the messages of one key one at a time, in order', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    answer = async (_p, body) => {
      if (body.n === 1) await gate;
      return [200, {}];
    };
    const o = make();
    o.start();
    await d.db.transaction().execute(async (tx) => {
      for (const n of [1, 2, 3]) await o.enqueue(tx, { topic: 'test', url: `${base}/k`, audience: 'did:web:b', body: { n }, key: 'neg-1' });
      await o.enqueue(tx, { topic: 'test', url: `${base}/other`, audience: 'did:web:b', body: { n: 9 }, key: 'neg-2' });
    });
    await pollUntil(async () => rx.received.some((r) => r.body.n === 9));
    assert.deepEqual(rx.received.filter((r) => r.path === '/k').map((r) => r.body.n), [1], 'later messages of the key wait');
    release();
    await pollUntil(async () => outcomes.length === 4);
    assert.deepEqual(rx.received.filter((r) => r.path === '/k').map((r) => r.body.n), [1, 2, 3]);
  });

  it('does not hold the messages of other keys behind a slow delivery', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    answer = async (path) => {
      if (path === '/slow') await gate;
      return [200, {}];
    };
    const o = make({ sweepMs: 60_000 });
    o.start();
    await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/slow`, audience: 'did:web:b', body: { n: 1 }, key: 'k1' }));
    await pollUntil(async () => rx.received.some((r) => r.path === '/slow'));
    await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/fast`, audience: 'did:web:b', body: { n: 2 }, key: 'k2' }));
    await pollUntil(async () => outcomes.some((x) => x.msg.url.endsWith('/fast')), { timeoutMs: 10_000, what: 'the other key, while the slow one is held' });
    release();
    await pollUntil(async () => outcomes.length === 2);
  });

  it('sends a message at once when its enqueuer says it committed, and one never announced once its lease ran out', async () => {
    const clock = new ManualClock(new Date());
    const o = make({ clock, sweepMs: 60_000 });
    o.start();
    const told = await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/told`, audience: 'did:web:b', body: { n: 1 }, key: 'k' }, { afterCommit: 'caller' }));
    o.committed([told]);
    await pollUntil(async () => outcomes.length === 1);
    assert.equal(outcomes[0]!.msg.id, told);
    // Its enqueuer stopped before saying it committed: leased to this process at insert, nobody claims it...
    await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/untold`, audience: 'did:web:b', body: { n: 2 }, key: 'k' }, { afterCommit: 'caller' }));
    o.kick();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rx.received.filter((r) => r.path === '/untold').length, 0);
    // ...until the lease runs out: then any round sends it.
    clock.advance(60_000);
    o.kick();
    await pollUntil(async () => outcomes.length === 2);
    await pollUntil(async () => (await o.pending()).length === 0, { what: 'delivered messages to be removed' });
  });

  it('enqueues along a write inside a transaction: nothing leaves before the commit, nothing if it rolls back', async () => {
    let release: () => void = () => undefined;
    const commitGate = new Promise<void>((r) => (release = r));
    const o = make({ sweepMs: 60_000 });
    o.start();
    const msg = (n: number) => ({ topic: 'test', url: `${base}/with`, audience: 'did:web:b', body: { n }, key: `with-${n}` });
    const write = (q: typeof d.db, name: string) => q.insertInto('job_leases').values({ name, holder: 'test', lease_until: new Date() }).returning('name');
    const committing = d.db.transaction().execute(async (tx) => {
      const ids = await o.enqueueWith(tx, write(tx, 'with-1'), [msg(1)], { afterCommit: 'caller' });
      await commitGate;
      return ids;
    });
    await new Promise((r) => setTimeout(r, 100));
    o.kick();
    assert.equal(rx.received.length, 0, 'not sent while its transaction is open');
    release();
    const ids = await committing;
    assert.equal(ids?.length, 1);
    o.committed(ids!);
    await pollUntil(async () => outcomes.length === 1);
    assert.deepEqual(rx.received.map((r) => r.body.n), [1]);
    // Rolled back after the write: the message is gone with it and never sent.
    await assert.rejects(
      d.db.transaction().execute(async (tx) => {
        await o.enqueueWith(tx, write(tx, 'with-2'), [msg(2)], { afterCommit: 'caller' });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    o.kick();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(rx.received.map((r) => r.body.n), [1]);
    assert.equal((await o.pending()).length, 0);
    // A write that changes no row enqueues nothing.
    const none = await d.db.transaction().execute((tx) => o.enqueueWith(tx, tx.updateTable('job_leases').set({ holder: 'x' }).where('name', '=', 'absent').returning('name'), [msg(3)], { afterCommit: 'caller' }));
    assert.equal(none, undefined);
    assert.equal((await o.pending()).length, 0);
    await d.db.deleteFrom('job_leases').where('name', 'like', 'with-%').execute();
  });

  it('leases a message at insert only when no other message of its key is waiting', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    answer = async (_p, body) => {
      if (body.n === 1) await gate;
      return [200, {}];
    };
    const o = make({ sweepMs: 60_000 });
    o.start();
    const first = await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/k`, audience: 'did:web:b', body: { n: 1 }, key: 'k' }, { afterCommit: 'caller' }));
    o.committed([first]);
    await pollUntil(async () => rx.received.length === 1);
    const second = await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'test', url: `${base}/k`, audience: 'did:web:b', body: { n: 2 }, key: 'k' }, { afterCommit: 'caller' }));
    o.committed([second]);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(rx.received.map((r) => r.body.n), [1], 'the second waits for the first');
    release();
    await pollUntil(async () => outcomes.length === 2);
    assert.deepEqual(rx.received.map((r) => r.body.n), [1, 2]);
  });

  it('survives a restart: what one process enqueued, the next one sends', async () => {
    const first = make();
    await d.db.transaction().execute((tx) => first.enqueue(tx, { topic: 'test', url: `${base}/later`, audience: 'did:web:b', body: { n: 5 } }));
    await first.stop();
    assert.equal(rx.received.length, 0);
    const second = make();
    second.start();
    await pollUntil(async () => outcomes.length === 1);
    assert.deepEqual(rx.received.map((r) => r.body.n), [5]);
  });

  it('sends each message once when two processes share the database', async () => {
    const a = make();
    const b = make();
    await d.db.transaction().execute(async (tx) => {
      for (let n = 0; n < 40; n++) await a.enqueue(tx, { topic: 'test', url: `${base}/shared`, audience: 'did:web:b', body: { n } });
    });
    a.start();
    b.start();
    await pollUntil(async () => outcomes.length === 40, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rx.received.length, 40);
    assert.equal(new Set(rx.received.map((r) => r.body.n)).size, 40);
  });

  it('retries a failing outcome handler without sending the message again', async () => {
    const o = make();
    let calls = 0;
    o.on('flaky-handler', async () => {
      calls += 1;
      if (calls === 1) throw new Error('handler crashed');
    });
    o.start();
    await d.db.transaction().execute((tx) => o.enqueue(tx, { topic: 'flaky-handler', url: `${base}/h`, audience: 'did:web:b', body: {} }));
    await pollUntil(async () => calls === 2, { timeoutMs: 5000 });
    await pollUntil(async () => (await o.pending()).length === 0);
    assert.equal(rx.received.filter((r) => r.path === '/h').length, 1);
  });
});
