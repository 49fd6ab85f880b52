import type { Kysely } from 'kysely';
import type { DB } from '../db/index.js';
import type { Clock, IdGenerator, Logger } from '../kernel/index.js';
import { SqlOutboxStore } from './adapters/sql-outbox.store.js';
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

export interface Outbox {
  /** In the caller's transaction: sent right after commit, retried with back-off, never sent if it rolls back. */
  enqueue(tx: Kysely<DB>, msg: NewOutboxMessage): Promise<string>;
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
    fetch: deps.fetch ?? fetch,
    holder: deps.holder,
    retry: deps.retry ?? DEFAULT_RETRY,
    handlers,
    timeoutMs: deps.timeoutMs ?? 10_000,
    maxBytes: deps.maxBytes ?? 4 * 1024 * 1024,
    random: Math.random,
  });
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  return {
    async enqueue(tx, msg) {
      const id = deps.ids.uuid();
      await store.insert(tx, { id, topic: msg.topic, url: msg.url, audience: msg.audience, body: msg.body, key: msg.key ?? null, now: deps.clock.now() });
      if (started) {
        dispatcher.expect(id);
        // After the current turn: by then the caller's transaction has usually committed.
        setImmediate(() => dispatcher.kick());
      }
      return id;
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
