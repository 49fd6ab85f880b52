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
  /** `delivered`: every byte of `body` reached the receiver. A range that ends the file completes it. */
  measure(meter: Meter, delivered: boolean, endedAt: () => Date): Promise<Measurement>;
}

/** The default: complete when the body was delivered to its end. */
export const measureWhole = async (meter: Meter, delivered: boolean, endedAt: () => Date): Promise<Measurement> => meter.measurement(endedAt(), delivered);
