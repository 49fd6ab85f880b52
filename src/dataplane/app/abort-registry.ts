import { AppError } from '../../kernel/index.js';

/**
 * Every running stream of a transfer (served responses, pushes, pulls) registers here, so that the policy monitor
 * or a termination stops all of them at once.
 */
export class AbortRegistry {
  readonly #running = new Map<string, Set<AbortController>>();

  /** A controller for one stream of the transfer, also aborted by `outer`; call `done` when the stream ends. */
  track(transferId: string, outer?: AbortSignal): { signal: AbortSignal; done(): void } {
    const c = new AbortController();
    const set = this.#running.get(transferId) ?? new Set();
    set.add(c);
    this.#running.set(transferId, set);
    const onOuter = () => c.abort(outer?.reason ?? new AppError('DS_DATAPLANE_ABORTED', 'stopped by the caller'));
    if (outer?.aborted) onOuter();
    else outer?.addEventListener('abort', onOuter, { once: true });
    return {
      signal: c.signal,
      done: () => {
        outer?.removeEventListener('abort', onOuter);
        set.delete(c);
        if (set.size === 0 && this.#running.get(transferId) === set) this.#running.delete(transferId);
      },
    };
  }

  abort(transferId: string, reason: string): number {
    const set = this.#running.get(transferId);
    if (!set) return 0;
    this.#running.delete(transferId);
    for (const c of set) c.abort(new AppError('DS_DATAPLANE_ABORTED', reason));
    return set.size;
  }

  running(transferId: string): number {
    return this.#running.get(transferId)?.size ?? 0;
  }
}
