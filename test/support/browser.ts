import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); .ci/run installs it. */
export const CHROMIUM = process.env.DASES_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run here (undefined: they can). CI sets DASES_REQUIRE_BROWSER, where a missing browser
 * is a failure, not a skip.
 */
export function browserSkip(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set DASES_CHROMIUM)`;
  if (process.env.DASES_REQUIRE_BROWSER) throw new Error(`DASES_REQUIRE_BROWSER is set but ${why}`);
  return why;
}

/** Headless Chromium with the flags this machine's closed network needs (no background connections). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
