import type { Readable } from 'node:stream';
import type { Meter } from '../adapters/metering.js';
import type { Measurement } from './ports.js';

/** What a pull request asks of a source (a push asks for the whole content: no range, no subpath). */
export interface SourceRequest {
  head: boolean;
  range?: string | undefined;
  ifRange?: string | undefined;
  /** API proxy only: the path under the data address and the raw query string. */
  subpath?: string | undefined;
  query?: string | undefined;
  accept?: string | undefined;
  signal: AbortSignal;
}

/** An opened source: what to answer, the bytes (absent for HEAD), and how to measure what was delivered. */
export interface OpenedSource {
  status: 200 | 206;
  headers: Record<string, string>;
  body?: Readable;
  /**
   * Set by file sources beside `body`: the bytes on disk, so a pull can be served from a few reused buffers
   * (resident memory) instead of `body`, which is then never read (file sources create it on first access).
   */
  file?: FileContent;
  /** `delivered`: every byte of `body` reached the receiver. A range that ends the file completes it. */
  measure(meter: Meter, delivered: boolean, endedAt: () => Date): Promise<Measurement>;
}

/** A byte range of a file, both ends included. */
export interface FileContent {
  path: string;
  start: number;
  end: number;
}

/** The default: complete when the body was delivered to its end. */
export const measureWhole = async (meter: Meter, delivered: boolean, endedAt: () => Date): Promise<Measurement> => meter.measurement(endedAt(), delivered);
