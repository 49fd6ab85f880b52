/**
 * Work a request leaves running after its response ended (the bookkeeping of a served stream: its measurement
 * and the transfer's end). Shutdown waits for it before the database closes, so an ending stream is recorded
 * rather than cut off by the close.
 */
export class PendingWork {
  readonly #running = new Set<Promise<unknown>>();

  add(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work.finally(() => this.#running.delete(tracked)).catch(() => undefined);
    this.#running.add(tracked);
  }

  /** Resolves once nothing added is running (work added meanwhile included). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
