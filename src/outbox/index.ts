import type { Kysely, OperationNodeSource } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import { SqlOutboxStore, type OutboxRow } from './adapters/sql-outbox.store.js';
import { createDispatcher, type OutcomeHandler } from './app/dispatcher.js';
import { DEFAULT_RETRY, type RetryPolicy } from './domain/retry-policy.js';

export type { OutboxMessage, OutboxOutcome, OutcomeHandler } from './app/dispatcher.js';
export { DEFAULT_RETRY, judgeStatus, retryDelayMs, type RetryPolicy, type Verdict } from './domain/retry-policy.js';

export interface NewOutboxMessage {
  /** Names the handler told of the outcome (`on(topic, …)`). */
  topic: string;
  /** Where the JSON body is POSTed. */
  url: string;
  /** The receiver's DID: the audience of the node token the request carries. */
  audience: string;
  body: unknown;
  /** Messages with one key are delivered one at a time, in enqueue order (e.g. one negotiation's messages). */
  key?: string;
}

export interface EnqueueOptions {
  /**
   * 'poll' (default): the outbox looks for the message right after the caller's turn and then with back-off until
   * its transaction committed. 'caller': the caller calls `committed(ids)` right after its commit, and the message,
   * leased to this process at insert when no other message of its key is waiting, is sent then without a claim
   * (forgotten, it still leaves once its lease expires). With 'caller', every message of a key must be enqueued
   * while the caller holds one row lock (e.g. its negotiation's row): that orders them, so the lease taken at insert
   * cannot overtake an older message of the key that is not committed yet.
   */
  afterCommit?: 'poll' | 'caller';
}

export interface Outbox {
  /** In the caller's transaction: sent right after commit, retried with back-off, never sent if it rolls back. */
  enqueue(tx: Kysely<DB>, msg: NewOutboxMessage, opts?: EnqueueOptions): Promise<string>;
  /**
   * Runs the caller's single-statement `write` (it must RETURNING the rows it changed) and enqueues `msgs` in that
   * same statement: atomic without a transaction (one round trip instead of four), the messages exist if and only
   * if `write` changed a row, and they leave at once (no `committed` needed). Returns their ids, or undefined when
   * `write` changed nothing. As with `afterCommit: 'caller'`, every message of a key must be enqueued along a
   * write of one row (e.g. its negotiation's), which orders them: the outbox then leases them at insert.
   * Inside a transaction, pass `afterCommit: 'caller'` and call `committed(ids)` after the commit, as with enqueue.
   */
  enqueueWith(db: Kysely<DB>, write: OperationNodeSource, msgs: readonly NewOutboxMessage[], opts?: EnqueueOptions): Promise<string[] | undefined>;
  /** The transaction that enqueued `ids` (with `afterCommit: 'caller'`) has committed: deliver them now. */
  committed(ids: readonly string[]): void;
  /** One handler per topic, called once per message when delivered (2xx) or given up; it must be idempotent (at-least-once). */
  on(topic: string, handler: OutcomeHandler): void;
  /** Messages not yet settled, oldest first (operators, tests). */
  pending(): Promise<Array<{ id: string; topic: string; attempts: number; nextAttemptAt: Date; lastError: string | null }>>;
  /** Runs a delivery round now (messages enqueued by other processes on a shared database, or after start-up). */
  kick(): void;
  /** Resolves when no delivery round of this process is running. */
  idle(): Promise<void>;
  /** Starts the periodic sweep (retries due, other processes' leftovers) and delivers what is due now. */
  start(): void;
  stop(): Promise<void>;
}

export interface OutboxDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  tokens: { sign(audienceDid: string): Promise<string> };
  /** Who holds leases on rows being delivered (host:pid:uuid). */
  holder: string;
  fetch?: typeof fetch;
  /** Milliseconds between sweeps for due retries; default 1000. */
  sweepMs?: number;
  retry?: RetryPolicy;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * How long a message leased at enqueue waits here for its caller's commit notice (well within the lease): a
 * transaction that rolled back never sends one, and one that commits later still has its message claimed.
 */
const HELD_MS = 10_000;

/**
 * The transactional outbox of inter-node messages (the negotiation, contract, rulebook and transfer protocols
 * send through it): a message exists if and only if the state change that sends it committed, survives a
 * restart, and is retried until the receiver answers for good.
 */
export function createOutbox(deps: OutboxDeps): Outbox {
  const store = new SqlOutboxStore(deps.db);
  const handlers = new Map<string, OutcomeHandler>();
  const dispatcher = createDispatcher({
    store,
    clock: deps.clock,
    logger: deps.logger,
    sign: (aud) => deps.tokens.sign(aud),
    // Without an injected fetch, nodeCall's own keep-alive client (a fraction of fetch's CPU per message).
    fetch: deps.fetch,
    holder: deps.holder,
    retry: deps.retry ?? DEFAULT_RETRY,
    handlers,
    timeoutMs: deps.timeoutMs ?? 10_000,
    maxBytes: deps.maxBytes ?? 4 * 1024 * 1024,
    random: Math.random,
  });
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  // Messages leased to us at enqueue, waiting for their caller's commit (`committed`); a rolled-back one is never
  // announced and is forgotten after a while (its row went with the transaction).
  const held = new Map<string, { row: OutboxRow; at: number; removed: string[] }>();
  const forgetOld = () => {
    const limit = Date.now() - HELD_MS;
    for (const [id, h] of held) {
      if (h.at >= limit) break;
      held.delete(id);
    }
  };
  return {
    async enqueue(tx, msg, opts = {}) {
      const row = { id: deps.ids.uuid(), topic: msg.topic, url: msg.url, audience: msg.audience, body: msg.body, key: msg.key ?? null };
      const now = deps.clock.now();
      if (started && opts.afterCommit === 'caller') {
        // The caller says when it committed: the message is leased to us now and then sent without a claim.
        forgetOld();
        const { leased, removed } = await store.insertLeased(tx, { ...row, now }, dispatcher.lease(now));
        if (leased) held.set(row.id, { row: { ...row, attempts: 0, outcome: null }, at: Date.now(), removed });
        return row.id;
      }
      await store.insert(tx, { ...row, now });
      if (started && opts.afterCommit !== 'caller') dispatcher.expect(row.id);
      return row.id;
    },
    async enqueueWith(db, write, msgs, opts = {}) {
      if (msgs.length === 0) throw new Error('enqueueWith needs at least one message');
      const rows = msgs.map((m) => ({ id: deps.ids.uuid(), topic: m.topic, url: m.url, audience: m.audience, body: m.body, key: m.key ?? null }));
      const now = deps.clock.now();
      const { inserted, leased, removed } = await store.insertWith(db, write, rows, now, started ? dispatcher.lease(now) : undefined);
      if (inserted.length === 0) return undefined;
      if (started && opts.afterCommit === 'caller') {
        // In the caller's transaction: held like enqueue's until the caller says it committed.
        forgetOld();
        let rest = removed;
        for (const r of rows) {
          if (!leased.has(r.id)) continue;
          held.set(r.id, { row: { ...r, attempts: 0, outcome: null }, at: Date.now(), removed: rest });
          rest = [];
        }
      } else if (started) {
        dispatcher.removed(removed);
        dispatcher.deliver(rows.filter((r) => leased.has(r.id)).map((r) => ({ ...r, attempts: 0, outcome: null })));
        dispatcher.committed(rows.filter((r) => !leased.has(r.id)).map((r) => r.id));
      }
      return rows.map((r) => r.id);
    },
    committed(ids) {
      if (!started) return;
      const own: OutboxRow[] = [];
      for (const id of ids) {
        const h = held.get(id);
        if (h) {
          own.push(h.row);
          // Removed by the committed insert (not before: a rolled-back one left them for a round to remove).
          dispatcher.removed(h.removed);
        }
        held.delete(id);
      }
      dispatcher.deliver(own);
      dispatcher.committed(ids.filter((id) => !own.some((r) => r.id === id)));
    },
    on(topic, handler) {
      if (handlers.has(topic)) throw new Error(`outbox topic "${topic}" already has a handler`);
      handlers.set(topic, handler);
    },
    pending: () => store.pending(),
    kick: () => dispatcher.kick(),
    idle: () => dispatcher.idle(),
    start() {
      if (started) return;
      started = true;
      dispatcher.resume();
      dispatcher.kick();
      timer = setInterval(() => dispatcher.kick(), deps.sweepMs ?? 1000);
      timer.unref();
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      timer = undefined;
      dispatcher.stop();
      await dispatcher.idle();
    },
  };
}
