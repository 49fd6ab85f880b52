import { AppError, nodeCall, type Clock, type Logger } from '../../kernel/index.js';
import type { OutboxRow, SqlOutboxStore } from '../adapters/sql-outbox.store.js';
import { judgeStatus, retryDelayMs, type RetryPolicy } from '../domain/retry-policy.js';

export interface OutboxMessage {
  id: string;
  topic: string;
  url: string;
  audience: string;
  body: unknown;
  key?: string;
  attempts: number;
}

export type OutboxOutcome = { ok: true; status: number; body: unknown } | { ok: false; status?: number; error: string };
export type OutcomeHandler = (msg: OutboxMessage, outcome: OutboxOutcome) => Promise<void>;

export interface DispatcherDeps {
  store: SqlOutboxStore;
  clock: Clock;
  logger: Logger;
  sign(audienceDid: string): Promise<string>;
  fetch: typeof fetch;
  holder: string;
  retry: RetryPolicy;
  handlers: Map<string, OutcomeHandler>;
  timeoutMs: number;
  maxBytes: number;
  random: () => number;
}

const BATCH = 32;
/** How long a message enqueued here is looked for after its enqueue before the periodic sweep takes over. */
const EXPECT_MS = 2000;

/**
 * Delivers claimed messages. `kick` runs rounds until nothing is due; ids enqueued by this process but not yet
 * visible (their transaction not yet committed) are looked for again a few milliseconds later, so a message
 * leaves right after its commit without anyone polling.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const expected = new Map<string, number>();
  let running: Promise<void> | undefined;
  let again = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  const toMessage = (r: OutboxRow): OutboxMessage => ({ id: r.id, topic: r.topic, url: r.url, audience: r.audience, body: r.body, attempts: r.attempts, ...(r.key ? { key: r.key } : {}) });

  async function send(msg: OutboxMessage): Promise<OutboxOutcome & { verdict: 'delivered' | 'retry' | 'failed' }> {
    try {
      const res = await nodeCall(
        {
          sign: deps.sign,
          fetch: deps.fetch,
          logger: deps.logger,
          timeoutMs: deps.timeoutMs,
          maxBytes: deps.maxBytes,
          accept: 'application/json',
          unreachable: (d) => new AppError('DS_OUTBOX_UNREACHABLE', d),
          tooLarge: (d) => new AppError('DS_OUTBOX_ANSWER_TOO_LARGE', d),
        },
        msg.url,
        msg.audience,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg.body) },
      );
      let body: unknown = undefined;
      if (res.text) {
        try {
          body = JSON.parse(res.text);
        } catch {
          body = res.text;
        }
      }
      const verdict = judgeStatus(res.status);
      if (verdict === 'delivered') return { verdict, ok: true, status: res.status, body };
      return { verdict, ok: false, status: res.status, error: `HTTP ${res.status}: ${res.text.slice(0, 500)}` };
    } catch (e) {
      const tooLarge = e instanceof AppError && e.code === 'DS_OUTBOX_ANSWER_TOO_LARGE';
      return { verdict: tooLarge ? 'failed' : 'retry', ok: false, error: (e as Error).message };
    }
  }

  async function process(row: OutboxRow): Promise<void> {
    const msg = toMessage(row);
    const handler = deps.handlers.get(msg.topic);
    let outcome = row.outcome as OutboxOutcome | null;
    let attempts = row.attempts;
    if (!outcome) {
      attempts += 1;
      const sent = await send({ ...msg, attempts });
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
      await deps.store.remove(msg.id);
    } catch (e) {
      // The message went out (or was refused for good); only the handler runs again later.
      deps.logger.warn({ err: e, id: msg.id, topic: msg.topic }, 'outbox outcome handler failed');
      const at = new Date(deps.clock.now().getTime() + retryDelayMs(deps.retry, attempts, deps.random()));
      await deps.store.recordOutcome(msg.id, deps.holder, attempts, outcome, at, `handler: ${(e as Error).message}`);
    }
  }

  async function round(): Promise<void> {
    do {
      again = false;
      const rows = await deps.store.claim(deps.holder, deps.clock.now(), deps.timeoutMs * 2 + 5000, BATCH);
      for (const r of rows) expected.delete(r.id);
      const work = rows.map((r) =>
        process(r).catch((e) => deps.logger.error({ err: e, id: r.id }, 'outbox processing failed')),
      );
      for (const w of work) {
        inFlight.add(w);
        void w.finally(() => inFlight.delete(w));
      }
      await Promise.all(work);
      if (rows.length === BATCH) again = true;
    } while (again && !stopped);
    const now = Date.now();
    for (const [id, since] of expected) if (now - since > EXPECT_MS) expected.delete(id);
    if (expected.size && !stopped && !retryTimer) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        kick();
      }, 3);
      retryTimer.unref();
    }
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((e) => deps.logger.warn({ err: e }, 'outbox round failed'))
      .finally(() => {
        running = undefined;
        if (again && !stopped) kick();
      });
  }

  return {
    expect(id: string) {
      expected.set(id, Date.now());
    },
    kick,
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
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
