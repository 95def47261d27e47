// The candidate's exam and result as people live them (issue 16, the candidate points the
// server carries): numbers typed the Indonesian way read right and anything else refused
// inline; flags for review kept on the server; every time in the candidate's zone, labelled;
// a page before the clock starts; the timer on the review page; forms that keep what was
// typed; the dashboard after submitting (notice, own attempt count, finished at the deadline,
// per-item comments, cut scores, appeal deadline, retake date); the favicon. All at 360 px,
// every new state checked with axe; screenshots of the pre-start, exam, review and result
// pages at 360 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, candidateClient, uniqueEmail, PASSWORD, setAttemptDeadline } from '../integration/lib/daemon.mjs';
import { makeNumExamsDir, NUM_EXAM, NUM_EXAM_ID } from '../integration/lib/candidate.mjs';
import { REVIEW_EXAM, finishedAttempt, LOW_MARKS } from '../integration/lib/reviews.mjs';
import { assessorClient } from '../integration/lib/reliability.mjs';
import { launch, newPage, checkPage, assertAccessible, screenshots, assertNoDialogs } from './lib/browser.mjs';

let d, browser, examsDir;
before(async () => {
  examsDir = makeNumExamsDir();
  writeFileSync(path.join(examsDir, 'dkv-uji-review.exam.yaml'), REVIEW_EXAM);
  // The same exam held at a test site in Jayapura: its times in WIT, whatever the account's.
  writeFileSync(path.join(examsDir, 'dkv-uji-situs.exam.yaml'),
    `${NUM_EXAM.replace(`id: ${NUM_EXAM_ID}`, 'id: DKV-UJI-SITUS').replace('title: Uji Angka', 'title: Uji Situs')}time_zone: WIT\n`);
  d = await startDaemon({ examsDir });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

// A phone: 360 px wide, Indonesian.
async function phone() {
  return newPage(browser, { width: 360, height: 800 });
}

async function register(page, tag, name = 'Rina Marlina') {
  await page.goto(`${d.url}/register`);
  await page.fill('#name', name);
  const email = uniqueEmail(tag);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/register"] button[type=submit]')]);
  return email;
}

async function login(page, email) {
  await page.goto(`${d.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/login"] button[type=submit]')]);
}

// The candidate's own attempts, through the page's session.
async function attempts(page) {
  const r = await page.request.get(`${d.url}/api/attempts`);
  assert.equal(r.status(), 200);
  return (await r.json()).attempts;
}

// From the home page through the pre-start page to the exam; returns the attempt id.
async function startNumExam(page, check = false) {
  await page.goto(`${d.url}/`);
  await Promise.all([page.waitForURL(/\/start$/), page.click(`a[href="/exams/${NUM_EXAM_ID}/start"]`)]);
  if (check) {
    // The clock has not started: no attempt yet, the facts and the rules are there.
    assert.deepEqual(await attempts(page), [], 'nothing starts before the confirmation');
    const main = await page.textContent('main');
    assert.match(main, /Sebelum mulai: Uji Angka/);
    assert.match(main, /U\.NUM\.001 — Unit Hitung \(batas lulus 75%\)/);
    assert.match(main, /30 menit/);
    assert.match(main, /Jumlah soal\s*4/);
    assert.match(main, /percobaan ke-1 dari 3/);
    assert.match(main, /masa tunggu sebelum mengulang: 7 hari/);
    assert.match(main, /Batas waktu jika mulai sekarang\s*\d{4}-\d\d-\d\d \d\d:\d\d WIB/);
    await checkPage(page, 'candidate-prestart');
    await page.setViewportSize({ width: 360, height: 800 });
  }
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/), page.click(`form[action="/exams/${NUM_EXAM_ID}/start"] button`)]);
  await page.locator('#timer').filter({ hasText: /:/ }).waitFor();
  return page.locator('#exam').getAttribute('data-attempt');
}

const stateOf = (page, item) => page.locator(`#item-${item} .save-state`);

test('numbers: "30.000" is thirty thousand, words and ambiguous input are refused inline', async () => {
  const p = await phone();
  const { page } = p;
  await register(page, 'angka');
  const id = await startNumExam(page, true);
  const harga = page.locator('#in-HARGA'), panjang = page.locator('#in-PANJANG');
  const saved = async (item) => {
    const r = await page.request.get(`${d.url}/api/attempts/${id}`);
    return (await r.json()).answers[item];
  };

  await harga.fill('30.000');
  await page.waitForFunction(() => document.querySelector('#item-HARGA .save-state').dataset.state === 'saved');
  assert.equal(await saved('HARGA'), 30000, '"30.000" is stored as thirty thousand');
  await screenshots(page, 'candidate-exam');

  // Words: the field says so (aria-invalid, the reason as its description), never "saved".
  await harga.fill('tiga puluh ribu');
  await page.waitForFunction(() => document.querySelector('#in-HARGA').getAttribute('aria-invalid') === 'true');
  assert.match(await stateOf(page, 'HARGA').textContent(), /Tulis dengan angka/);
  assert.equal(await stateOf(page, 'HARGA').getAttribute('data-state'), 'invalid');
  const described = await harga.getAttribute('aria-describedby');
  assert.ok(described.split(' ').includes(await stateOf(page, 'HARGA').getAttribute('id')), 'the reason describes the field');
  assert.match(await page.locator('nav.qnav button[data-item="HARGA"]').getAttribute('aria-label'), /belum tersimpan/);
  assert.equal(await saved('HARGA'), 30000, 'the refused text changed nothing stored');
  await assertAccessible(page, 'exam with an invalid number');

  // "1.234" where decimals are allowed: thousands or decimals? Refused, with how to write it.
  await panjang.fill('1.234');
  await page.waitForFunction(() => document.querySelector('#in-PANJANG').getAttribute('aria-invalid') === 'true');
  assert.match(await stateOf(page, 'PANJANG').textContent(), /Ribuan atau desimal/);
  await panjang.fill('2,5');
  await page.waitForFunction(() => document.querySelector('#item-PANJANG .save-state').dataset.state === 'saved');
  assert.equal(await panjang.getAttribute('aria-invalid'), null, 'fixed: no longer invalid');
  assert.equal(await saved('PANJANG'), 2.5);
  await harga.fill('30.000');
  await page.waitForFunction(() => document.querySelector('#item-HARGA .save-state').dataset.state === 'saved');
  assert.equal(await harga.getAttribute('aria-invalid'), null);

  // After a reload the page shows the stored numbers in a form that reads back the same.
  await page.reload();
  assert.equal(await harga.inputValue(), '30000');
  assert.equal(await panjang.inputValue(), '2,5');
  assertNoDialogs(p);
  await p.context.close();
});

test('flags are kept on the server: after a reload, on another device, on the review page', async () => {
  const p = await phone();
  const { page } = p;
  const email = await register(page, 'tanda');
  const id = await startNumExam(page);
  const box = (pg, item) => pg.locator(`#item-${item} input.flag`);
  await box(page, 'PANJANG').check();
  await page.waitForFunction(async (a) => {
    const r = await fetch(`/api/attempts/${a}`, { headers: { Accept: 'application/json' } });
    return (await r.json()).flags.includes('PANJANG');
  }, id);
  await page.reload();
  assert.ok(await box(page, 'PANJANG').isChecked(), 'the flag survives a reload');
  assert.match(await page.locator('nav.qnav button[data-item="PANJANG"]').getAttribute('aria-label'), /ditandai/);
  await assertAccessible(page, 'exam with a flag after reload');

  // Another device: a fresh browser with no local storage.
  const other = await phone();
  await login(other.page, email);
  await other.page.goto(`${d.url}/attempts/${id}`);
  assert.ok(await box(other.page, 'PANJANG').isChecked(), 'the flag is there on another device');
  await other.context.close();

  // The review page lists it, with the clock still running.
  await page.goto(`${d.url}/attempts/${id}/review`);
  const main = await page.textContent('main');
  assert.match(main, /Soal yang Anda tandai[\s\S]*Kain 5 m/);
  await page.locator('#timer').filter({ hasText: /^Sisa waktu \d+:\d\d/ }).waitFor();
  assert.match(await page.textContent('.exam-bar'), /Batas waktu: \d{4}-\d\d-\d\d \d\d:\d\d WIB/);
  await checkPage(page, 'candidate-review');
  assertNoDialogs(p);
  await p.context.close();
});

test('times in the candidate\'s zone, labelled; a finished attempt is finished at its deadline', async () => {
  const p = await phone();
  const { page } = p;
  await register(page, 'zona');
  const id = await startNumExam(page);
  const wib = (await page.textContent('.exam-bar')).match(/(\d\d):(\d\d) WIB/);
  assert.ok(wib, 'the deadline is labelled WIB by default');
  await page.goto(`${d.url}/me`);
  await page.selectOption('#time-zone', 'WITA');
  await Promise.all([page.waitForURL(/\/me\?zone=1$/), page.click('form[action="/me/time-zone"] button')]);
  assert.match(await page.textContent('main'), /Zona waktu disimpan/);
  await page.goto(`${d.url}/attempts/${id}`);
  const wita = (await page.textContent('.exam-bar')).match(/(\d\d):(\d\d) WITA/);
  assert.ok(wita, 'the deadline is labelled WITA');
  assert.equal((Number(wita[1]) - Number(wib[1]) + 24) % 24, 1, 'WITA is an hour ahead of WIB');
  assert.equal(wita[2], wib[2]);

  // Just past the deadline (within the save grace, before any sweep): finished, no "continue".
  const late = Date.now() - 5_000;
  setAttemptDeadline(d.dataDir, id, late);
  await page.goto(`${d.url}/me`);
  const card = page.locator(`#attempt-${id}`);
  const text = await card.textContent();
  assert.match(text, /Selesai — waktu habis/);
  assert.doesNotMatch(text, /Sedang berlangsung|Lanjutkan/);
  assert.match(text, /Dimulai\s*\d{4}-\d\d-\d\d \d\d:\d\d WITA/);
  assert.match(text, /Uji Angka — percobaan ke-1/);
  await assertAccessible(page, 'dashboard with time zone labels');

  // An exam at a test site with a zone of its own: its times in that zone, said on the
  // pre-start page, whatever the account's zone.
  const api = await page.request.get(`${d.url}/api/exams/DKV-UJI-SITUS`);
  assert.equal((await api.json()).time_zone, 'WIT', 'the API gives the test site\'s zone');
  await page.goto(`${d.url}/exams/DKV-UJI-SITUS/start`);
  assert.match(await page.textContent('main'), /Zona waktu tempat uji[^]*WIT/);
  assert.match(await page.textContent('main'), /Batas waktu jika mulai sekarang\s*\d{4}-\d\d-\d\d \d\d:\d\d WIT(?!A)/);
  await Promise.all([page.waitForURL(/\/attempts\/\d+$/), page.click('form[action="/exams/DKV-UJI-SITUS/start"] button')]);
  const wit = (await page.textContent('.exam-bar')).match(/(\d\d):(\d\d) WIT(?!A)/);
  assert.ok(wit, 'the deadline is labelled WIT');
  await page.goto(`${d.url}/me`);
  assert.match(await page.textContent('main'), /Uji Situs — percobaan ke-1[^]*?Dimulai\s*\d{4}-\d\d-\d\d \d\d:\d\d WIT(?!A)/);
  assertNoDialogs(p);
  await p.context.close();
});

test('after submitting: a notice, the own count, cut scores, comments, appeal deadline, retake date', async () => {
  const cand = await candidateClient(d, 'Sari Wulandari');
  const asesor = await assessorClient(d, 'Asesor Satu');
  const id = await finishedAttempt(cand, { objectiveRight: false });
  assert.equal((await asesor.post(`/api/reviews/${id}/claim`, {})).status, 200);
  const dec = await asesor.post(`/api/reviews/${id}/decision`, { items: LOW_MARKS, overall: 'BK', feedback: 'Perdalam hierarki visual.' });
  assert.equal(dec.status, 200, dec.text);

  const p = await phone();
  const { page } = p;
  await login(page, cand.email);
  let card = page.locator(`#attempt-${id}`);
  let text = await card.textContent();
  assert.match(text, /Uji Tinjauan Asesor — percobaan ke-1/, 'the candidate\'s own count, not a global id');
  assert.match(text, /Kurang contoh\./, 'the assessor\'s comment on the item');
  assert.match(text, /Jelaskan prinsip hierarki visual/, 'under its question');
  assert.match(text, /Batas lulus/);
  assert.match(text, /50%/);
  assert.match(text, /Banding dapat diajukan sampai \d{4}-\d\d-\d\d \d\d:\d\d WIB/);
  assert.equal(await card.locator('details summary', { hasText: 'Ajukan banding' }).count(), 1, 'BK within the period: appeal');
  assert.match(text, /Ulangi uji ini/);
  await checkPage(page, 'candidate-feedback');

  // The numbers exam answered wrong: BK at once, a retake only after 7 days, said with the date.
  await page.setViewportSize({ width: 360, height: 800 });
  const nid = await startNumExam(page);
  await page.locator('#in-HARGA').fill('25.000');
  await page.waitForFunction(() => document.querySelector('#item-HARGA .save-state').dataset.state === 'saved');
  await Promise.all([page.waitForURL(/\/review$/), page.click('button[value=review]')]);
  await page.check('#confirm');
  await Promise.all([page.waitForURL(/\/me\?submitted=\d+/), page.click('form[action$="/submit"] button[type=submit]')]);
  assert.match(await page.textContent('#submitted-notice'), /sudah dikumpulkan/);
  card = page.locator(`#attempt-${nid}`);
  text = await card.textContent();
  assert.match(text, /Belum kompeten/);
  assert.match(text, /Anda dapat mengulang uji ini mulai \d{4}-\d\d-\d\d \d\d:\d\d WIB/);
  assert.equal(await card.locator('details summary', { hasText: 'Ajukan banding' }).count(), 1);
  await assertAccessible(page, 'dashboard after submitting');
  await screenshots(page, 'candidate-result');

  // The pre-start page and the start itself say so with the date, not "Isian belum benar".
  await page.goto(`${d.url}/exams/${NUM_EXAM_ID}/start`);
  assert.match(await page.textContent('#start-refused'), /masa tunggu[\s\S]*mulai lagi sejak \d{4}-\d\d-\d\d \d\d:\d\d WIB/);
  assert.equal(await page.locator(`form[action="/exams/${NUM_EXAM_ID}/start"]`).count(), 0);
  await assertAccessible(page, 'pre-start page in the waiting period');
  // The start itself, posted as the page's form would be (from the page, with its token).
  const res = await page.evaluate(async (exam) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const r = await fetch(`/exams/${exam}/start`, {
      method: 'POST', body: new URLSearchParams({ csrf }), headers: { Accept: 'text/html' },
    });
    return { status: r.status, text: await r.text() };
  }, NUM_EXAM_ID);
  assert.equal(res.status, 409);
  const body = res.text;
  assert.match(body, /mulai lagi sejak \d{4}-\d\d-\d\d \d\d:\d\d WIB/);
  assert.doesNotMatch(body, /Isian belum benar/);
  assertNoDialogs(p);
  await p.context.close();
});

test('a K result offers no appeal', async () => {
  const cand = await candidateClient(d, 'Budi Santoso');
  const s = await cand.post(`/api/exams/${NUM_EXAM_ID}/attempts`, {});
  const id = s.json.id;
  for (const [item, value] of [['HARGA', '30.000'], ['PANJANG', '2,5'], ['WARNA', true], ['DPI', 'dpi']]) {
    assert.equal((await cand.put(`/api/attempts/${id}/answers/${item}`, { value })).status, 200);
  }
  assert.equal((await cand.post(`/api/attempts/${id}/submit`, {})).json.verdict, 'K');
  const p = await phone();
  await login(p.page, cand.email);
  const card = p.page.locator(`#attempt-${id}`);
  assert.match(await card.textContent(), /Kompeten/);
  assert.equal(await card.locator('details summary', { hasText: 'Ajukan banding' }).count(), 0);
  assert.doesNotMatch(await card.textContent(), /Banding dapat diajukan/);
  await p.context.close();
});

test('forms keep what was typed and say why; the favicon is served', async () => {
  const p = await phone();
  const { page } = p;
  await page.goto(`${d.url}/register`);
  const email = uniqueEmail('lemah');
  await page.fill('#name', 'Dewi Lestari');
  await page.fill('#email', email);
  await page.fill('#password', 'password123');
  await page.click('form[action="/register"] button[type=submit]');
  await page.waitForLoadState();
  assert.equal(await page.inputValue('#name'), 'Dewi Lestari');
  assert.equal(await page.inputValue('#email'), email);
  assert.match(await page.textContent('#form-error'), /terlalu umum/);
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  await assertAccessible(page, 'registration refused');

  await page.goto(`${d.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', 'salah-sekali-123');
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForLoadState();
  assert.equal(await page.inputValue('#email'), email, 'the e-mail stays');
  assert.match(await page.textContent('#form-error'), /Email atau kata sandi salah/);
  assert.match(await page.textContent('main'), /Lupa kata sandi\?/);
  await assertAccessible(page, 'log-in refused');

  // The password page: a weak new password and a wrong current one, each said as it is.
  await register(page, 'sandi', 'Putri Ayu');
  await page.click('a[href="/account/password"]');
  await page.fill('#current_password', PASSWORD);
  await page.fill('#new_password', 'putriayu12345');
  await page.click('form[action="/account/password"] button[type=submit]');
  await page.waitForLoadState();
  assert.match(await page.textContent('#form-error'), /tidak boleh memuat nama Anda atau bagian dari email Anda/);
  assert.equal(await page.getAttribute('#new_password', 'aria-invalid'), 'true');
  await assertAccessible(page, 'password change refused');
  await page.fill('#current_password', 'bukan-sandi-saya-1');
  await page.fill('#new_password', 'Kopi-Susu-Gula-Aren-77');
  await page.click('form[action="/account/password"] button[type=submit]');
  await page.waitForLoadState();
  assert.match(await page.textContent('#form-error'), /Kata sandi sekarang salah/);
  assert.equal(await page.getAttribute('#current_password', 'aria-invalid'), 'true');
  await page.fill('#current_password', PASSWORD);
  await page.fill('#new_password', 'Kopi-Susu-Gula-Aren-77');
  await Promise.all([page.waitForURL(/changed=1$/), page.click('form[action="/account/password"] button[type=submit]')]);
  assert.match(await page.textContent('main'), /sudah diganti/);

  const icon = await page.request.get(`${d.url}/favicon.ico`);
  assert.equal(icon.status(), 200);
  assert.match(icon.headers()['content-type'], /^image\//);
  assertNoDialogs(p);
  await p.context.close();
});
