import type { Server } from 'node:http';

/**
 * Starts test nodes (or servers) side by side. If one fails to start, the others that did are closed before the
 * error is rethrown: a failed set-up otherwise leaves listening servers and outbox timers behind, and the test
 * file's process waits on them until the runner's timeout instead of reporting the failure.
 */
export async function startAll<T extends unknown[]>(
  starting: [...{ [K in keyof T]: Promise<T[K]> }],
  close: (started: T[number]) => unknown = closeStarted,
): Promise<T> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as T;
  await Promise.allSettled(settled.flatMap((s) => (s.status === 'fulfilled' ? [Promise.resolve().then(() => close(s.value))] : [])));
  throw failed.reason;
}

/** Closes what has a `close()`, or the `server` of what has one. */
function closeStarted(started: unknown): unknown {
  const thing = started as { close?: () => unknown; server?: Server };
  if (typeof thing?.close === 'function') return thing.close();
  if (thing?.server) {
    thing.server.closeAllConnections();
    return new Promise((r) => thing.server!.close(r));
  }
  throw new Error('startAll: pass a close function for what has neither close() nor server');
}
