import type { Writable } from 'node:stream';

/** A consumer-side destination being written: commit makes it visible, abort leaves nothing presented as done. */
export interface Sink {
  writable: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface SinkOptions {
  transferId: string;
  contentType: string | undefined;
  signal: AbortSignal;
  /** File destinations of a pull: append to the existing part (Range resume) and remember how to resume. */
  append?: boolean;
  resumable?: { transferId: string; etag: string };
  /** A received push: written to a part of its own, so concurrent or retried deliveries never share one. */
  exclusive?: boolean;
}
