// Evidence uploads from a phone (issue 19): a throttled 360 px phone uploads a 5 MB photo;
// the connection is cut at half (CDP offline) and the page reloaded; picking the same file
// again resumes from the server's durable offset (not from 0) and completes; the stored
// file's SHA-256 is the original's. Then the assessor's marking screen shows the file beside
// the rubric.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PASSWORD } from '../integration/lib/daemon.mjs';
import { assessorClient } from '../integration/lib/reliability.mjs';
import { EVID_EXAM_ID, TINY_JPEG, png, sha256, evidenceExamsDir } from '../integration/lib/evidence.mjs';
import {
  newPage, checkPage, assertNoDialogs, daemonAndBrowser, registerCandidate, startExamFromPreStart,
} from './lib/browser.mjs';

const examsDir = evidenceExamsDir('ujikom-evidence-exams-');
const env = daemonAndBrowser({ examsDir });

test('a throttled phone uploads a 5 MB photo, cut off at half and reloaded, and the upload resumes', async () => {
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  const base = env.d.url;
  await registerCandidate(page, base, 'bukti');
  const attempt = await startExamFromPreStart(page, base, EVID_EXAM_ID);

  // A 5 MB photo-sized image (noise does not compress), on a slow mobile link.
  const photo = png(1300, 1300, { noise: true });
  assert.ok(photo.length > 5_000_000, `${photo.length} bytes`);
  const file = path.join(examsDir, 'foto-karya.png');
  writeFileSync(file, photo);
  const cdp = await context.newCDPSession(page);
  const slow = { offline: false, latency: 150, downloadThroughput: 750_000, uploadThroughput: 2_000_000 };
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', slow);

  const offsets = [];
  page.on('request', (req) => {
    if (req.method() === 'PUT' && /\/api\/uploads\//.test(req.url())) offsets.push(Number(req.headers()['upload-offset']));
  });
  const item = 'EV-1'; // images or PDFs up to 6 MB (EV-2 takes audio)
  const box = page.locator(`#item-${item}`);
  assert.equal(await box.getAttribute('data-type'), 'evidence');
  assert.equal(await box.locator('input[type=file]').getAttribute('accept'), 'image/*,application/pdf');
  await box.locator('input[type=file]').setInputFiles(file);
  // Wait for half of it acknowledged, then cut the connection.
  const bar = box.locator('progress');
  for (let i = 0; ; i++) {
    const v = await bar.evaluate((el) => el.value);
    if (v >= 50) break;
    assert.ok(i < 1200, `the upload reaches half: ${v}%, ${await box.locator('.upload-state').textContent()}`);
    await page.waitForTimeout(100);
  }
  await cdp.send('Network.emulateNetworkConditions', { ...slow, offline: true });
  await box.locator('.upload-state[data-state="offline"]').waitFor();
  const atCut = offsets.length;
  assert.ok(offsets[atCut - 1] > 0, 'chunks were sent before the cut');

  // Back online, reloaded: the page says where the upload stopped.
  await cdp.send('Network.emulateNetworkConditions', slow);
  await page.reload();
  await page.locator('.qnav').waitFor();
  const box2 = page.locator(`#item-${item}`);
  await box2.locator('.upload-state[data-state="resume_hint"]').waitFor();
  const stoppedAt = await box2.locator('progress').evaluate((el) => el.value);
  assert.ok(stoppedAt >= 40 && stoppedAt < 100, `stopped at ${stoppedAt}%`);
  await checkPage(page, 'exam-evidence-resume');

  // The same file again: it goes on from the durable offset, not from 0.
  const before = offsets.length;
  await box2.locator('input[type=file]').setInputFiles(file);
  await box2.locator('.upload-state[data-state="done"]').waitFor({ timeout: 120_000 });
  const resumedFrom = offsets[before];
  assert.ok(resumedFrom > photo.length * 0.4, `resumed at ${resumedFrom}, not from the start`);
  assert.ok(!offsets.slice(before).includes(0), 'no byte sent twice from 0');
  await box2.locator('.evidence-list li').waitFor();

  // Stored as sent: the answer names the original's hash, and the file's bytes hash to it.
  const sheet = await page.request.get(`${base}/api/attempts/${attempt}`, { headers: { Accept: 'application/json' } });
  const answer = (await sheet.json()).answers[item];
  assert.equal(answer.length, 1);
  assert.equal(answer[0].sha256, sha256(photo));
  const stored = await page.request.get(`${base}/api/attempts/${attempt}/evidence/${sha256(photo)}`);
  assert.equal(stored.status(), 200);
  assert.equal(sha256(await stored.body()), sha256(photo));
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), `ujikom.upload.${attempt}.${item}`), null,
    'nothing left to resume');
  const csrf = await page.locator('#exam').getAttribute('data-csrf');
  const sub = await page.request.post(`${base}/api/attempts/${attempt}/submit`, {
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf, Origin: base }, data: {},
  });
  assert.equal(sub.status(), 200, await sub.text());
  assertNoDialogs(p);
  await context.close();
  rmSync(file, { force: true });

  // The assessor marks it beside the file: the preview inline, the name and hash shown.
  const asesor = await assessorClient(env.d, 'Asesor Bukti');
  const a = await newPage(env.browser, { width: 1280 });
  await a.page.goto(`${base}/login`);
  await a.page.fill('#email', asesor.email);
  await a.page.fill('#password', PASSWORD);
  await Promise.all([a.page.waitForNavigation(), a.page.click('form[action="/login"] button[type=submit]')]);
  await a.page.goto(`${base}/review/${attempt}`);
  // before the assessor takes the attempt, the files are not shown (nor served)
  assert.equal(await a.page.locator('.evidence-file').count(), 0);
  await a.page.locator('.answer-text .notice').waitFor();
  await a.page.click('form[action$="/claim"] button');
  const img = a.page.locator('.evidence-file img').first();
  await img.waitFor();
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0 && el.naturalWidth <= 1024),
    'the preview shows, at most 1024 px wide');
  assert.match(await a.page.textContent('.evidence-files'), new RegExp(sha256(photo)));
  assert.match(await a.page.textContent('.evidence-files'), /foto-karya\.png/);
  await checkPage(a.page, 'marking-evidence');
  assertNoDialogs(a);
  await a.context.close();
});

// A file handed in by mistake is removed from the exam page, by the button beside it: one
// listed by the server (pressed on a fresh page, before the upload script has arrived) and one
// sent from the page. The answer on the server follows, and so does the navigator.
test('a candidate removes an evidence file from the exam page', async () => {
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page } = p;
  const base = env.d.url;
  await registerCandidate(page, base, 'hapus');
  const attempt = await startExamFromPreStart(page, base, EVID_EXAM_ID);
  const item = 'EV-1';
  const box = page.locator(`#item-${item}`);
  const navState = () => page.locator(`.qnav button[data-item="${item}"]`).getAttribute('data-state');
  const answer = async () => {
    const r = await page.request.get(`${base}/api/attempts/${attempt}`, { headers: { Accept: 'application/json' } });
    return (await r.json()).answers[item] || [];
  };
  const first = path.join(examsDir, 'salah-kirim.jpg');
  const second = path.join(examsDir, 'foto-benar.png');
  const photo = png(40, 40);
  writeFileSync(first, TINY_JPEG);
  writeFileSync(second, photo);

  await box.locator('input[type=file]').setInputFiles(first);
  await box.locator('.upload-state[data-state="done"]').waitFor();
  assert.equal((await answer()).length, 1);
  assert.equal(await navState(), 'answered');

  // Reloaded: the server lists the file with its button; upload.js is not loaded yet.
  await page.reload();
  await page.locator('.qnav').waitFor();
  assert.equal(await page.evaluate(() => !!window.ujikomUpload), false, 'upload.js waits to be needed');
  const btn = box.locator('.evidence-list button.file-remove');
  assert.equal(await btn.count(), 1);
  assert.equal(await btn.getAttribute('aria-label'), 'Hapus berkas salah-kirim.jpg');
  assert.equal(await btn.getAttribute('data-sha'), sha256(TINY_JPEG));
  await btn.click();
  await box.locator('.upload-state[data-state="removed"]').waitFor();
  assert.match(await box.locator('.upload-state').textContent(), /salah-kirim\.jpg dihapus/);
  assert.equal(await box.locator('.evidence-list li').count(), 0);
  assert.deepEqual(await answer(), [], 'the answer no longer names the file');
  assert.equal(await navState(), 'empty', 'the navigator shows the item unanswered');

  // A file sent from the page gets the same button, and goes the same way.
  await box.locator('input[type=file]').setInputFiles(second);
  await box.locator('.upload-state[data-state="done"]').waitFor();
  assert.equal(await navState(), 'answered');
  await checkPage(page, 'exam-evidence-remove');
  await box.locator('.evidence-list button.file-remove').click();
  await box.locator('.upload-state[data-state="removed"]').waitFor();
  assert.deepEqual(await answer(), []);
  assert.equal(await navState(), 'empty');
  assertNoDialogs(p);
  await p.context.close();
  rmSync(first, { force: true });
  rmSync(second, { force: true });
});
