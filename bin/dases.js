#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
// (src/cli/bin.ts is the same entry for running from source with tsx.)

main(process.argv).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
