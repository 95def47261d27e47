// Supporting documents attached from the application page (FR.APL.01) on a 360 px phone:
// the same resumable upload as evidence items, with progress; a file over the limit and a
// file refused by content are told in the page's language (Indonesian, then English); a
// document is removed from the page; the page stays accessible (axe) and the stored file is
// the original (SHA-256).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, PASSWORD } from '../integration/lib/daemon.mjs';
import { EVID_EXAM_ID, TINY_JPEG, png, sha256, evidenceExamsDir } from '../integration/lib/evidence.mjs';
import {
  newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser, registerCandidate,
  sendApplication,
} from './lib/browser.mjs';

const examsDir = evidenceExamsDir('ujikom-apl-files-exams-');
const env = daemonAndBrowser({ examsDir });

test('a candidate attaches, sees and removes supporting documents from the application page', async () => {
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page, context } = p;
  const base = env.d.url;
  const email = await registerCandidate(page, base, 'apl-files', 'Laras Ayuningtyas');
  await page.goto(`${base}/exams/${EVID_EXAM_ID}/application`);
  // before applying there is nothing to attach to: no picker
  assert.equal(await page.locator('.evidence-upload').count(), 0);
  await sendApplication(page, {
    birth_place: 'Magelang', birth_date: '1994-07-21', address: 'Jl. Pahlawan 3, Magelang',
    phone: '081234567890', education: 'D3 Desain Grafis', occupation: 'Desainer lepas', nik: '3308016107940003',
  }, 'Portofolio poster terlampir.');

  // the picker: photos or PDFs, the limits said beside it
  const box = page.locator('#application-documents .evidence-upload');
  await box.waitFor();
  assert.equal(await box.locator('input[type=file]').getAttribute('accept'), 'image/*,application/pdf');
  assert.match(await page.locator('#files-hint').textContent(), /paling banyak 5 berkas/);
  await assertAccessible(page, 'application-files-empty');

  // a 2 MB photo on a slow link: progress, then listed with its hash
  const photo = png(820, 820, { noise: true });
  const file = path.join(examsDir, 'portofolio.png');
  writeFileSync(file, photo);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 100, downloadThroughput: 750_000, uploadThroughput: 1_000_000 });
  const puts = [];
  page.on('request', (req) => { if (req.method() === 'PUT' && /\/api\/uploads\//.test(req.url())) puts.push(req.url()); });
  await box.locator('input[type=file]').setInputFiles(file);
  await box.locator('.upload-state[data-state="progress"]').waitFor();
  assert.equal(await box.locator('progress').isVisible(), true, 'progress is shown');
  await box.locator('.upload-state[data-state="done"]').waitFor({ timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  assert.ok(puts.length >= 8, `sent in chunks (${puts.length})`);
  const list = page.locator('#application-files');
  await list.locator('li').first().waitFor();
  assert.equal(await list.locator('li code.sha256').first().textContent(), sha256(photo));
  assert.equal(await page.locator('#application-files-none').isVisible(), false);
  // the stored file is the original
  const api = new Client(base);
  assert.equal((await api.login(email, PASSWORD)).status, 200);
  const own = await api.get(`/api/exams/${EVID_EXAM_ID}/application`);
  assert.deepEqual(own.json.application.files.map((f) => f.sha256), [sha256(photo)]);
  const got = await api.get(own.json.application.files[0].url);
  assert.equal(sha256(got.body), sha256(photo));

  // too large for an application: told before anything is sent
  const big = path.join(examsDir, 'terlalu-besar.pdf');
  writeFileSync(big, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)]));
  await box.locator('input[type=file]').setInputFiles(big);
  await box.locator('.upload-state[data-state="too_large"]').waitFor();
  assert.match(await box.locator('.upload-state').textContent(), /terlalu-besar\.pdf.*10 MB/);
  // refused by content (a script named .jpg): the server's reason, in Indonesian
  const fake = path.join(examsDir, 'ijazah.jpg');
  writeFileSync(fake, '<!DOCTYPE html><html><script>alert(1)</script></html>');
  await box.locator('input[type=file]').setInputFiles(fake);
  await box.locator('.upload-state[data-state="failed"]').waitFor();
  const refusedId = await box.locator('.upload-state').textContent();
  assert.match(refusedId, /^ijazah\.jpg: /);
  assert.ok(!/refused|not accepted/i.test(refusedId), `Indonesian: ${refusedId}`);

  // a second document, then the first is removed from the page
  const small = path.join(examsDir, 'sertifikat.jpg');
  writeFileSync(small, TINY_JPEG);
  await box.locator('input[type=file]').setInputFiles(small);
  await list.locator('li').nth(1).waitFor();
  await checkPage(page, 'application-files');
  const remove = list.locator(`li:has(code:text("${sha256(photo)}")) button.file-remove`);
  assert.equal(await remove.getAttribute('aria-label'), 'Hapus portofolio.png');
  await remove.click();
  await box.locator('.upload-state[data-state="removed"]').waitFor();
  assert.equal(await list.locator('li').count(), 1);
  const after = await api.get(`/api/exams/${EVID_EXAM_ID}/application`);
  assert.deepEqual(after.json.application.files.map((f) => f.name), ['sertifikat.jpg']);
  // a reload lists what the server holds, with its remove button
  await page.reload();
  assert.equal(await page.locator('#application-files li').count(), 1);
  assert.equal(await page.locator('#application-files li button.file-remove').count(), 1);

  // in English: the texts and the server's refusal too
  await page.goto(`${base}/lang?to=en&back=/exams/${EVID_EXAM_ID}/application`);
  const boxEn = page.locator('#application-documents .evidence-upload');
  assert.match(await page.locator('#files-hint').textContent(), /at most 5 files/);
  await boxEn.locator('input[type=file]').setInputFiles(fake);
  await boxEn.locator('.upload-state[data-state="failed"]').waitFor();
  const refusedEn = await boxEn.locator('.upload-state').textContent();
  assert.match(refusedEn, /^ijazah\.jpg: /);
  assert.notEqual(refusedEn, refusedId);
  await assertAccessible(page, 'application-files-en');
  assertNoDialogs(p);
  await context.close();
});
