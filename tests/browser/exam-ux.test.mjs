// The exam page as candidates live it (issue 16, the parts the page's script and style sheet
// carry): a question navigator with progress, the sticky bar never hiding what a link or
// focus moves to, the item being answered kept in place while the page changes by itself
// (an upload finishing, a banner), a visible focus ring on the dark header, timer warnings announced once
// each, a definite state for answers caught by the deadline, a results table that keeps
// words whole at 360 px, show-password, clearing a single-choice answer, a confirmed
// "Keluar", prompts without the file's hard line breaks and code in a monospace font.
// Every new page state is checked with axe and photographed at 360 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, cli, uniqueEmail, PASSWORD, setAttemptDeadline } from '../integration/lib/daemon.mjs';
import { launch, newPage, checkPage, assertAccessible, screenshots, assertNoDialogs } from './lib/browser.mjs';
import { TINY_JPEG } from '../integration/lib/evidence.mjs';

let d;
let browser;
before(async () => {
  d = await startDaemon();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
});

function setDeadline(attemptId, ms) {
  setAttemptDeadline(d.dataDir, attemptId, ms);
}

async function register(page, tag) {
  await page.goto(`${d.url}/register`);
  await page.fill('#name', 'Rina Marlina');
  await page.fill('#email', uniqueEmail(tag));
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/register"] button[type=submit]')]);
}

async function startExam(page, exam) {
  await page.goto(`${d.url}/exams/${exam}/start`); // the pre-start page
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/), page.click(`form[action="/exams/${exam}/start"] button`)]);
  await page.locator('#timer').filter({ hasText: /:/ }).waitFor();
  return page.locator('#exam').getAttribute('data-attempt');
}

// The focused element's box lies below the sticky bar (WCAG 2.4.11).
async function focusNotHidden(page) {
  return page.evaluate(() => {
    const bar = document.querySelector('.exam-bar').getBoundingClientRect();
    const r = document.activeElement.getBoundingClientRect();
    return { top: r.top, barBottom: bar.bottom, ok: r.top >= bar.bottom - 0.5 && r.bottom <= innerHeight + 0.5 };
  });
}

function luminance(rgb) {
  const c = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
}

test('the navigator shows progress, answered, flagged and unsaved items, and jumps with focus', async () => {
  const p = await newPage(browser);
  const { page } = p;
  await register(page, 'nav');
  await startExam(page, 'APL-JWD-JR');
  const items = page.locator('fieldset.item');
  const total = await items.count();
  const nav = page.locator('.exam-bar nav.qnav');
  await nav.waitFor();
  assert.equal(await nav.locator('button').count(), total, 'one button per item');
  assert.equal((await page.locator('#qnav-progress').textContent()).trim(), `0/${total} terjawab`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.exam-bar')).position), 'sticky');

  // Answered: the count and the button (text and aria, not colour alone).
  const single = items.locator('xpath=self::*[@data-type="single" or @data-type="truefalse"]');
  const first = single.first();
  const firstId = (await first.getAttribute('id')).slice(5);
  await first.locator('input[type=radio]').first().check();
  await first.locator('.save-state[data-state=saved]').waitFor();
  assert.equal((await page.locator('#qnav-progress').textContent()).trim(), `1/${total} terjawab`);
  const b1 = nav.locator(`button[data-item="${firstId}"]`);
  assert.equal(await b1.getAttribute('data-state'), 'answered');
  assert.match(await b1.getAttribute('aria-label'), /terjawab/);
  assert.match(await b1.textContent(), /✓/);

  // Flagged.
  const second = single.nth(1);
  const secondId = (await second.getAttribute('id')).slice(5);
  await second.locator('input.flag').check();
  const b2 = nav.locator(`button[data-item="${secondId}"]`);
  assert.match(await b2.getAttribute('aria-label'), /ditandai/);
  assert.match(await b2.textContent(), /⚑/);

  // Unsaved: the save is held back by the network.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/answers/**', async (route) => { await held; await route.continue(); });
  await second.locator('input[type=radio]').first().check();
  await page.waitForFunction((id) => document.querySelector(`.qnav button[data-item="${id}"]`).getAttribute('data-state') === 'unsaved', secondId);
  assert.match(await b2.getAttribute('aria-label'), /belum tersimpan/);
  await checkPage(page, 'exam-navigator-unsaved');
  release();
  await second.locator('.save-state[data-state=saved]').waitFor();
  await page.unroute('**/answers/**');
  assert.equal((await page.locator('#qnav-progress').textContent()).trim(), `2/${total} terjawab`);

  // Jump: focus moves into the item and is not under the sticky bar, at both widths.
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 800 });
    const k = total - 3;
    const id = (await items.nth(k).getAttribute('id')).slice(5);
    await nav.locator(`button[data-item="${id}"]`).click();
    const inItem = await page.evaluate((fid) => document.getElementById(fid).contains(document.activeElement), `item-${id}`);
    assert.ok(inItem, `focus moved to item ${k + 1} at ${width} px`);
    const f = await focusNotHidden(page);
    assert.ok(f.ok, `at ${width} px the focused item (top ${f.top}) is not under the bar (bottom ${f.barBottom})`);
  }
  // Compact at 360 px: one scrolling row, not a wall of buttons.
  await page.setViewportSize({ width: 360, height: 800 });
  const h = await nav.evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(h <= 110, `the navigator is compact at 360 px (${h} px high)`);
  await checkPage(page, 'exam-navigator');
  assertNoDialogs(p);
  await p.context.close();
});

// What the page changes by itself — an upload above finishing, the offline banner coming and
// going in the sticky bar — leaves the item being answered where it is on screen: an option
// about to be tapped does not move away under the finger (it moved by 36 px, and a tap then
// landed beside it). Chromium's scroll anchoring covers changes above the screen and in the
// sticky bar but not a change in view above the item; browsers without scroll anchoring
// (Safari) cover none, emulated here with `overflow-anchor: none`.
test('the item being answered stays put while an upload above it finishes and banners come and go', async () => {
  for (const anchoring of [true, false]) {
    const p = await newPage(browser, { width: 1280, height: 1800 });
    const { page, context } = p;
    await register(page, `steady-${anchoring}`);
    await startExam(page, 'FSN-PBW-JR');
    if (!anchoring) await page.evaluate(() => { for (const el of [document.documentElement, document.body]) el.style.overflowAnchor = 'none'; });
    const how = anchoring ? 'with scroll anchoring' : 'without scroll anchoring';
    const items = page.locator('fieldset.item');
    const types = await items.evaluateAll((els) => els.map((e) => e.dataset.type));
    const ev = types.indexOf('evidence');
    const k = types.findIndex((t, i) => i > ev && (t === 'single' || t === 'truefalse'));
    assert.ok(ev >= 0 && k > ev, `an evidence item (${ev}) with a choice item after it (${k})`);

    // The upload's chunk is held back until the candidate is on the next item.
    let release, reached;
    const held = new Promise((r) => { release = r; });
    const sent = new Promise((r) => { reached = r; });
    await page.route('**/api/uploads/*', async (route) => {
      if (route.request().method() === 'PUT') { reached(); await held; }
      await route.continue();
    });
    await items.nth(ev).locator('input[type=file]').setInputFiles({ name: 'jahitan.jpg', mimeType: 'image/jpeg', buffer: TINY_JPEG });
    await sent;
    const item = items.nth(k);
    await item.locator('input[type=radio]').first().check();
    await item.locator('.save-state[data-state=saved]').waitFor();
    // The uploading item's top just under the sticky bar, the answered one below in view.
    const next = item.locator('input[type=radio]').nth(1);
    const top = async () => (await next.boundingBox()).y;
    await items.nth(ev).evaluate((el) => scrollBy({ top: el.getBoundingClientRect().top - 150, behavior: 'instant' }));
    if (await top() > 1700) await page.evaluate((dy) => scrollBy({ top: dy, behavior: 'instant' }), await top() - 1700);
    const y0 = await top();
    assert.ok(y0 > 150 && y0 < 1750, `the next option is in view (${y0} px)`);
    release();
    await items.nth(ev).locator('.upload-state[data-state=done]').waitFor();
    assert.ok(Math.abs(await top() - y0) <= 1, `${how}: the next option stays at ${y0} px after the upload finished (now ${await top()})`);
    await page.unroute('**/api/uploads/*');

    // The offline banner opens in the sticky bar and closes again.
    await context.setOffline(true);
    await page.locator('#offline-banner').waitFor();
    assert.ok(Math.abs(await top() - y0) <= 1, `${how}: the option stays at ${y0} px when the offline banner opens (now ${await top()})`);
    await context.setOffline(false);
    await page.locator('#offline-banner').waitFor({ state: 'hidden' });
    assert.ok(Math.abs(await top() - y0) <= 1, `${how}: the option stays at ${y0} px when the banner closes (now ${await top()})`);
    await next.check();
    await item.locator('.save-state[data-state=saved]').waitFor();
    assertNoDialogs(p);
    await context.close();
  }
});

test('the sticky bar never hides a link target or keyboard focus; the header focus ring has 3:1', async () => {
  const p = await newPage(browser);
  const { page } = p;
  await register(page, 'focus');
  const id = await startExam(page, 'APL-JWD-JR');
  const items = page.locator('fieldset.item');
  const total = await items.count();
  for (const width of [360, 1280]) {
    // A review-page link to an item.
    await page.setViewportSize({ width, height: 800 });
    const target = (await items.nth(total - 4).getAttribute('id'));
    await page.goto(`${d.url}/attempts/${id}#${target}`);
    await page.locator('.qnav').waitFor();
    const box = await page.evaluate((t) => ({
      top: document.getElementById(t).getBoundingClientRect().top,
      bar: document.querySelector('.exam-bar').getBoundingClientRect().bottom,
    }), target);
    assert.ok(box.top >= box.bar - 0.5, `at ${width} px the linked item (top ${box.top}) is under the bar (bottom ${box.bar})`);

    // Tab to a field that sits just under the bar.
    const input = items.nth(6).locator('input:not(.flag), select, textarea').first();
    await input.evaluate((el) => {
      const all = [...document.querySelectorAll('#exam-form input:not([type=hidden]), #exam-form select, #exam-form textarea, #exam-form button')];
      all[all.indexOf(el) - 1].focus({ preventScroll: true });
      const bar = document.querySelector('.exam-bar').getBoundingClientRect().height;
      window.scrollBy(0, el.getBoundingClientRect().top - bar / 2);
    });
    await page.keyboard.press('Tab');
    const f = await focusNotHidden(page);
    assert.ok(f.ok, `at ${width} px the focused field (top ${f.top}) is not under the bar (bottom ${f.barBottom})`);
  }

  // The header's focus ring against the dark blue header.
  await page.goto(`${d.url}/attempts/${id}`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const a = document.activeElement;
    const cs = getComputedStyle(a);
    return { inHeader: !!a.closest('header.site'), outline: cs.outlineColor, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth),
      bg: getComputedStyle(document.querySelector('header.site')).backgroundColor };
  });
  assert.ok(ring.inHeader, 'the second Tab stop is in the header');
  assert.notEqual(ring.style, 'none');
  assert.ok(ring.width >= 2, 'the ring is at least 2 px');
  const ratio = contrast(ring.outline, ring.bg);
  assert.ok(ratio >= 3, `the header focus ring contrast is ${ratio.toFixed(2)}:1`);
  await checkPage(page, 'exam-linked');
  assertNoDialogs(p);
  await p.context.close();
});

test('timer warnings are announced once each; time-up stays; a save caught by it gets a definite state', async () => {
  const p = await newPage(browser);
  const { page } = p;
  await register(page, 'timer');
  const id = await startExam(page, 'KLN-JMK-JR');
  setDeadline(id, Date.now() + 10.5 * 60 * 1000);
  await page.clock.install({ time: new Date() });
  await page.goto(`${d.url}/attempts/${id}`);
  await page.locator('#timer').filter({ hasText: /10:[23]\d/ }).waitFor();
  assert.equal(await page.locator('#timer').getAttribute('aria-live'), null, 'the countdown itself is not a live region');
  const live = page.locator('#timer-alert');
  assert.ok(await live.getAttribute('role') === 'status' || await live.getAttribute('aria-live') === 'polite', 'the warnings region is polite');
  await page.evaluate(() => {
    window.__changes = [];
    const el = document.getElementById('timer-alert');
    new MutationObserver(() => {
      window.__changes.push({ text: el.textContent, timer: document.getElementById('timer').textContent });
    }).observe(el, { childList: true, characterData: true, subtree: true });
  });
  // A save in flight when time runs out.
  let releaseSave;
  const held = new Promise((r) => { releaseSave = r; });
  await page.route('**/answers/**', async (route) => { await held; await route.abort(); });
  for (let i = 0; i < 7; i++) await page.clock.runFor(60_000);
  const fs = page.locator('fieldset.item[data-type=single], fieldset.item[data-type=truefalse]').first();
  await fs.locator('input[type=radio]').first().check();
  await fs.locator('.save-state[data-state=saving]').waitFor();
  for (let i = 0; i < 3; i++) await page.clock.runFor(60_000);
  await checkPage(page, 'exam-last-minute');
  for (let i = 0; i < 4; i++) await page.clock.runFor(15_000);
  const changes = await page.evaluate(() => window.__changes);
  const texts = changes.map((c) => c.text);
  for (const m of [/10 menit/, /5 menit/, /1 menit/, /Waktu habis/]) {
    assert.equal(texts.filter((t) => m.test(t)).length, 1, `announced once: ${m} in ${JSON.stringify(texts)}`);
  }
  const lastMinute = changes.filter((c) => /Sisa waktu 0:|Waktu habis/.test(c.timer) && !/1 menit/.test(c.text));
  assert.ok(lastMinute.length <= 4, `at most four announcements in the last minute (${lastMinute.length})`);
  await page.clock.runFor(5_000);
  assert.equal((await page.textContent('#timer')).trim(), 'Waktu habis');
  const st = fs.locator('.save-state');
  assert.notEqual(await st.getAttribute('data-state'), 'saving');
  assert.match(await st.textContent(), /Tidak tersimpan — waktu habis/);
  releaseSave();
  await page.clock.runFor(2_000);
  assert.equal((await page.textContent('#timer')).trim(), 'Waktu habis');
  assert.match(await st.textContent(), /Tidak tersimpan — waktu habis/);
  await checkPage(page, 'exam-time-up');
  assertNoDialogs(p);
  await p.context.close();
});

test('a cleared single choice is saved cleared; "Keluar" asks first; prompts flow; code is monospace', async () => {
  // Forms are drawn from pools, so the items the checks below need are on some forms only:
  // the item whose options are code ("f1()", 4 of 6 drawn) and a 3-line source prompt of
  // 150-220 characters (APL-JWD-004, same pool, or APL-JWD-015, 3 of 4 drawn). New candidates
  // start until a form has them (about 6 forms in 10 do; bounded).
  let p;
  let page;
  let id;
  for (let tries = 1; ; tries++) {
    p = await newPage(browser);
    ({ page } = p);
    await register(page, `clear${tries}`);
    id = await startExam(page, 'APL-JWD-JR');
    const has = async (item) => (await page.locator(`#item-${item}`).count()) > 0;
    if ((await has('APL-JWD-001')) && ((await has('APL-JWD-004')) || (await has('APL-JWD-015')))) {
      break;
    }
    await p.context.close();
    assert.ok(tries < 16, 'no form drew the code item and a 3-line prompt in 16 starts');
  }
  const fs = page.locator('fieldset.item[data-type=single]').first();
  const itemId = (await fs.getAttribute('id')).slice(5);
  await fs.locator('input[type=radio]').first().check();
  await fs.locator('.save-state[data-state=saved]').waitFor();
  const clear = fs.getByRole('button', { name: 'Hapus pilihan' });
  await clear.click();
  await page.waitForFunction((i) => document.querySelector(`#item-${i} .save-state`).getAttribute('data-state') === 'saved', itemId);
  assert.equal(await fs.locator('input[type=radio]:checked').count(), 0);
  assert.ok(await clear.isHidden(), 'the clear button goes once nothing is chosen');
  await checkPage(page, 'exam-cleared');
  const j = await (await page.request.get(`${d.url}/api/attempts/${id}`)).json();
  assert.ok(j.answers[itemId] === undefined || j.answers[itemId] === null, `the answer is cleared on the server (${JSON.stringify(j.answers[itemId])})`);
  await page.reload();
  assert.equal(await fs.locator('input[type=radio]:checked').count(), 0, 'still cleared after a reload');

  // Prompts: the file's line breaks are not kept; a multi-line prompt flows.
  await page.setViewportSize({ width: 1280, height: 900 });
  const flow = await page.evaluate(() => [...document.querySelectorAll('.prompt')].map((el) => ({ ws: getComputedStyle(el).whiteSpace })));
  assert.ok(flow.every((f) => !/^pre/.test(f.ws) && f.ws !== 'break-spaces'), `prompts do not keep hard breaks: ${JSON.stringify(flow.slice(0, 3))}`);
  const long = await page.evaluate(() => {
    const el = [...document.querySelectorAll('.prompt')].find((e) => !e.querySelector('pre') && e.textContent.length > 150 && e.textContent.length < 220);
    if (!el) return null;
    return Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
  });
  assert.ok(long !== null && long <= 2, `a 3-line source prompt of < 220 characters takes ${long} lines at 1280 px`);
  // Code: an option that is code ("f1()") is in a monospace font.
  const font = await page.evaluate(() => {
    const lab = [...document.querySelectorAll('fieldset.item label')].find((l) => /^\s*f1\(\)\s*$/.test(l.textContent));
    const code = lab && lab.querySelector('code');
    return code ? getComputedStyle(code).fontFamily : null;
  });
  assert.ok(font && /mono|courier|consolas/i.test(font), `code is monospace (${font})`);

  // "Keluar": a dialog in the page first; "Batal" stays, "Keluar" logs out.
  const logout = page.locator('header.site form[action="/logout"] button');
  await logout.click();
  const dlg = page.locator('dialog[open]');
  await dlg.waitFor();
  assert.match(await dlg.textContent(), /Keluar/);
  await assertAccessible(page, 'exam-logout-confirm');
  await screenshots(page, 'exam-logout-confirm');
  await dlg.getByRole('button', { name: 'Batal' }).click();
  assert.equal(await page.locator('dialog[open]').count(), 0);
  assert.match(page.url(), /\/attempts\/\d+$/);
  await logout.click();
  await Promise.all([page.waitForURL((u) => !/\/attempts\//.test(u.pathname)), page.locator('dialog[open]').getByRole('button', { name: 'Keluar' }).click()]);
  const me = await page.request.get(`${d.url}/me`, { maxRedirects: 0 });
  assert.notEqual(me.status(), 200, 'logged out');
  assertNoDialogs(p);
  await p.context.close();
});

test('the results table keeps words whole and every column in view at 360 px', async () => {
  const p = await newPage(browser);
  const { page } = p;
  await register(page, 'result');
  await startExam(page, 'KLN-JMK-JR');
  const items = page.locator('fieldset.item');
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const fs = items.nth(i);
    const type = await fs.getAttribute('data-type');
    if (type === 'single' || type === 'truefalse') await fs.locator('input[type=radio]').first().check();
    else if (type === 'multiple') await fs.locator('input[type=checkbox]:not(.flag)').first().check();
    else if (type === 'numeric') await fs.locator('input[type=text]').fill('12');
    else if (type === 'short') await fs.locator('input[type=text]').fill('garam');
    else if (type === 'open') await fs.locator('textarea').fill('Jawaban.');
    else if (type === 'ordering') {
      const sels = fs.locator('select');
      const k = await sels.count();
      for (let s = 0; s < k; s++) await sels.nth(s).selectOption(String(s + 1));
    }
  }
  for (let i = 0; i < n; i++) await items.nth(i).locator('.save-state[data-state=saved]').waitFor();
  await Promise.all([page.waitForURL(/\/review/), page.click('button[value=review]')]);
  if (await page.locator('#confirm').count()) await page.check('#confirm');
  await Promise.all([page.waitForURL(/\/me/), page.click('form[action$="/submit"] button[type=submit]')]);
  await page.setViewportSize({ width: 360, height: 800 });
  await page.locator('main table').first().waitFor();
  const split = await page.evaluate(() => {
    const bad = [];
    for (const cell of document.querySelectorAll('main table th, main table td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const re = /\S+/g;
        let m;
        while ((m = re.exec(t.data))) {
          const r = document.createRange();
          r.setStart(t, m.index);
          r.setEnd(t, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
          if (tops.size > 1) bad.push(m[0]);
        }
      }
    }
    return bad;
  });
  assert.deepEqual(split, [], 'no word in the results table is split across lines');
  // Each unit's score, cut score and outcome are on the screen: the rows stack as column name
  // and value, nothing (the caption neither) is scrolled out of the 360 px view.
  const reach = await page.evaluate(() => {
    const t = document.querySelector('main .table-wrap table');
    const width = document.documentElement.clientWidth;
    const right = (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return Math.max(el.getBoundingClientRect().right, ...[...range.getClientRects()].map((x) => x.right));
    };
    const outside = [...t.querySelectorAll('caption, td')]
      .filter((el) => right(el) > width + 0.5)
      .map((el) => el.textContent.trim());
    const outcome = t.querySelector('tbody tr td:last-child');
    return {
      outside, scrolls: t.parentElement.scrollWidth > t.parentElement.clientWidth,
      label: getComputedStyle(outcome, '::before').content, header: t.querySelector('thead th:last-child').textContent,
    };
  });
  assert.deepEqual(reach.outside, [], 'cells out of the view');
  assert.equal(reach.scrolls, false, 'the results table scrolls sideways');
  assert.equal(reach.label, `"${reach.header}"`, 'a stacked cell names its column');
  await checkPage(page, 'me-result');
  assertNoDialogs(p);
  await p.context.close();
});

test('password fields have a show-password toggle that keeps the plain form working', async () => {
  const email = uniqueEmail('admin');
  const r = cli(['admin', 'create', '--email', email, '--name', 'Admin Uji', '--role', 'admin'], {
    input: `${PASSWORD}\n`, dataDir: d.dataDir,
  });
  assert.equal(r.status, 0, r.stderr);
  const p = await newPage(browser);
  const { page } = p;
  // The registration form: the toggle beside its one password field.
  await page.goto(`${d.url}/register`);
  assert.equal(await page.locator('button.pw-toggle').count(), 1);
  assert.equal(await page.locator('button[aria-controls="password"]').getAttribute('type'), 'button');
  // The log-in form: shown while typing, and the form still signs in.
  await page.goto(`${d.url}/login`);
  const loginToggle = page.locator('button[aria-controls="password"]');
  assert.equal(await loginToggle.getAttribute('aria-pressed'), 'false');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await loginToggle.click();
  assert.equal(await page.locator('#password').getAttribute('type'), 'text');
  assert.equal(await loginToggle.getAttribute('aria-pressed'), 'true');
  await checkPage(page, 'login-password-shown');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname === '/login', false, 'signed in with the password shown');
  // The password page: one toggle per field, each for its own.
  await page.goto(`${d.url}/account/password`);
  assert.deepEqual(
    await page.locator('button.pw-toggle').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-controls'))),
    ['current_password', 'new_password'],
  );
  await page.goto(`${d.url}/admin`);
  const pw = page.locator('main input[type=password]').first();
  const pid = await pw.getAttribute('id');
  const toggle = page.locator(`button[aria-controls="${pid}"]`);
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await toggle.getAttribute('type'), 'button', 'the toggle never submits the form');
  await pw.fill('Rahasia-Sekali-2026');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator(`#${pid}`).getAttribute('type'), 'text');
  assert.equal(await page.locator(`#${pid}`).inputValue(), 'Rahasia-Sekali-2026');
  await checkPage(page, 'admin-password-shown');
  await toggle.click();
  assert.equal(await page.locator(`#${pid}`).getAttribute('type'), 'password');
  assertNoDialogs(p);
  await p.context.close();
});
