// The assessor's marking screens in Chromium at 1280 px and 360 px: the essay beside a
// rubric that stays in view, level descriptors as choices, a comment per criterion, the
// total following the marks, a 5,000-character comment, names instead of account numbers,
// no "Tangani" on a decided attempt, the queue's filters, marking one question across two
// candidates, and blind marking. Every state is checked with axe and photographed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { candidateClient, PASSWORD } from '../integration/lib/daemon.mjs';
import { reviewDaemon, markingExam, finishedAttempt } from '../integration/lib/reviews.mjs';
import { launch, newPage, checkPage, assertAccessible, assertNoDialogs } from './lib/browser.mjs';

const LEVELS = 'DKV-UJI-LEVELS';
const BLIND = 'DKV-UJI-BLIND';
// A long essay: the rubric must stay in view while it scrolls.
const ESSAY = Array.from({ length: 40 }, (_, i) => `Paragraf ${i + 1}: hierarki visual menuntun mata `
  + 'dari judul ke subjudul lalu ke isi, dengan ukuran, warna dan jarak yang berbeda.').join('\n\n');

let ctx;
let d;
let browser;
let asesor;
const ids = {};

before(async () => {
  ctx = await reviewDaemon({
    'dkv-uji-levels.exam.yaml': markingExam(LEVELS),
    'dkv-uji-blind.exam.yaml': markingExam(BLIND, { blind: true }),
  });
  ({ d, asesor1: asesor } = ctx);
  ids.rani = await finishedAttempt(await candidateClient(d, 'Rani Puspita'), { exam: LEVELS, essay: ESSAY });
  ids.bima = await finishedAttempt(await candidateClient(d, 'Bima Sakti'), { exam: LEVELS, essay: 'Judul, subjudul, isi.' });
  ids.blind = await finishedAttempt(await candidateClient(d, 'Nama Rahasia'), { exam: BLIND });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (ctx) await ctx.stop();
});

// Ends a page's test: no dialog or script error happened, then the context closes.
async function done(p) {
  assertNoDialogs(p);
  await p.context.close();
}

async function assessorPage(width = 1280, who = asesor) {
  const p = await newPage(browser, { width });
  await p.page.goto(`${d.url}/login`);
  await p.page.fill('#email', who.email);
  await p.page.fill('#password', PASSWORD);
  await Promise.all([p.page.waitForNavigation(), p.page.click('form[action="/login"] button[type=submit]')]);
  return p;
}

const rows = (page) => page.locator('main table tbody tr').allTextContents();

test('the queue shows names, hides a blind exam\'s candidate, and filters', async () => {
  const p = await assessorPage();
  const { page } = p;
  await page.goto(`${d.url}/review`);
  let text = (await rows(page)).join('\n');
  assert.match(text, /Rani Puspita/);
  assert.match(text, /Bima Sakti/);
  assert.match(text, /Asesi anonim/, 'the blind exam\'s candidate is not named');
  assert.ok(!(await page.content()).includes('Nama Rahasia'), 'the blind candidate\'s name is nowhere on the page');
  await checkPage(page, 'marking-queue');

  await page.selectOption('#f-exam', LEVELS);
  await Promise.all([page.waitForURL(/exam=DKV-UJI-LEVELS/), page.click('form.filters button[type=submit]')]);
  text = (await rows(page)).join('\n');
  assert.equal((await rows(page)).length, 2, text);
  assert.doesNotMatch(text, /Asesi anonim/);
  assert.equal(await page.inputValue('#f-exam'), LEVELS, 'the chosen filter stays selected');

  await page.selectOption('#f-state', 'mine');
  await Promise.all([page.waitForURL(/state=mine/), page.click('form.filters button[type=submit]')]);
  assert.equal((await rows(page)).length, 0, 'nothing is mine yet');
  await page.selectOption('#f-state', 'free');
  await page.selectOption('#f-sub', 'FSN');
  await Promise.all([page.waitForURL(/subsector=FSN/), page.click('form.filters button[type=submit]')]);
  assert.equal((await rows(page)).length, 0, 'no DKV attempt under FSN');
  await assertAccessible(page, 'marking-queue-filtered');
  await done(p);
});

test('marking by question goes through both candidates\' answers in turn', async () => {
  const p = await assessorPage();
  const { page } = p;
  await page.goto(`${d.url}/review?exam=${LEVELS}`);
  await Promise.all([page.waitForURL(/\/marking\/DKV-UJI-LEVELS\/ESS-1$/), page.click(`a[href="/marking/${LEVELS}/ESS-1"]`)]);
  const seen = [];
  for (const [n, r1, r2, note] of [[1, '2', '1', 'Alasan belum ada.'], [2, '4', '2', 'Runtut.']]) {
    assert.match(await page.textContent('.progress'), new RegExp(`Jawaban ${n} dari 2`));
    const who = await page.textContent('main dl.facts dd');
    seen.push(who.trim());
    await page.check(`input[name="#criteria/R1"][value="${r1}"]`);
    await page.fill('input[name="#criteria/R2"]', r2);
    assert.equal(await page.textContent('output.item-total'), String(Number(r1) + Number(r2)), 'the total follows');
    await page.fill('textarea[name="notes/R1"]', note);
    if (n === 1) await checkPage(page, 'marking-by-question');
    const id = (await page.getAttribute('main dl.facts a[href^="/review/"]', 'href')).split('/').pop();
    await Promise.all([page.waitForURL((u) => u.search === `?after=${id}`),
      page.click('form[data-api*="/marks/"] button[type=submit]')]);
  }
  assert.deepEqual(seen.sort(), ['Bima Sakti', 'Rani Puspita'], 'each candidate once');
  assert.match(await page.textContent('main'), /Tidak ada lagi jawaban soal ini/);
  await assertAccessible(page, 'marking-by-question-done');
  // An attempt that is no longer in the list starts the round again; saved marks are shown.
  await page.goto(`${d.url}/marking/${LEVELS}/ESS-1?after=999999`);
  assert.match(await page.textContent('.progress'), /Jawaban 1 dari 2/);
  assert.match(await page.textContent('main'), /Nilai Anda untuk jawaban ini sudah tersimpan/);
  assert.equal(await page.inputValue('textarea[name="notes/R1"]'), 'Alasan belum ada.');
  const missing = await page.goto(`${d.url}/marking/${LEVELS}/OBJ-1`);
  assert.equal(missing.status(), 404, 'an objective item is not marked by question');
  // The saved marks: both attempts are now claimed by the assessor.
  const mine = await asesor.get(`/api/reviews/queue?exam=${LEVELS}&state=mine`);
  assert.deepEqual(mine.json.items.map((e) => e.attempt_id).sort(), [ids.rani, ids.bima].sort());
  await done(p);
});

test('the sheet at 1280 px: sticky rubric beside a long essay, levels, notes, total, 5,000 characters, names', async () => {
  const p = await assessorPage();
  const { page } = p;
  await page.goto(`${d.url}/review/${ids.rani}`);
  // Saved by question, shown back.
  assert.equal(await page.isChecked('input[name="#items/ESS-1/criteria/R1"][value="2"]'), true);
  assert.equal(await page.inputValue('textarea[name="items/ESS-1/notes/R1"]'), 'Alasan belum ada.');
  assert.equal(await page.textContent('output.item-total'), '3');

  // Two columns: the rubric to the right of the answer.
  const answer = page.locator('.mark-answer').first();
  const rubric = page.locator('.mark-rubric').first();
  const a = await answer.boundingBox();
  let r = await rubric.boundingBox();
  assert.ok(r.x >= a.x + a.width - 1, `rubric beside the answer (${JSON.stringify({ a, r })})`);
  assert.ok(a.height > 1600, `the essay is long (${a.height} px)`);
  // Scrolled half-way through the essay, the rubric is still entirely in view.
  await page.evaluate((y) => window.scrollTo(0, y), a.y + a.height / 2);
  r = await rubric.boundingBox(); // relative to the viewport after scrolling
  const vh = page.viewportSize().height;
  assert.ok(r.y >= 0 && r.y + Math.min(r.height, vh) <= vh + 1, `rubric in view while scrolling (${JSON.stringify(r)})`);
  assert.ok(await page.locator('label.level', { hasText: 'Urutan baca dijelaskan runtut' }).isVisible());

  // Level descriptors are choices (click and keyboard); the total follows; a note per criterion.
  await page.click('label.level:has-text("Urutan baca dijelaskan runtut")');
  assert.equal(await page.textContent('output.item-total'), '5');
  await page.focus('input[name="#items/ESS-1/criteria/R1"][value="4"]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.isChecked('input[name="#items/ESS-1/criteria/R1"][value="2"]'), true, 'arrow keys move between levels');
  assert.equal(await page.textContent('output.item-total'), '3');
  await page.keyboard.press('ArrowUp');
  await page.fill('input[name="#items/ESS-1/criteria/R2"]', '');
  await page.type('input[name="#items/ESS-1/criteria/R2"]', '2');
  assert.equal(await page.textContent('output.item-total'), '6', 'the total updates while typing');
  await page.fill('textarea[name="items/ESS-1/notes/R2"]', 'Contoh poster tepat.');
  const long = 'Catatan panjang. '.repeat(300).slice(0, 5000);
  await page.fill('#c-ESS-1', long);
  assert.match(await page.textContent('#n-c-ESS-1'), /^5000 \/ 5000 karakter$/);
  assert.equal(await page.getAttribute('#c-ESS-1', 'maxlength'), '5000');
  await checkPage(page, 'marking-sheet');

  await page.selectOption('#overall', 'K');
  await page.fill('#feedback', 'Hierarki visual dijelaskan dengan baik.');
  await Promise.all([page.waitForURL(/done=1/), page.click('form[data-api$="/decision"] button[type=submit]')]);
  const main = await page.textContent('main');
  assert.match(main, /Keputusan tersimpan/);
  assert.match(main, /oleh Asesor Satu/, 'the decision names its assessor');
  assert.doesNotMatch(main, /pengguna #/);
  assert.match(main, /Rani Puspita/);
  // A decided attempt offers nothing to take, and shows what was decided.
  assert.equal(await page.locator('form[action$="/claim"]').count(), 0);
  assert.doesNotMatch(main, /Tangani percobaan ini/);
  assert.equal(await page.inputValue('textarea[name="items/ESS-1/notes/R2"]'), 'Contoh poster tepat.');
  assert.equal((await page.inputValue('#c-ESS-1')).length, 5000, 'the 5,000-character comment was accepted');
  assert.equal(await page.isChecked('input[name="#items/ESS-1/criteria/R1"][value="4"]'), true);
  await checkPage(page, 'marking-decided');
  await done(p);
});

test('the sheet at 360 px: one column, the rubric after the answer', async () => {
  const p = await assessorPage(360);
  const { page } = p;
  await page.goto(`${d.url}/review/${ids.bima}`);
  const a = await page.locator('.mark-answer').first().boundingBox();
  const r = await page.locator('.mark-rubric').first().boundingBox();
  assert.ok(r.y >= a.y + a.height - 1, `rubric below the answer at 360 px (${JSON.stringify({ a, r })})`);
  assert.ok(Math.abs(r.width - a.width) < 2, 'one column');
  assert.equal(await page.isChecked('input[name="#items/ESS-1/criteria/R1"][value="4"]'), true, 'saved marks shown');
  await page.check('input[name="#items/ESS-1/criteria/R1"][value="0"]');
  assert.equal(await page.textContent('output.item-total'), '2');
  await assertAccessible(page, 'marking-sheet-360');
  await done(p);
});

test('another assessor sees who holds an attempt, by name, and cannot take it', async () => {
  const p = await assessorPage(1280, ctx.asesor2);
  const { page } = p;
  await page.goto(`${d.url}/review/${ids.bima}`);
  const main = await page.textContent('main');
  assert.match(main, /sedang ditangani Asesor Satu sampai/);
  assert.equal(await page.locator('form[action$="/claim"]').count(), 0);
  assert.equal(await page.locator('.mark-rubric input:not([disabled])').count(), 0, 'nothing to mark');
  await page.goto(`${d.url}/review`);
  assert.match((await rows(page)).join('\n'), /Asesor Satu/, 'the queue names the holder');
  await assertAccessible(page, 'marking-queue-other');
  await done(p);
});

test('blind marking: the sheet does not name the candidate until the decision', async () => {
  const p = await assessorPage();
  const { page } = p;
  await page.goto(`${d.url}/review/${ids.blind}`);
  assert.match(await page.textContent('main dl.facts'), /Asesi anonim/);
  assert.ok(!(await page.content()).includes('Nama Rahasia'));
  await page.click('form[action$="/claim"] button');
  await page.locator('main .notice', { hasText: 'Anda sedang menangani' }).waitFor();
  await checkPage(page, 'marking-blind');
  await page.check('input[name="#items/ESS-1/criteria/R1"][value="4"]');
  await page.fill('input[name="#items/ESS-1/criteria/R2"]', '2');
  await page.selectOption('#overall', 'K');
  await Promise.all([page.waitForURL(/done=1/), page.click('form[data-api$="/decision"] button[type=submit]')]);
  assert.match(await page.textContent('main dl.facts'), /Nama Rahasia/, 'named once decided');
  await done(p);
});

test('without JavaScript the sheet still decides, with levels and notes', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${d.url}/login`);
  await page.fill('#email', asesor.email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  await page.goto(`${d.url}/review/${ids.bima}`);
  assert.equal(await page.textContent('output.item-total'), '6', 'the server renders the saved total');
  await page.check('input[name="#items/ESS-1/criteria/R1"][value="2"]');
  await page.fill('input[name="#items/ESS-1/criteria/R2"]', '1');
  await page.fill('textarea[name="items/ESS-1/notes/R2"]', 'Tanpa skrip.');
  await page.selectOption('#overall', 'K');
  const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/review/${ids.bima}/decision`)),
    page.click('form[data-api$="/decision"] button[type=submit]')]);
  assert.equal(resp.status(), 200, await resp.text());
  const sheet = await asesor.get(`/api/reviews/${ids.bima}`);
  const marks = sheet.json.decisions.at(-1).items['ESS-1'];
  assert.deepEqual(marks.criteria, { R1: 2, R2: 1 });
  assert.equal(marks.levels.R1, 'Urutan baca disebut tanpa alasan');
  assert.deepEqual(marks.notes, { R1: 'Runtut.', R2: 'Tanpa skrip.' }, 'the note saved by question is posted with it');
  await context.close();
});

test('in English the marking screens speak English', async () => {
  const p = await assessorPage();
  const { page } = p;
  await page.goto(`${d.url}/lang?to=en&back=/review/${ids.rani}`);
  await page.waitForURL(new RegExp(`/review/${ids.rani}$`));
  const main = await page.textContent('main');
  for (const re of [/Points for this question:/, /Comment on this criterion/, /by Asesor Satu on/, /4 points —/, /\d+ \/ 5000 characters/]) {
    assert.match(main, re);
  }
  assert.doesNotMatch(main, /Komentar untuk kriteria|Jumlah poin|karakter\b/);
  await page.goto(`${d.url}/review`);
  assert.match(await page.textContent('main'), /Filter the queue/);
  await assertAccessible(page, 'marking-queue-en');
  await done(p);
});
