import type { Clock, Logger } from '../../kernel/index.js';
import type { Lease, OutboxRow, SqlOutboxStore } from '../adapters/sql-outbox.store.js';
import { retryDelayMs, type RetryPolicy } from '../domain/retry-policy.js';
import type { OutboxMessage, OutboxOutcome, OutcomeHandler } from '../domain/outbox-message.js';
import { deliverOnce } from './delivery.js';

export type { OutboxMessage, OutboxOutcome, OutcomeHandler } from '../domain/outbox-message.js';

export interface DispatcherDeps {
  store: SqlOutboxStore;
  clock: Clock;
  logger: Logger;
  sign(audienceDid: string): Promise<string>;
  fetch: typeof fetch | undefined;
  holder: string;
  retry: RetryPolicy;
  handlers: Map<string, OutcomeHandler>;
  timeoutMs: number;
  maxBytes: number;
  random: () => number;
}

const BATCH = 32;
/** Deliveries of this process under way at once, at most. */
const MAX_IN_FLIGHT = 128;
/** How long an id enqueued or committed here is looked for before the periodic sweep takes over. */
const EXPECT_MS = 2000;
/** The longest pause between two looks for an expected id (the back-off doubles up to it). */
const MAX_LOOK_MS = 250;
/**
 * How long a delivered message may wait to be removed by a statement that runs anyway (a claim, an insert of the
 * next messages) before a round runs for it alone. Until then it stays leased to this process, so nobody sends it
 * again; it only delays the next message of its key when another process enqueues that one.
 */
const REMOVE_WITHIN_MS = 50;

/**
 * Delivers messages: those leased to this process at insert as soon as their transaction committed (`deliver`),
 * the others once a round claimed them. `kick` runs a round (claim, start the deliveries) and more while anything
 * asked for one meanwhile. Ids enqueued here are looked for right after the caller's turn and then with back-off
 * (about 1, 2, 4, 8 … ms after they appeared, never more than every MAX_LOOK_MS) until a round claimed them;
 * those of callers that say when they committed (`committed`) are looked for from then only. A delivered message
 * is removed by the next statement that runs anyway (a claim, which can then take the next one of its key, or an
 * insert), or by a round of its own within REMOVE_WITHIN_MS.
 */
export function createDispatcher(deps: DispatcherDeps) {
  // Ids enqueued or committed here and not claimed yet -> when we started looking for them.
  const expected = new Map<string, number>();
  let running: Promise<void> | undefined;
  let again = false;
  let lookTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  // Delivered and handled: removed by the next round.
  const done: string[] = [];
  let full = false;
  let removeTimer: NodeJS.Timeout | undefined;

  // Long enough for a delivery and its handler: past it, another process may take the message over.
  const leaseMs = () => deps.timeoutMs * 2 + 5000;

  const toMessage = (r: OutboxRow): OutboxMessage => ({ id: r.id, topic: r.topic, url: r.url, audience: r.audience, body: r.body, attempts: r.attempts, ...(r.key ? { key: r.key } : {}) });

  async function process(row: OutboxRow): Promise<void> {
    const msg = toMessage(row);
    const handler = deps.handlers.get(msg.topic);
    let outcome = row.outcome as OutboxOutcome | null;
    let attempts = row.attempts;
    if (!outcome) {
      attempts += 1;
      const sent = await deliverOnce(deps, { ...msg, attempts });
      const { verdict, ...result } = sent;
      if (verdict === 'retry' && attempts < deps.retry.maxAttempts) {
        const at = new Date(deps.clock.now().getTime() + retryDelayMs(deps.retry, attempts, deps.random()));
        deps.logger.debug({ id: msg.id, topic: msg.topic, attempts, error: result.ok ? undefined : result.error }, 'outbox delivery will be retried');
        await deps.store.reschedule(msg.id, deps.holder, attempts, at, result.ok ? '' : result.error);
        return;
      }
      outcome = result;
      if (!outcome.ok) deps.logger.warn({ id: msg.id, topic: msg.topic, url: msg.url, attempts, error: outcome.error }, 'outbox message given up');
    }
    try {
      if (handler) await handler({ ...msg, attempts }, outcome);
      // Removed by the next round's claim, in the same statement: at once when a message of ours waits to be
      // claimed (maybe this one's successor), else with whatever round comes within REMOVE_WITHIN_MS.
      done.push(msg.id);
      if (expected.size || stopped) kick();
      else removeSoon();
    } catch (e) {
      // The message went out (or was refused for good); only the handler runs again later.
      deps.logger.warn({ err: e, id: msg.id, topic: msg.topic }, 'outbox outcome handler failed');
      const at = new Date(deps.clock.now().getTime() + retryDelayMs(deps.retry, attempts, deps.random()));
      await deps.store.recordOutcome(msg.id, deps.holder, attempts, outcome, at, `handler: ${(e as Error).message}`);
    }
  }

  /**
   * Removes what was delivered and claims what is due, in one statement, and starts the deliveries without waiting
   * for them: a slow receiver does not hold up the messages behind it (those of its own key wait in the database).
   */
  async function round(): Promise<void> {
    do {
      again = false;
      const room = MAX_IN_FLIGHT - inFlight.size;
      if (room <= 0 && done.length === 0) break;
      const removing = done.splice(0);
      let rows: OutboxRow[];
      try {
        rows = await deps.store.claim(deps.holder, deps.clock.now(), leaseMs(), stopped ? 0 : Math.max(0, Math.min(BATCH, room)), removing);
      } catch (e) {
        done.push(...removing);
        throw e;
      }
      for (const r of rows) expected.delete(r.id);
      for (const r of rows) start(r);
      if (rows.length === room) full = true;
      if (rows.length === BATCH || done.length) again = true;
    } while (again && !stopped);
    lookAgainLater();
  }

  function removeSoon(): void {
    if (removeTimer) return;
    removeTimer = setTimeout(() => {
      removeTimer = undefined;
      if (done.length) kick();
    }, REMOVE_WITHIN_MS);
    removeTimer.unref();
  }

  /** Schedules the next look for expected ids, after about as long as the youngest has been expected. */
  function lookAgainLater(): void {
    const now = Date.now();
    let youngest = -Infinity;
    for (const [id, since] of expected) {
      if (now - since > EXPECT_MS) expected.delete(id);
      else youngest = Math.max(youngest, since);
    }
    if (!expected.size || stopped || lookTimer) return;
    lookTimer = setTimeout(() => {
      lookTimer = undefined;
      kick();
    }, Math.min(MAX_LOOK_MS, Math.max(1, now - youngest)));
    lookTimer.unref();
  }

  function kick(): void {
    // A stopped dispatcher still removes what it delivered, so that nothing is sent twice after a restart.
    if (stopped && done.length === 0) return;
    if (running) {
      again = true;
      return;
    }
    running = round().then(
      () => {
        running = undefined;
        if ((again && !stopped) || done.length) kick();
      },
      (e: unknown) => {
        // Not again at once: the sweep (or the next commit) tries again, removals included.
        deps.logger.warn({ err: e }, 'outbox round failed');
        running = undefined;
      },
    );
  }

  function start(r: OutboxRow): void {
    const w = process(r).catch((e) => deps.logger.error({ err: e, id: r.id }, 'outbox processing failed'));
    inFlight.add(w);
    void w.finally(() => {
      inFlight.delete(w);
      // Room for more: what stayed due while the limit was reached.
      if (full) {
        full = false;
        kick();
      }
    });
  }

  return {
    /** A lease for rows inserted already leased to this process (see SqlOutboxStore.insertLeased). */
    lease(now: Date): Lease {
      return { holder: deps.holder, until: new Date(now.getTime() + leaseMs()), done: [...done] };
    },
    /** Delivered messages that a committed insert removed already (no round needed for them). */
    removed(ids: readonly string[]) {
      for (const id of ids) {
        const i = done.indexOf(id);
        if (i >= 0) done.splice(i, 1);
      }
    },
    /** Rows leased to this process at insert, whose transaction committed: delivered now, no claim needed. */
    deliver(rows: readonly OutboxRow[]) {
      if (stopped) return;
      for (const r of rows) {
        expected.delete(r.id);
        start(r);
      }
    },
    /** An id enqueued in a transaction that may not have committed yet: looked for now and with back-off. */
    expect(id: string) {
      expected.set(id, Date.now());
      // After the current turn: by then the caller's transaction has often committed.
      setImmediate(kick);
    },
    /** Ids whose transaction has committed: looked for now. */
    committed(ids: readonly string[]) {
      const now = Date.now();
      for (const id of ids) expected.set(id, now);
      if (ids.length) kick();
    },
    kick,
    stop() {
      stopped = true;
      if (lookTimer) clearTimeout(lookTimer);
      lookTimer = undefined;
      // What was delivered is removed now rather than sent again by the next process.
      if (done.length) kick();
    },
    resume() {
      stopped = false;
    },
    /** Resolves when the current round and its deliveries are over (tests, shutdown). */
    async idle(): Promise<void> {
      while (running || inFlight.size) await Promise.all([running, ...inFlight]);
    },
  };
}
