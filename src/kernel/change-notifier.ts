/**
 * In-process notification of committed changes of persisted processes (negotiations, transfers), for callers that
 * wait for an outcome ("negotiate and wait", the one-call transfer). A waiter is woken by every committed change of
 * its process in this process and then re-reads the database; a slow re-check covers changes committed by another
 * process sharing the database.
 */
export interface Notifier {
  /** A change of `id` committed; `value` (the record as committed) spares waiters a read. */
  changed(id: string, value?: unknown): void;
  /** Re-reads with `load` until `done` holds, the record vanishes, or `timeoutMs` passes; returns the last read. */
  waitUntil<T>(id: string, load: () => Promise<T | undefined>, done: (value: T) => boolean, timeoutMs: number): Promise<T | undefined>;
  /** Wakes every waiter so it returns what it has (shutdown). */
  close(): void;
}

export function createNotifier(opts: { recheckMs?: number } = {}): Notifier {
  const recheckMs = opts.recheckMs ?? 2000;
  const listeners = new Map<string, Set<(value?: unknown) => void>>();
  let closed = false;
  const all = new Set<(value?: unknown) => void>();

  return {
    changed(id, value) {
      for (const l of listeners.get(id) ?? []) l(value);
    },
    async waitUntil(id, load, done, timeoutMs) {
      // Registered before the first read, so a change committed between a read and the wait is not missed.
      let dirty = false;
      let pushed: unknown;
      let wake = () => {};
      const listener = (value?: unknown) => {
        dirty = true;
        pushed = value;
        wake();
      };
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      all.add(listener);
      const deadline = Date.now() + timeoutMs;
      try {
        for (;;) {
          dirty = false;
          // What a change in this process pushed is what the database holds now; otherwise (first time, re-check) read.
          const given = pushed;
          pushed = undefined;
          const value = given !== undefined ? (given as Awaited<ReturnType<typeof load>>) : await load();
          if (value === undefined || done(value) || closed) return value;
          const left = deadline - Date.now();
          if (left <= 0) return value;
          if (dirty) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(left, recheckMs));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = () => {};
        }
      } finally {
        set.delete(listener);
        all.delete(listener);
        if (set.size === 0) listeners.delete(id);
      }
    },
    close() {
      closed = true;
      for (const l of [...all]) l();
    },
  };
}
