import { AppError, nodeCall, type Logger } from '../../kernel/index.js';
import { judgeStatus } from '../domain/retry-policy.js';
import type { OutboxMessage, OutboxOutcome } from '../domain/outbox-message.js';

export interface DeliveryDeps {
  sign(audienceDid: string): Promise<string>;
  fetch: typeof fetch | undefined;
  logger: Logger;
  timeoutMs: number;
  maxBytes: number;
}

/** One attempt: POSTs the JSON body with a fresh node token (nodeCall) and judges the answer. */
export async function deliverOnce(deps: DeliveryDeps, msg: OutboxMessage): Promise<OutboxOutcome & { verdict: 'delivered' | 'retry' | 'failed' }> {
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
