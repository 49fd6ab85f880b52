/** How the outbox treats an answer: delivered, worth another try later, or refused for good. */
export type Verdict = 'delivered' | 'retry' | 'failed';

/** 2xx delivers; 408, 425, 429 and 5xx are transient; any other answer is the receiver's final word. */
export function judgeStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}

export interface RetryPolicy {
  /** Delay before the first retry; doubled at each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts after which a message is given up (its outcome handler sees the last error). */
  maxAttempts: number;
}

/** About a day of trying: 1 s, 2 s, 4 s … capped at 10 minutes, 150 attempts. */
export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 600_000, maxAttempts: 150 };

/** Delay before attempt `attempts + 1`, with ±20 % jitter from `random` so that peers coming back are not stampeded. */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(exp * (0.8 + 0.4 * random));
}
