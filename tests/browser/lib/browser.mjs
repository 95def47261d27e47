// Browser-test helpers: Debian's chromium driven by playwright-core, accessibility checks
// with axe-core, screenshots at phone and desktop widths, and a dialog trap that fails the
// test if any page ever opens alert/confirm/prompt (an XSS payload would).
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { ARTIFACTS, startDaemon, uniqueEmail, PASSWORD } from '../../integration/lib/daemon.mjs';

export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

// A new context + page. Every dialog is recorded and dismissed; the test checks
// `dialogs` (see assertNoDialogs) so a script injected through data fails it.
export async function newPage(browser, { width = 1280, height = 900, locale = 'id-ID' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', async (dlg) => {
    dialogs.push(`${dlg.type()}: ${dlg.message()}`);
    await dlg.dismiss().catch(() => {});
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The pages must not need anything the Content-Security-Policy forbids.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return { context, page, dialogs, errors };
}

export function assertNoDialogs(p) {
  assert.deepEqual(p.dialogs, [], `a page opened a dialog (script injection?): ${p.dialogs.join('; ')}`);
  assert.deepEqual(p.errors, [], `a page threw: ${p.errors.join('; ')}`);
}

// Runs axe on the current page and fails on serious or critical violations.
export async function assertAccessible(page, label) {
  const res = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(text, [], `accessibility violations on ${label}`);
}

// Saves full-page screenshots of the current page at 360 px and 1280 px.
export async function screenshots(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const orig = page.viewportSize();
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  if (orig) await page.setViewportSize(orig);
}

// The usual per-page checks: accessible, screenshots, no horizontal scrolling at 360 px.
export async function checkPage(page, name) {
  await assertAccessible(page, name);
  await screenshots(page, name);
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `${name} scrolls sideways at 360 px (${overflow} px too wide)`);
  // Text at 200 % (WCAG 1.4.4) on a 720 px window: still no sideways scrolling.
  await page.setViewportSize({ width: 720, height: 900 });
  const zoomed = await page.evaluate(() => {
    const root = document.documentElement;
    const before = root.style.fontSize;
    root.style.fontSize = '200%';
    const over = root.scrollWidth - root.clientWidth;
    root.style.fontSize = before;
    return over;
  });
  assert.ok(zoomed <= 1, `${name} scrolls sideways with text at 200 % (${zoomed} px too wide)`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

// Keyboard: the first Tab reaches the skip link, which becomes visible and moves focus to
// the main content.
export async function assertSkipLink(page) {
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, visible: r.left >= 0 && r.width > 0 };
  });
  assert.equal(skip.cls, 'skip', 'the first Tab stop is the skip link');
  assert.ok(skip.visible, 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to main');
}

// A daemon and a browser for a test file: node:test hooks start them before its tests and
// stop them after. The returned object's `d` and `browser` are set once `before` has run.
export function daemonAndBrowser(daemonOpts = {}) {
  const env = { d: null, browser: null };
  before(async () => {
    env.d = await startDaemon(daemonOpts);
    env.browser = await launch();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.d) { await env.d.stop(); env.d.cleanup(); }
  });
  return env;
}

// Logs in through the login page with the test password; the page ends where login leads.
export async function loginAs(page, base, email) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

// Registers a new candidate through the registration page; the page ends on /me. Returns
// the e-mail address.
export async function registerCandidate(page, base, tag, name = 'Rina Marlina') {
  const email = uniqueEmail(tag);
  await page.goto(`${base}/register`);
  await page.fill('#name', name);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/register"] button[type=submit]')]);
  return email;
}

// Logs in through the log-in page; a candidate's page ends on /me.
export async function loginCandidate(page, base, email) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/login"] button[type=submit]')]);
}
