import { sql } from 'kysely';
import { withLease } from '../../db/index.js';
import type { Transfer } from '../domain/transfer.js';
import type { Measurement } from '../domain/transfer.types.js';
import { consumerDelivered, providerDelivered, terminateStep, type JobStarter, type TransferContext } from './transfer.context.js';

export const DELIVERY_INTERRUPTED = 'dases:delivery-interrupted';
export const DELIVERY_ERROR = 'dases:delivery-error';

export interface Jobs extends JobStarter {
  /** Claims and runs every pending job whose lease is free (after a restart, or another process died). */
  sweep(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  idle(): Promise<void>;
}

/**
 * Background data movement of the control plane: the provider's push and the consumer node's pull into a
 * destination. A job is a column of its transfer (set in the transaction that starts it), claimed through a lease
 * named transfer-job:<id> (renewed while it runs), so that one process runs it; the sweep resumes jobs found on
 * start-up or left by a dead process. A job claimed again restarts its stream (a file destination resumes its
 * .part by Range in the data plane), except into a REST sink, which cannot resume: that transfer is terminated
 * rather than delivered twice. Success completes the transfer (and tells the counterparty); failure while still
 * STARTED terminates it with the reason; a suspension or termination meanwhile aborts the stream and wins.
 */
export function createJobs(ctx: TransferContext, opts: { db: Parameters<typeof withLease>[0]; holder: string; leaseMs?: number; sweepMs?: number }): Jobs {
  const leaseMs = opts.leaseMs ?? 30_000;
  const sweepMs = opts.sweepMs ?? 5_000;
  const running = new Map<string, Promise<void>>();
  const controllers = new Map<string, AbortController>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const claim = (id: string) => withLease(opts.db, `transfer-job:${id}`, opts.holder, ctx.clock.now(), leaseMs);

  async function fail(t: Transfer, code: string, reason: string): Promise<void> {
    const fresh = await ctx.store.get(t.id);
    if (!fresh || fresh.state !== 'STARTED') return;
    await ctx.runner.change(fresh, (c) => (c.state === 'STARTED' ? terminateStep(ctx, c, { code, reason: reason.slice(0, 2000), by: 'auto', actor: 'message' }) : undefined));
  }

  async function move(t: Transfer, signal: AbortSignal): Promise<Measurement> {
    if (t.job === 'push') {
      if (!t.source || !t.dataAddress) throw new Error('push without a source or a destination address');
      return ctx.dataPlane.push({ transferId: t.id, source: t.source, address: t.dataAddress, signal });
    }
    if (!t.dataAddress || !t.destination) throw new Error('pull without an address or a destination');
    return ctx.dataPlane.pull({ transferId: t.id, address: t.dataAddress, destination: t.destination, signal });
  }

  async function run(id: string): Promise<void> {
    if (stopped || !(await claim(id))) return;
    const t = await ctx.store.get(id);
    if (!t || t.state !== 'STARTED' || !t.job) return;
    const runs = await ctx.store.countJobRun(id);
    if (runs > 1 && t.destination?.type === 'rest') return fail(t, DELIVERY_INTERRUPTED, 'the delivery into a REST destination was interrupted and cannot resume without delivering twice');
    const controller = new AbortController();
    controllers.set(id, controller);
    const renew = setInterval(() => void claim(id).catch(() => undefined), Math.max(1000, leaseMs / 3));
    renew.unref();
    try {
      const m = await move(t, controller.signal);
      const fresh = await ctx.store.get(id);
      if (!fresh) return;
      if (!m.complete) return fail(fresh, DELIVERY_INTERRUPTED, 'the stream ended before all the data was delivered');
      await ctx.runner.change(fresh, (c) => (c.role === 'provider' ? providerDelivered(ctx, c, m) : consumerDelivered(ctx, c, m)));
    } catch (e) {
      // Stopped on purpose (suspension, termination, shutdown): the state says what happens next.
      if (controller.signal.aborted) return;
      ctx.logger.warn({ err: e, transfer: id, job: t.job }, 'transfer job failed: terminating the transfer');
      await fail(t, DELIVERY_ERROR, `${t.job} failed: ${(e as Error).message}`);
    } finally {
      clearInterval(renew);
      controllers.delete(id);
      // Free at once for a restart (a process killed keeps it until it expires).
      await sql`delete from job_leases where name = ${`transfer-job:${id}`} and holder = ${opts.holder}`.execute(opts.db).catch(() => undefined);
    }
  }

  function kick(id: string): void {
    if (stopped || running.has(id)) return;
    const p = run(id)
      .catch((e: unknown) => ctx.logger.warn({ err: e, transfer: id }, 'transfer job crashed'))
      .finally(() => running.delete(id));
    running.set(id, p);
  }

  async function sweep(): Promise<void> {
    for (const t of await ctx.store.withJobs()) kick(t.id);
  }

  return {
    kick,
    sweep,
    start() {
      stopped = false;
      void sweep().catch((e: unknown) => ctx.logger.warn({ err: e }, 'transfer job sweep failed'));
      if (!timer && sweepMs > 0) {
        timer = setInterval(() => void sweep().catch(() => undefined), sweepMs);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const c of controllers.values()) c.abort(new Error('node stopping'));
      await Promise.allSettled([...running.values()]);
    },
    async idle() {
      await Promise.allSettled([...running.values()]);
    },
  };
}
