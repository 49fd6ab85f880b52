import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import type { Measurement } from '../app/ports.js';
import { nudgeAfter } from './gc-nudge.js';

/**
 * Counts and hashes bytes as they flow, without holding them: every stream of the data plane goes through one.
 * A resumed download starts from the hash and count of the part already on disk.
 */
export class Meter extends Transform {
  bytes: number;
  readonly startedAt: Date;
  #hash: Hash;
  #digest: string | undefined;

  constructor(now: Date, start?: { hash: Hash; bytes: number }) {
    super();
    this.startedAt = now;
    this.#hash = start?.hash ?? createHash('sha256');
    this.bytes = start?.bytes ?? 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.update(chunk);
    cb(null, chunk);
  }

  /** Counts and hashes a chunk that does not flow through this stream (a file served from reused buffers). */
  update(chunk: Buffer): void {
    this.bytes += chunk.byteLength;
    this.#hash.update(chunk);
    nudgeAfter(chunk.byteLength);
  }

  /** The hex digest (once: a hash cannot be finalised twice). */
  digest(): string {
    this.#digest ??= this.#hash.digest('hex');
    return this.#digest;
  }

  measurement(endedAt: Date, complete: boolean): Measurement {
    return { bytes: this.bytes, sha256: this.digest(), startedAt: this.startedAt, endedAt, complete };
  }
}

/** Hashes a file (or its first `length` bytes) by streaming it: for Range-completed pulls and resumed parts. */
export async function hashFile(path: string, length?: number, hash: Hash = createHash('sha256')): Promise<{ hash: Hash; bytes: number }> {
  let bytes = 0;
  if (length === 0) return { hash, bytes };
  for await (const chunk of createReadStream(path, length === undefined ? {} : { end: length - 1 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { hash, bytes };
}
