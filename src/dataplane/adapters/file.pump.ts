import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { FileContent } from '../app/source.js';
import type { Meter } from './metering.js';

const CHUNK = 64 * 1024;
const BUFFERS = 4;

/**
 * Writes a byte range of a file to a response through a few reused buffers, metering it on the way. A read
 * stream allocates a fresh 64 KiB buffer per read; dead ones pile up (~30 MB of resident memory) between
 * collections during a large transfer. A buffer is reused only once the socket has written it (the write
 * callback), so at most BUFFERS chunks are in flight: that is the back-pressure. Ends the response when every
 * byte was handed over; rejects (and leaves the response to the caller to destroy) on abort or a failed write.
 */
export async function pumpFile(file: FileContent, out: ServerResponse, meter: Meter, signal: AbortSignal): Promise<void> {
  const fh = await open(file.path, 'r');
  const free: Buffer[] = [];
  for (let i = 0; i < BUFFERS; i++) free.push(Buffer.allocUnsafeSlow(CHUNK));
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const stop = (e: Error) => {
    failed ??= e;
    wake?.();
  };
  const onClose = () => stop(new Error('the receiver went away'));
  const onAbort = () => stop(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  out.once('close', onClose);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) onAbort();
    let pos = file.start;
    const end = file.end + 1;
    while (pos < end) {
      while (free.length === 0 && !failed) await new Promise<void>((r) => (wake = r));
      if (failed) throw failed;
      const buf = free.pop()!;
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, end - pos), pos);
      if (failed) throw failed;
      if (bytesRead === 0) throw new Error('the file ended before the announced length');
      const chunk = buf.subarray(0, bytesRead);
      meter.update(chunk);
      pos += bytesRead;
      out.write(chunk, (e) => {
        if (e) return stop(e);
        free.push(buf);
        wake?.();
      });
    }
    out.end();
  } finally {
    out.off('close', onClose);
    signal.removeEventListener('abort', onAbort);
    await fh.close();
  }
}
