// The learner's dashboard in a real browser (Debian's Chromium through playwright-core), on one intermediary node:
// the language follows Accept-Language and the switch, everything is reachable with the keyboard, sign-in mistakes
// are said in words and in the live region, and the page refuses to be framed or to load foreign code.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser } from '../../test/support/browser.js';
import { freePort } from '../../test/support/nodes.js';
import { loadConfig, silentLogger } from '../kernel/index.js';
import { buildNode, type DasesNode } from '../node/node.js';

const skip = browserSkip();

describe("the learner's dashboard in Chromium", { skip, timeout: 120_000 }, () => {
  let node: DasesNode;
  let dir: string;
  let base: string;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dases-dashboard-'));
    const port = await freePort();
    node = await buildNode({
      config: loadConfig({ DASES_ADMIN_API_KEY: 'admin-key-for-tests', DASES_ROLES: 'personal-data-intermediary', DASES_SCRYPT_COST: '16384' }, { dataDir: dir, port: String(port) }),
      logger: silentLogger(),
    });
    await node.listen();
    base = node.config.publicUrl;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks French by default and to a French browser, English to an English one, and keeps the switch', async () => {
    const fr = await browser.newContext({ locale: 'fr-FR' });
    const page = await fr.newPage();
    await page.goto(`${base}/me/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getAttribute('button[data-lang="en"]', 'aria-pressed'), 'true');
    await page.reload();
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice outlives a reload');
    await fr.close();
    const en = await browser.newContext({ locale: 'en-US' });
    const p2 = await en.newPage();
    await p2.goto(`${base}/me/`);
    await p2.getByRole('heading', { name: 'Sign in' }).waitFor();
    await en.close();
  });

  it('can be used with the keyboard alone: sign up, sign in, move between sections, sign out', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB' });
    const page = await ctx.newPage();
    await page.goto(`${base}/me/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The first Tab reaches the skip link, which is visible once focused.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
    // To the sign-up form by keyboard: focus the switch button and press Enter.
    await page.getByRole('button', { name: /create one/i }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByLabel('Login').focus();
    await page.keyboard.type('kim.keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Kim');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a long enough secret');
    await page.keyboard.press('Enter');
    await page.getByText('Hello Kim.').waitFor();
    // Sections are links: Tab to "My rights" and follow it with Enter.
    const rights = page.getByRole('link', { name: 'My rights' });
    await rights.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My rights' }).waitFor();
    assert.equal(await rights.getAttribute('aria-current'), 'page');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus moves to the new content');
    // A visible focus ring on every focusable control (WCAG 2.4.7).
    const outline = await page.getByRole('button', { name: 'Sign out' }).evaluate((b) => {
      (b as HTMLElement).focus({ focusVisible: true } as FocusOptions);
      return getComputedStyle(b).outlineStyle;
    });
    assert.notEqual(outline, 'none');
    await page.getByRole('button', { name: 'Sign out' }).press('Enter');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await ctx.close();
  });

  it('says what went wrong: a wrong password, then too many attempts, in the live region', async () => {
    const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(`${base}/me/`);
    const status = page.getByRole('status');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Login').fill('nobody.here');
      await page.getByLabel('Password').fill(`wrong password ${i}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('Wrong login or password.').waitFor();
      await page.evaluate(() => (document.getElementById('status')!.textContent = ''));
    }
    await page.getByLabel('Password').fill('wrong again');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Too many tries. Wait a few minutes.').waitFor();
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    // Nothing is wider than the phone's screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
    await ctx.close();
  });

  it('refuses framing and foreign scripts, and answers unknown files with a problem', async () => {
    const res = await fetch(`${base}/me/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-language'), 'fr');
    const missing = await fetch(`${base}/me/nothing.js`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /problem\+json/);
  });
});
