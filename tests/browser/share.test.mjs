// Delivery to the holder (issue 17, item 4), the whole flow in Chromium at 360 px: on the
// certificate's card the JSON-LD and JWT downloads (with their file names) and "Add to
// LinkedIn" filled in with the certificate (the exact URL); the holder makes a public URL,
// someone else opens it and sees the certificate with its live verdict, the holder stops it
// and the URL is 404. Without JavaScript the forms work the same. axe on every state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateClient, PASSWORD } from '../integration/lib/daemon.mjs';
import { certify, objectiveExamsDir } from '../integration/lib/certify.mjs';
import { newPage, checkPage, assertAccessible, assertNoDialogs, daemonAndBrowser } from './lib/browser.mjs';

const EXAM = 'UJI-BAGI-JR';
const ISSUER = 'LSP Kreatif & Digital "Nusantara"';
const env = daemonAndBrowser({ examsDir: objectiveExamsDir(EXAM), args: ['--cert-issuer', ISSUER] });

// Seconds since the epoch as year and month in a zone hours ahead of UTC.
function yearMonth(secs, hours) {
  const t = new Date((secs + hours * 3600) * 1000);
  return [String(t.getUTCFullYear()), String(t.getUTCMonth() + 1)];
}

async function login(page, base, email) {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/login"] button[type=submit]')]);
}

test('downloads, LinkedIn and a public URL the holder makes and stops', async () => {
  const { d } = env;
  const api = await candidateClient(d, 'Ayu Kusuma <b>Dewi</b>');
  const serial = await certify(api, EXAM);
  const cert = (await api.get(`/api/certificates/${serial}`)).json;
  const p = await newPage(env.browser, { width: 360, height: 800 });
  const { page } = p;
  await login(page, d.url, api.email);
  const card = page.locator(`#cert-${serial}`);

  // The credential in both forms, as downloads with their names.
  const json = card.locator('a[data-kind="credential-json"]');
  assert.equal(await json.getAttribute('href'), `/api/certificates/${serial}/credential.json`);
  assert.equal(await json.getAttribute('download'), `ujikom-${serial}.json`);
  assert.match(await json.textContent(), /JSON-LD/);
  const jwt = card.locator('a[data-kind="credential-jwt"]');
  assert.equal(await jwt.getAttribute('href'), `/api/certificates/${serial}/credential.jwt`);
  assert.equal(await jwt.getAttribute('download'), `ujikom-${serial}.jwt`);
  assert.match(await jwt.textContent(), /JWT/);

  // LinkedIn: the exact URL, every value encoded; dates in WIB; the verify page until shared.
  const [iy, im] = yearMonth(cert.issued_at, 7);
  const [ey, em] = yearMonth(cert.expires_at, 7);
  const title = await card.locator('h3').textContent();
  const expected = (certUrl) => 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME'
    + `&name=${encodeURIComponent(title)}&organizationName=LSP%20Kreatif%20%26%20Digital%20%22Nusantara%22`
    + `&issueYear=${iy}&issueMonth=${im}&expirationYear=${ey}&expirationMonth=${em}`
    + `&certUrl=${encodeURIComponent(certUrl)}&certId=${serial}`;
  const linkedin = card.locator('a[data-kind="linkedin"]');
  assert.equal(await linkedin.getAttribute('href'), expected(`${d.url}/verify?serial=${serial}`));
  assert.equal(await linkedin.textContent(), 'Tambahkan ke LinkedIn');
  await checkPage(page, 'share-card');

  // Make the public URL: the notice, the URL to copy, and LinkedIn now points at it.
  await Promise.all([page.waitForURL(/share=made/), card.locator('form[action$="/share"] button').click()]);
  assert.match(await page.locator('[role=status]').first().textContent(), /Tautan publik dibuat/);
  const url = await card.locator('input.share-url').inputValue();
  assert.match(url, new RegExp(`^${d.url}/c/[A-Za-z0-9_-]{43}$`));
  assert.equal(await card.locator('label', { hasText: 'Tautan publik sertifikat ini' }).count(), 1);
  assert.equal(await linkedin.getAttribute('href'), expected(url));
  await checkPage(page, 'share-made');

  // Someone else (no session) opens it: the certificate with its verdict.
  const stranger = await newPage(env.browser, { width: 360, height: 800 });
  const res = await stranger.page.goto(url);
  assert.equal(res.status(), 200);
  const body = await stranger.page.locator('main').textContent();
  assert.match(body, /ASLI/);
  assert.ok(body.includes('Ayu Kusuma <b>Dewi</b>'), 'the holder, as text');
  assert.ok(body.includes(serial));
  await checkPage(stranger.page, 'share-public');

  // Stop it: the notice, the form to make one again, and the URL is 404.
  await Promise.all([page.waitForURL(/share=ended/), card.locator('form[action$="/unshare"] button').click()]);
  assert.match(await page.locator('[role=status]').first().textContent(), /dihentikan/);
  assert.equal(await card.locator('input.share-url').count(), 0);
  assert.equal(await card.locator('form[action$="/share"] button').textContent(), 'Buat tautan publik');
  await assertAccessible(page, 'certificate card after stopping the link');
  const gone = await stranger.page.goto(url);
  assert.equal(gone.status(), 404);
  assert.match(await stranger.page.locator('main').textContent(), /Tautan tidak berlaku/);
  await assertAccessible(stranger.page, 'ended public link');
  assertNoDialogs(stranger);
  await stranger.context.close();
  assertNoDialogs(p);
  await p.context.close();
});

test('without JavaScript the holder makes and stops the public URL', async () => {
  const { d } = env;
  const api = await candidateClient(d, 'Bagus Santoso');
  const serial = await certify(api, EXAM);
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  await login(page, d.url, api.email);
  const card = page.locator(`#cert-${serial}`);
  await Promise.all([page.waitForURL(/share=made/), card.locator('form[action$="/share"] button').click()]);
  const url = await card.locator('input.share-url').inputValue();
  assert.equal((await fetch(url)).status, 200);
  await Promise.all([page.waitForURL(/share=ended/), card.locator('form[action$="/unshare"] button').click()]);
  assert.equal((await fetch(url)).status, 404);
  await context.close();
});
