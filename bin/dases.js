#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=20 --expose-gc
// The flags keep a node's resident memory low while data streams (docs/decisions/2026-11-24-transfer-memory.md).
import { main } from '../dist/cli/main.js';
// (src/cli/bin.ts is the same entry for running from source with tsx.)

main(process.argv).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
