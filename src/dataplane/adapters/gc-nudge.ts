/**
 * Every chunk read from a socket is a fresh 64 KiB buffer outside the JS heap. V8 frees dead ones only at a
 * collection, and while bytes stream the heap itself allocates too little to start one soon: ~30 MB of dead
 * buffers piled up in resident memory during a large transfer (issue 6: a node stays under 150 MB). A
 * young-generation collection every NUDGE_BYTES metered (a scavenge, ~0.5 ms: almost nothing in it survives)
 * frees them early; measured on bench/transfer.ts (1 GB), the consumer's growth during the transfer went from
 * ~+35 MB to ~+10 MB, throughput unchanged within the noise. It costs a few per cent of CPU while streaming.
 *
 * It needs `gc`, which Node exposes only when started with `--expose-gc`: `npm start` and the `dases` command
 * start that way (with `--max-semi-space-size=8 --heap-growing-percent=20`, see docs/decisions). Without it this is a no-op.
 */
const NUDGE_BYTES = 2 * 1024 * 1024;

type Gc = (options?: { type?: 'major' | 'minor' }) => void;
const gc = (globalThis as { gc?: Gc }).gc;

let since = 0;

/** Counts bytes that went through a data-plane stream, process-wide, and collects young garbage every NUDGE_BYTES. */
export function nudgeAfter(bytes: number): void {
  if (!gc) return;
  since += bytes;
  if (since < NUDGE_BYTES) return;
  since = 0;
  gc({ type: 'minor' });
}
