// The observation sheet (FR.IA.01) on an assessor's tablet: filled while the test site has
// no connection (CDP offline), kept on the device, sent when the connection is back, and the
// unit decided from it, the next KUK never moved by the sync notice; the application pages
// (FR.APL.01/02) for a candidate and for staff.
// Accessible (axe) in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, uniqueEmail, PASSWORD } from '../integration/lib/daemon.mjs';
import {
  newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser, staffAccount as makeStaff,
  loginViaForm as loginForm, sendApplication,
} from './lib/browser.mjs';
import { assignApplications, userId } from '../integration/lib/schedules.mjs';
import { submittedAttempt } from '../integration/lib/reviews.mjs';

const EXAM = 'KRY-BTT-JR';
const UNIT = 'C.13BTK00.006.1'; // the batik exam's observation unit
const TABLET = { width: 800, height: 1280 };
const env = daemonAndBrowser();
const staffAccount = (role, name) => makeStaff(env, role, name);
const loginViaForm = (page, email) => loginForm(page, env.d.url, email);

test('in English the tablet counts one waiting record in the singular, two in the plural', async () => {
  const { d } = env;
  const { id } = await submittedAttempt(d, EXAM, 'Ratna Sari');
  const asesor = await staffAccount('assessor', 'Asesor Bahasa');
  const p = await newPage(env.browser, TABLET);
  const { page, context } = p;
  await loginViaForm(page, asesor.email);
  await page.goto(`${d.url}/lang?to=en&back=/review/${id}/observations`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const forms = page.locator(`section.obs-unit[data-unit="${UNIT}"] form.obs-kuk`);
  const status = page.locator('#sync-status');
  await context.setOffline(true);
  const texts = [];
  for (let i = 0; i < 2; i++) {
    await forms.nth(i).locator('input[value="true"]').check();
    await forms.nth(i).locator('button[type=submit]').click();
    await forms.nth(i).locator('.kuk-state[data-state=queued]').waitFor();
    await status.waitFor({ state: 'visible' });
    texts.push(await status.textContent());
  }
  assert.deepEqual(texts, [
    'No connection: 1 record is kept on this device and will be sent automatically.',
    'No connection: 2 records are kept on this device and will be sent automatically.',
  ]);
  await context.setOffline(false);
  for (let i = 0; i < 2; i++) await forms.nth(i).locator('.kuk-state[data-state=saved]').waitFor({ timeout: 20_000 });
  assertNoDialogs(p);
  await context.close();
});

test('an observation sheet filled offline on a tablet syncs when back online and decides the unit', async () => {
  const { d } = env;
  // The candidate finishes the attempt (the written part) before the demonstration.
  const { cand, id } = await submittedAttempt(d, EXAM, 'Sri Wahyuni');
  const asesor = await staffAccount('assessor', 'Asesor Tablet');

  const p = await newPage(env.browser, TABLET);
  const { page, context } = p;
  await loginViaForm(page, asesor.email);
  // The marking sheet links the observation sheet of the unit.
  await page.goto(`${d.url}/review/${id}`);
  await Promise.all([page.waitForURL(/\/observations$/), page.click(`a[href="/review/${id}/observations"]`)]);
  await checkPage(page, 'observation-sheet');
  await page.setViewportSize(TABLET);
  const unit = page.locator(`section.obs-unit[data-unit="${UNIT}"]`);
  const forms = unit.locator('form.obs-kuk');
  const n = await forms.count();
  assert.ok(n >= 3, `the unit has its KUKs (${n})`);
  assert.equal(await unit.locator('.unit-verdict').getAttribute('data-unit-verdict'), 'PENDING');

  // The sheet's worker keeps a copy for a reload without a connection.
  for (let i = 0; !(await page.evaluate(() => caches.match(location.pathname).then((r) => !!r))); i++) {
    assert.ok(i < 100, 'the service worker keeps a copy of the observation sheet');
    await page.waitForTimeout(100);
  }
  // The last KUK is recorded while still online.
  const last = forms.nth(n - 1);
  await last.locator('input[value="true"]').check();
  await last.locator('button[type=submit]').click();
  await last.locator('.kuk-state[data-state=saved]').waitFor();

  // The connection drops: every other KUK is recorded all the same.
  await context.setOffline(true);
  for (let i = 0; i < n - 1; i++) {
    const f = forms.nth(i);
    // The first KUK: first "not observed", then corrected to "observed" (the later wins).
    if (i === 0) {
      await f.locator('input[value="false"]').check();
      await f.locator('textarea[name=notes]').fill('Malam sempat menetes, lalu diulang dengan rapi.');
      await f.locator('button[type=submit]').click();
      await f.locator('.kuk-state[data-state=queued]').waitFor();
    }
    await f.locator('input[value="true"]').check();
    await f.locator('button[type=submit]').click();
    await f.locator('.kuk-state[data-state=queued]').waitFor();
  }
  const status = page.locator('#sync-status');
  await status.waitFor({ state: 'visible' });
  assert.match(await status.textContent(), new RegExp(`Tidak ada koneksi: ${n - 1} catatan`));
  // The page shows the outcome the records give, by the server's rule, while offline.
  assert.equal(await unit.locator('.unit-verdict').getAttribute('data-unit-verdict'), 'K');
  const queued = await page.evaluate((a) => JSON.parse(localStorage.getItem(`ujikom.observations.${a}`)).length, String(id));
  assert.equal(queued, n - 1, 'one waiting save per KUK (the superseded one dropped)');
  // Nothing more reached the server.
  const before = await asesor.api.get(`/api/reviews/${id}/observations`);
  assert.equal(before.status, 200);
  const unitBefore = before.json.units.find((u) => u.code === UNIT);
  assert.equal(unitBefore.observed, 1);
  assert.equal(unitBefore.missing, n - 1, 'no record on the server while the tablet is offline');
  await screenshots(page);

  // A reload while offline: the worker's copy, with the waiting records and the one
  // acknowledged before the connection dropped put back.
  await page.reload();
  await page.locator('#observation-sheet[data-offline-copy="1"]').waitFor();
  for (let i = 0; i < n - 1; i++) {
    assert.equal(await forms.nth(i).locator('.kuk-state').getAttribute('data-state'), 'queued');
    assert.ok(await forms.nth(i).locator('input[value="true"]').isChecked());
  }
  assert.equal(await last.locator('.kuk-state').getAttribute('data-state'), 'saved');
  assert.ok(await last.locator('input[value="true"]').isChecked());
  assert.equal(await unit.locator('.unit-verdict').getAttribute('data-unit-verdict'), 'K');
  await status.waitFor({ state: 'visible' });

  // Back online: the queue is sent and the unit is decided by its records.
  await context.setOffline(false);
  await page.waitForFunction((k) => document.querySelectorAll(`section.obs-unit[data-unit="${k}"] .kuk-state[data-state=saved]`).length
    === document.querySelectorAll(`section.obs-unit[data-unit="${k}"] form.obs-kuk`).length, UNIT, { timeout: 20_000 });
  await status.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate((a) => JSON.parse(localStorage.getItem(`ujikom.observations.${a}`)).length, String(id)), 0);
  const after = await asesor.api.get(`/api/reviews/${id}/observations`);
  const unitAfter = after.json.units.find((u) => u.code === UNIT);
  assert.equal(unitAfter.verdict, 'K');
  assert.equal(unitAfter.observed, n);
  const first = unitAfter.elements[0].kuk[0].record;
  assert.equal(first.observed, true, 'the later recording of the first KUK won');
  assert.equal(first.notes, 'Malam sempat menetes, lalu diulang dengan rapi.', 'with the notes kept in the form');

  // The decision takes the unit's outcome from the sheet; the candidate sees it.
  const review = await asesor.api.get(`/api/reviews/${id}`);
  assert.equal(review.status, 200);
  assert.equal(review.json.units.find((u) => u.code === UNIT).automatic, 'K');
  const items = {};
  for (const u of review.json.units) {
    for (const it of u.items) if (it.open) items[it.id] = { criteria: Object.fromEntries(it.rubric.map((c) => [c.id, 0])) };
  }
  const dec = await asesor.api.post(`/api/reviews/${id}/decision`,
    { items, overall: 'BK', feedback: 'Praktik mencanting sudah kompeten; pelajari lagi bagian tertulis.' });
  assert.equal(dec.status, 200, dec.text);
  const fb = await cand.get(`/api/attempts/${id}/feedback`);
  assert.equal(fb.json.units[UNIT].outcome, 'K');
  assert.equal(fb.json.units[UNIT].automatic, 'K');

  // The sheet in English, read-only after the decision, still accessible.
  await page.goto(`${d.url}/lang?to=en&back=/review/${id}/observations`);
  assert.match(await page.locator('main h1').textContent(), /Observation sheet/);
  await assertAccessible(page, 'observation-sheet-en');
  assertNoDialogs(p);
  await context.close();
});

// The sync notice comes while a KUK's record is sent and goes once it is stored; the KUK the
// assessor is about to tap next stays where it is meanwhile, at the top of the sheet and
// further down, with Chromium's scroll anchoring and without it (Safari, on many tablets;
// emulated with `overflow-anchor: none`). It moved by the notice's height.
test('the next KUK stays put while the sync notice comes and goes', async () => {
  const { d } = env;
  const { id } = await submittedAttempt(d, EXAM, 'Dewi Lestari');
  const asesor = await staffAccount('assessor', 'Asesor Tenang');
  for (const anchoring of [true, false]) {
    const p = await newPage(env.browser, TABLET);
    const { page, context } = p;
    await loginViaForm(page, asesor.email);
    await page.goto(`${d.url}/review/${id}/observations`);
    if (!anchoring) await page.evaluate(() => { for (const el of [document.documentElement, document.body]) el.style.overflowAnchor = 'none'; });
    const forms = page.locator(`section.obs-unit[data-unit="${UNIT}"] form.obs-kuk`);
    for (const [k, scroll] of [[0, 'top'], [1, 'down']]) {
      const f = forms.nth(k), next = forms.nth(k + 1).locator('input[value="true"]');
      if (scroll === 'top') await page.evaluate(() => scrollTo(0, 0));
      else await f.evaluate((el) => scrollBy(0, el.getBoundingClientRect().top - 200));
      let release, reached;
      const held = new Promise((r) => { release = r; });
      const sent = new Promise((r) => { reached = r; });
      await page.route('**/api/reviews/*/observations/**', async (route) => { reached(); await held; await route.continue(); });
      await f.locator('input[value="true"]').check();
      await f.locator('button[type=submit]').click();
      await sent;
      await page.locator('#sync-status').waitFor({ state: 'visible' });
      const y0 = (await next.boundingBox()).y;
      release();
      await f.locator('.kuk-state[data-state=saved]').waitFor();
      await page.locator('#sync-status').waitFor({ state: 'hidden' });
      const y1 = (await next.boundingBox()).y;
      const how = `${anchoring ? 'with' : 'without'} scroll anchoring, ${scroll}`;
      assert.ok(Math.abs(y1 - y0) <= 1, `${how}: the next KUK stays at ${y0} px when the notice goes (now ${y1})`);
      await page.unroute('**/api/reviews/*/observations/**');
    }
    await assertAccessible(page, `observation sheet, notice gone (${anchoring ? 'anchoring' : 'no anchoring'})`);
    assertNoDialogs(p);
    await context.close();
  }
});

async function screenshots(page) {
  await page.screenshot({ path: `${process.env.UJIKOM_ARTIFACTS || 'tests/artifacts'}/screenshots/observation-offline-tablet.png`, fullPage: true });
}

test('a candidate applies through the page; staff decide eligibility; both languages', async () => {
  const { d } = env;
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  const email = uniqueEmail('pemohon');
  const c = new Client(d.url);
  assert.equal((await c.register('Nyoman Sukerta', email, PASSWORD)).status, 201);
  await loginViaForm(page, email);
  await page.goto(`${d.url}/exams/${EXAM}/application`);
  await checkPage(page, 'application-form');
  await sendApplication(page, {
    birth_place: 'Gianyar', birth_date: '1988-03-12', address: 'Banjar Tegal, Gianyar, Bali',
    phone: '081337001122', education: 'SMA', occupation: 'Perajin batik', nik: '5104011203880004',
  }, 'Foto kain batik tulis buatan sendiri.');
  assert.match(await page.locator('#application-status').textContent(), /Menunggu pemeriksaan asesor/);
  assert.ok(!(await page.content()).includes('5104011203880004'), 'the page never shows the NIK');

  const admin = await staffAccount('assessor', 'Asesor Permohonan');
  // the assessor is assigned to the test event the candidate is enrolled in
  const lsp = await staffAccount('admin', 'Admin LSP');
  await assignApplications(lsp.api, EXAM, [await userId(admin.api)], [email]);
  const sp = await newPage(env.browser, TABLET);
  await loginViaForm(sp.page, admin.email);
  await sp.page.goto(`${d.url}/applications`);
  await checkPage(sp.page, 'applications');
  await Promise.all([sp.page.waitForURL(/\/applications\/\d+$/), sp.page.locator('main table a').first().click()]);
  await checkPage(sp.page, 'application-staff');
  assert.match(await sp.page.locator('#nik').textContent(), /^\*+0004$/);
  await sp.page.check('#o-eligible');
  await sp.page.fill('#f-reason', 'Bukti praktik lengkap.');
  await Promise.all([sp.page.waitForURL(/notice=application_decided/), sp.page.click('form[data-api$="/decision"] button[type=submit]')]);
  assert.match(await sp.page.locator('#application-status').textContent(), /Memenuhi syarat/);
  assertNoDialogs(sp);
  await sp.context.close();

  // The candidate sees the outcome, in English too.
  await page.goto(`${d.url}/lang?to=en&back=/exams/${EXAM}/application`);
  assert.match(await page.locator('#application-status').textContent(), /Eligible/);
  await assertAccessible(page, 'application-en');
  assertNoDialogs(p);
  await context.close();
});
