// Browser-test helpers: Debian's chromium driven by playwright-core, accessibility checks
// with axe-core, screenshots at phone and desktop widths, and a dialog trap that fails the
// test if any page ever opens alert/confirm/prompt (an XSS payload would).
import { chromium } from 'playwright-core';
import axe from 'axe-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { ARTIFACTS, startDaemon, uniqueEmail, PASSWORD, cli, Client } from '../../integration/lib/daemon.mjs';

export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

// Chromium features the browser tests turn off, beside those Playwright turns off. Each new
// context opens a window, and each window loaded the address bar's two WebUI pop-ups
// (chrome://omnibox-popup.top-chrome/) in a renderer of its own: about 0.9 s of CPU per
// context kept open, in tests that open a context per person on the page.
const DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

// Chromium keeps only the last --disable-features it is given, so ours must carry
// Playwright's own list too: read from the arguments Playwright passes to a stand-in
// executable that writes them down and exits (no browser is started).
let playwrightFeatures;
async function playwrightDisabledFeatures() {
  if (playwrightFeatures === undefined) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ujikom-chromium-args-'));
    try {
      const exe = path.join(dir, 'args');
      writeFileSync(exe, `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/argv'\n`, { mode: 0o755 });
      await chromium.launch({ executablePath: exe, timeout: 5000 }).then((b) => b.close(), () => {});
      const argv = readFileSync(path.join(dir, 'argv'), 'utf8').split('\n');
      playwrightFeatures = argv.find((a) => a.startsWith('--disable-features=')) ?? null;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return playwrightFeatures;
}

export async function launch() {
  const theirs = await playwrightDisabledFeatures();
  const features = [...(theirs ? theirs.slice('--disable-features='.length).split(',') : []), ...DISABLED_FEATURES];
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    ...(theirs ? { ignoreDefaultArgs: [theirs] } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage',
      `--disable-features=${features.join(',')}`],
  });
}

// A new context + page. Every dialog is recorded and dismissed; the test checks
// `dialogs` (see assertNoDialogs) so a script injected through data fails it.
export async function newPage(browser, { width = 1280, height = 900, locale = 'id-ID', userAgent } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, ...(userAgent ? { userAgent } : {}) });
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

// Runs axe on the current page and fails on serious or critical violations. Not with
// UJIKOM_AXE=0 (the PostgreSQL pass): its pages are the SQLite pass's, made by the same code
// from the same steps, and axe was half of that pass's CPU (journey: 44 s with it, 22 s
// without), on two cores that every browser test shares.
// axe-core's script goes into a document once (a navigation takes it away), and axe.run
// describes every node only of the violations. @axe-core/playwright injected the half
// megabyte of script twice per check and gathered every node's result in a second, blank
// page: the browser pass's 158 checks took 461 s with it, 162 s so (three tests at a time;
// admin-ux and journey 50 s of CPU instead of 60 s with its lighter legacy mode).
// tests/browser/a11y-check.test.mjs shows the check still finds what it should.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export async function assertAccessible(page, label) {
  if (process.env.UJIKOM_AXE === '0') return;
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axe.source);
  const res = await page.evaluate((values) => window.axe.run(document, {
    runOnly: { type: 'tag', values },
    resultTypes: ['violations'],
  }), AXE_TAGS);
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(text, [], `accessibility violations on ${label}`);
}

// Saves full-page screenshots of the current page at 360 px and 1280 px; none with
// UJIKOM_SCREENSHOTS=0 (the PostgreSQL pass, whose pages are the SQLite pass's).
export async function screenshots(page, name) {
  if (process.env.UJIKOM_SCREENSHOTS === '0') return;
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
  // A table made to stack on a phone (table.stack) fits it: nothing to scroll in its box.
  const stacked = await page.evaluate(() => [...document.querySelectorAll('table.stack')]
    .map((t) => t.parentElement.scrollWidth - t.parentElement.clientWidth).filter((x) => x > 1));
  assert.deepEqual(stacked, [], `${name}: a stacked table scrolls sideways at 360 px`);
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

// The part of a page that documentation shows: the element locator finds, at a window
// width, cut at maxHeight CSS pixels, one image pixel per CSS pixel, saved as
// SCREENSHOTS/<name>.png (copied by hand into docs/img when the docs show it).
export async function partScreenshot(page, locator, name, { width = 1280, maxHeight = 900 } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width, height: 900 });
  const box = await locator.boundingBox();
  assert.ok(box, `${name}: the element is not on the page`);
  const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    scale: 'css',
    clip: { x: box.x + scroll.x, y: box.y + scroll.y, width: box.width, height: Math.min(box.height, maxHeight) },
  });
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

// Starts exam from its pre-start page, as a candidate does, and waits for the exam page's
// navigator; returns the attempt's id.
export async function startExamFromPreStart(page, base, exam) {
  await page.goto(`${base}/exams/${exam}/start`);
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/), page.click(`form[action="/exams/${exam}/start"] button`)]);
  await page.locator('.qnav').waitFor();
  return page.locator('#exam').getAttribute('data-attempt');
}

// A staff account (role assessor or admin) made with the CLI on env's daemon, logged in
// through the API: { email, api }.
export async function staffAccount(env, role, name) {
  const email = uniqueEmail(role);
  const r = cli(['admin', 'create', '--email', email, '--name', name, '--role', role], {
    input: `${PASSWORD}\n`, dataDir: env.d.dataDir,
  });
  assert.equal(r.status, 0, r.stderr);
  const api = new Client(env.d.url);
  assert.equal((await api.login(email, PASSWORD)).status, 200);
  return { email, api };
}

// Logs page in through the log-in form of the daemon at base.
export async function loginViaForm(page, base, email) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

// Fills the application form (FR.APL.01/02) on the current page with personal data (field
// name -> value: birth_place, birth_date, address, phone, education, occupation, nik),
// "dapat" for every element with evidence text, and sends it.
export async function sendApplication(page, personal, evidence) {
  for (const [k, v] of Object.entries(personal)) await page.fill(`#f-${k}`, v);
  for (const radio of await page.locator('input[type=radio][value=dapat]').all()) await radio.check();
  for (const ev of await page.locator('textarea[name$="/evidence"]').all()) await ev.fill(evidence);
  await Promise.all([page.waitForURL(/notice=application_sent/), page.click('form[data-api$="/application"] button[type=submit]')]);
}

// Logs in through the log-in page; a candidate's page ends on /me.
export async function loginCandidate(page, base, email) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/login"] button[type=submit]')]);
}
