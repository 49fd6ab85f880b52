/** Sign-in throttling: after MAX_FAILURES failures within WINDOW for one login or one client, further attempts wait. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60 * 1000;

export type Throttle = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Decides an attempt from the failed (or still running) attempts that came before it within the window, for one
 * key. Blocked attempts are not recorded, so `Retry-After` is exact: once the oldest failures leave the window,
 * fewer than MAX_FAILURES remain and the next attempt is allowed.
 */
export function throttle(earlier: Date[], now: Date): Throttle {
  const since = now.getTime() - WINDOW_MS;
  const inWindow = earlier.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => a - b);
  if (inWindow.length < MAX_FAILURES) return { allowed: true };
  // The attempt becomes possible when all but MAX_FAILURES - 1 of them have left the window.
  const freeing = inWindow[inWindow.length - MAX_FAILURES] as number;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeing + WINDOW_MS - now.getTime()) / 1000)) };
}

/** The stricter of two decisions (the login's and the client's). */
export function stricter(a: Throttle, b: Throttle): Throttle {
  if (a.allowed) return b;
  if (b.allowed) return a;
  return a.retryAfterSeconds >= b.retryAfterSeconds ? a : b;
}
