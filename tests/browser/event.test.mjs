// A whole test event in Chromium: the admin creates a schedule on its page, imports 30
// candidates from an XLSX (written here with Python's standard library) whose 3 bad rows the
// dry run reports while nothing is written, fixes the file and imports it, hands out the
// activation links; candidates start only inside the window (and with the TUK's session
// code); the assessor sees the batch and decides; the admin downloads the certificate-blank
// request and the berita acara, read back by an independent XLSX reader (Python's zipfile +
// xml) and by pdftotext, which must state the decisions, and the results CSV. Pages are
// checked with axe and photographed; the parts docs/operations.md shows are also saved on
// their own, by name (tests/artifacts/screenshots/event-*-part.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client, PASSWORD, startDaemon, stopClean, adminClient } from '../integration/lib/daemon.mjs';
import { reviewDaemon, makeExamsDir, REVIEW_EXAM_ID, finishedAttempt, LOW_MARKS } from '../integration/lib/reviews.mjs';
import { smtpSink, mailFor } from '../integration/lib/smtp.mjs';
import { decideAllK } from '../integration/lib/reliability.mjs';
import { xlsxWrite, xlsxRead, windowAround, candidateRows, createSchedule } from '../integration/lib/schedules.mjs';
import { launch, newPage, checkPage, assertNoDialogs, partScreenshot } from './lib/browser.mjs';

let ctx;
let d;
let browser;
let tmp;

before(async () => {
  ctx = await reviewDaemon();
  ({ d } = ctx);
  browser = await launch();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ujikom-event-'));
});

after(async () => {
  if (browser) await browser.close();
  if (ctx) await ctx.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function loginPage(email, width = 1280) {
  const p = await newPage(browser, { width });
  await p.page.goto(`${d.url}/login`);
  await p.page.fill('#email', email);
  await p.page.fill('#password', PASSWORD);
  await Promise.all([p.page.waitForNavigation(), p.page.click('form[action="/login"] button[type=submit]')]);
  return p;
}

async function activate(link) {
  const token = new URL(link.url).searchParams.get('t');
  const c = new Client(d.url);
  const r = await c.post('/api/auth/reset', { token, password: PASSWORD });
  assert.equal(r.status, 200, r.text);
  assert.equal((await c.login(link.email, PASSWORD)).status, 200);
  return c;
}

// The part of a page a step of docs/operations.md shows, saved as <name>-part.png.
async function part(locator, name, width = 1280) {
  await partScreenshot(locator.page(), locator, `${name}-part`, { width, maxHeight: 640 });
}

async function importWith(page, file, button) {
  await page.setInputFiles('#import-file', file);
  await page.evaluate(() => document.getElementById('import-report').replaceChildren());
  await page.click(button);
  await page.waitForSelector('#import-outcome');
}

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(tmp, dl.suggestedFilename());
  await dl.saveAs(file);
  return readFileSync(file);
}

test('a whole event: schedule, import, window, decisions, BNSP documents', async () => {
  const asesorMe = await ctx.asesor1.get('/api/auth/me');
  const asesorId = asesorMe.json.user.id;
  const w = windowAround(-60, 60);

  // 1. The admin creates the schedule on its page.
  const admin = await loginPage(ctx.admin.email || (await ctx.admin.get('/api/auth/me')).json.user.email);
  const { page } = admin;
  await page.goto(`${d.url}/admin/schedules`);
  await page.selectOption('#f-exam', REVIEW_EXAM_ID);
  await page.fill('#f-title', 'Uji Kompetensi DKV Batch 7');
  await page.fill('#f-tuk_name', 'TUK Gedung Kreatif Bandung');
  await page.fill('#f-tuk_address', 'Jl. Braga 10, Bandung');
  await page.selectOption('#f-zone', w.time_zone);
  await page.fill('#f-date', w.date);
  await page.fill('#f-opens', w.opens);
  await page.fill('#f-closes', w.closes);
  await page.fill('#f-capacity', '40');
  await page.fill('#f-session_code', 'BRAGA7');
  await page.fill('#f-assessors', String(asesorId));
  await Promise.all([page.waitForURL(/notice=schedule_created/), page.click('form[action="/admin/schedules"] button[type=submit]')]);
  await page.click('text=Uji Kompetensi DKV Batch 7');
  await page.waitForURL(/\/admin\/schedules\/\d+$/);
  const id = Number(page.url().split('/').pop());
  await checkPage(page, 'event-schedule');
  await part(page.locator('main'), 'event-schedule');

  // 2. Import: 3 bad rows (a formula, a repeated e-mail, an invalid e-mail) are all reported
  // by the dry run; nothing is written, not even by "Impor".
  const rows = candidateRows(30, 'ev');
  const bad = rows.map((r) => [...r]);
  bad[2][0] = { formula: 'HYPERLINK("http://evil.example/","klik")', value: 'klik' };
  bad[9][1] = bad[1][1];
  bad[24][1] = 'siti(at)example.org';
  const badFile = path.join(tmp, 'peserta-salah.xlsx');
  writeFileSync(badFile, xlsxWrite([['Nama', 'Email'], ...bad]));
  await importWith(page, badFile, '#import-check');
  const problems = await page.locator('#import-problems li').allTextContents();
  assert.deepEqual(problems, [
    'baris 4: sel berisi rumus atau diawali seperti rumus (= + - @) (kolom A)',
    'baris 11: e-mail sama dengan baris 3',
    'baris 26: e-mail tidak valid',
  ]);
  await checkPage(page, 'event-import-problems');
  await part(page.locator('#import-form'), 'event-import-problems');
  await importWith(page, badFile, '#import-commit');
  assert.equal(await page.locator('#import-problems li').count(), 3);
  assert.equal((await ctx.admin.get(`/api/schedules/${id}`)).json.candidates.length, 0, 'nothing written');

  // Fixed: the dry run is clean, then the import writes all 30 and shows their links.
  const goodFile = path.join(tmp, 'peserta.xlsx');
  writeFileSync(goodFile, xlsxWrite([['Nama', 'Email'], ...rows]));
  await importWith(page, goodFile, '#import-check');
  assert.match(await page.textContent('#import-outcome'), /30 \/ 30 \/ 0/);
  assert.equal((await ctx.admin.get(`/api/schedules/${id}`)).json.candidates.length, 0);
  await importWith(page, goodFile, '#import-commit');
  assert.equal(await page.locator('#import-links tr').count(), 31);
  // No mail server here: the page does not claim the links were mailed.
  assert.equal(await page.locator('#import-mail').count(), 0);
  const urls = await page.locator('#import-links code').allTextContents();
  assert.equal(urls.length, 30);
  await checkPage(page, 'event-import-links');
  await part(page.locator('#import-report'), 'event-import-links');
  const linksCsv = (await download(page, '#import-links-csv')).toString('utf8');
  assert.equal(linksCsv.replace(/^\uFEFF/, '').trim().split('\r\n').length, 31);
  const emails = await page.locator('#import-links td:nth-child(2)').allTextContents();
  const links = emails.map((email, i) => ({ email, url: urls[i] }));

  // 3. Candidates: a later schedule's candidate is refused; this batch starts with the code.
  const later = await createSchedule(ctx.admin, REVIEW_EXAM_ID, windowAround(120, 180), { title: 'Batch 8' });
  const lr = await ctx.admin.req('POST', `/api/schedules/${later.id}/import?commit=1`,
    xlsxWrite([['nama', 'email'], ['Wayan Sudana', `wayan.${Date.now()}@example.org`]]),
    { headers: { 'Content-Type': 'application/octet-stream' }, raw: true });
  assert.equal(lr.status, 201, lr.text);
  await activate(lr.json.links[0]);
  const early = await loginPage(lr.json.links[0].email, 360);
  await early.page.goto(`${d.url}/exams/${REVIEW_EXAM_ID}/start`);
  assert.match(await early.page.textContent('#start-refused'), /belum dibuka/);
  assert.equal(await early.page.locator('form[action$="/start"]').count(), 0);
  await checkPage(early.page, 'event-start-not-open');
  await part(early.page.locator('main'), 'event-start-not-open', 360);
  assertNoDialogs(early);
  await early.context.close();

  // The first candidate activates in the browser, sees the schedule on /me and starts.
  const first = await newPage(browser, { width: 360 });
  await first.page.goto(links[0].url.replace(/^https?:\/\/[^/]+/, d.url));
  await first.page.fill('#password', PASSWORD);
  await Promise.all([first.page.waitForNavigation(), first.page.click('main form button[type=submit]')]);
  await first.context.close();
  const cand = await loginPage(links[0].email, 360);
  await cand.page.goto(`${d.url}/me`);
  assert.match(await cand.page.textContent('#schedules + ul'), /TUK Gedung Kreatif Bandung/);
  await cand.page.click(`#schedule-${id} a`);
  await cand.page.fill('#session_code', 'SALAH1');
  await cand.page.click('form[action$="/start"] button[type=submit]');
  assert.match(await cand.page.textContent('#start-refused'), /Kode sesi/);
  await cand.page.fill('#session_code', 'braga7');
  await Promise.all([cand.page.waitForURL(/\/attempts\/\d+$/), cand.page.click('form[action$="/start"] button[type=submit]')]);
  assertNoDialogs(cand);
  await cand.context.close();

  // Three more finish over the API; the assessor decides K, K and BK; one stays pending.
  const clients = [];
  for (const l of links.slice(1, 5)) clients.push(await activate(l));
  const attempts = [];
  for (const c of clients) {
    const s = await c.post(`/api/exams/${REVIEW_EXAM_ID}/attempts`, { session_code: 'BRAGA7' });
    assert.equal(s.status, 201, s.text);
    attempts.push(await finishedAttempt(c));
  }
  assert.equal((await decideAllK(ctx.asesor1, attempts[0])).status, 200);
  assert.equal((await decideAllK(ctx.asesor1, attempts[1])).status, 200);
  assert.equal((await ctx.asesor1.post(`/api/reviews/${attempts[2]}/claim`, {})).status, 200);
  const bk = await ctx.asesor1.post(`/api/reviews/${attempts[2]}/decision`, {
    items: LOW_MARKS, feedback: 'Tambahkan contoh.',
    units: { 'U.ESS.002': { outcome: 'BK', reason: 'Belum ada contoh.' } }, overall: 'BK',
  });
  assert.equal(bk.status, 200, bk.text);
  const want = { [links[1].email]: 'K', [links[2].email]: 'K', [links[3].email]: 'BK',
    [links[4].email]: 'belum diputuskan', [links[0].email]: 'sedang ujian' };

  // 4. The assessor sees the batch: attendance and standing, a link to the pending review.
  const asr = await loginPage(ctx.asesor1.email);
  await asr.page.goto(`${d.url}/admin/schedules/${id}`);
  assert.equal(await asr.page.locator('main table tbody tr').count(), 30);
  assert.equal(await asr.page.locator(`a[href="/review/${attempts[3]}"]`).count(), 1);
  assert.equal(await asr.page.locator('#import-form').count(), 0, 'assessors do not import');
  await checkPage(asr.page, 'event-assessor-batch');
  await part(asr.page.locator('main table'), 'event-assessor-batch');
  // Marking: the attempt that waits, from the batch's link, on the assessor's review page.
  await asr.page.click(`a[href="/review/${attempts[3]}"]`);
  await asr.page.waitForURL(new RegExp(`/review/${attempts[3]}$`));
  await checkPage(asr.page, 'event-review');
  await part(asr.page.locator('main'), 'event-review');
  assertNoDialogs(asr);
  await asr.context.close();

  // 5. The admin downloads the blank request and the berita acara.
  await page.goto(`${d.url}/admin/schedules/${id}`);
  await part(page.locator('section[aria-labelledby="s-docs"]'), 'event-documents');
  const xlsx = await download(page, '#doc-0');
  const sheet = xlsxRead(xlsx)['Permohonan Blanko'];
  const head = sheet.findIndex((r) => r[0]?.v === 'No');
  const body = sheet.slice(head + 1);
  assert.equal(body.length, 30);
  for (const row of body) {
    assert.ok(row.every((c) => c.f === null), 'no formula cell');
    const expected = want[row[2].v] ?? 'tidak hadir';
    assert.equal(row[3].v, expected, row[2].v);
  }
  const pdfFile = path.join(tmp, 'ba.pdf');
  writeFileSync(pdfFile, await download(page, '#doc-1'));
  const t = spawnSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout.replace(/\s+/g, ' '),
    /Asesi terdaftar: 30; hadir: 5; Kompeten \(K\): 2; Belum Kompeten \(BK\): 1; belum diputuskan: 2; tidak hadir: 25\./);
  const lines = t.stdout.split('\n');
  for (const [i, l] of links.slice(0, 5).entries()) {
    const name = rows.find((r) => r[1] === l.email)[0];
    const line = lines.find((x) => new RegExp(`\\b${name}\\s`).test(x)) || '';
    assert.ok(line.trim().endsWith(want[l.email]), `${name}: ${line} (${i})`);
  }
  // The results CSV: a row per candidate with the same outcomes.
  const csv = (await download(page, '#doc-2')).toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.match(csv[0], /^No,Nama,E-mail,Kehadiran,Rekomendasi,/);
  assert.equal(csv.length, 31);
  for (const l of links.slice(1, 4)) {
    const line = csv.find((x) => x.includes(l.email)) || '';
    assert.ok(line.includes(`,${want[l.email]},`), `${l.email}: ${line}`);
  }
  assertNoDialogs(admin);
  await admin.context.close();
});

// With a mail server the import's page says the links are being mailed (they still show,
// to hand out if a mail goes astray), and the candidates receive them.
test('with a mail server, the import page says the links are being mailed', async (t) => {
  const sink = await smtpSink();
  const examsDir = makeExamsDir();
  const dm = await startDaemon({ examsDir, args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test'] });
  t.after(async () => {
    await stopClean(dm);
    dm.cleanup();
    await sink.close();
    rmSync(examsDir, { recursive: true, force: true });
  });
  const admin = await adminClient(dm);
  const s = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), { title: 'Batch Surel' });
  const p = await newPage(browser, { width: 1280 });
  await p.page.goto(`${dm.url}/login`);
  await p.page.fill('#email', admin.email);
  await p.page.fill('#password', PASSWORD);
  await Promise.all([p.page.waitForNavigation(), p.page.click('form[action="/login"] button[type=submit]')]);
  await p.page.goto(`${dm.url}/admin/schedules/${s.id}`);
  const rows = candidateRows(3, 'surel');
  const file = path.join(tmp, 'peserta-surel.xlsx');
  writeFileSync(file, xlsxWrite([['Nama', 'Email'], ...rows]));
  await importWith(p.page, file, '#import-commit');
  assert.equal(await p.page.locator('#import-links tr').count(), 4);
  assert.equal(await p.page.getAttribute('#import-mail', 'class'), 'notice ok');
  assert.match(await p.page.textContent('#import-mail'), /diantrekan untuk dikirim lewat surel/);
  await checkPage(p.page, 'event-import-mailed');
  for (const [, email] of rows) assert.ok(await mailFor(sink.mails, email), `a mail to ${email}`);
  assertNoDialogs(p);
  await p.context.close();
});
