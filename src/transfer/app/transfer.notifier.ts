/**
 * In-process notification of committed transfer changes, for callers waiting for an outcome (the one-call API):
 * a waiter is woken by each change of its transfer and re-reads; a slow re-check covers other processes.
 */
export interface Notifier {
  changed(id: string): void;
  waitUntil<T>(id: string, load: () => Promise<T | undefined>, done: (value: T) => boolean, timeoutMs: number): Promise<T | undefined>;
  close(): void;
}

export function createNotifier(recheckMs = 1000): Notifier {
  const listeners = new Map<string, Set<() => void>>();
  let closed = false;
  return {
    changed(id) {
      for (const l of listeners.get(id) ?? []) l();
    },
    async waitUntil(id, load, done, timeoutMs) {
      let dirty = false;
      let wake = () => {};
      const listener = () => {
        dirty = true;
        wake();
      };
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      const deadline = Date.now() + timeoutMs;
      try {
        for (;;) {
          dirty = false;
          const value = await load();
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
        if (set.size === 0) listeners.delete(id);
      }
    },
    close() {
      closed = true;
      for (const set of listeners.values()) for (const l of set) l();
    },
  };
}
