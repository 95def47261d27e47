// The administrator's pages as an admin lives them (issue 16, point 12), on a seeded data
// directory (more than 50 accounts, attempts and audit entries): the audit-log viewer with
// its filters and paging, the item analysis with question text, a small-sample warning and
// a CSV export whose formula cells are guarded, a confirmation before revoking and
// disabling (in a dialog, and as a page without JavaScript), the success notice after each
// action, account and attempt search with paging, the appeal card's details and the
// explained empty assessor list, and extra time planned before the candidate starts. Every
// state is checked with axe; the main pages are photographed at 360 px and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  startDaemon, cli, tmpDir, prepareDatabase, dropDatabase, databaseOf, BACKEND, uniqueEmail, PASSWORD, EXAMS_DIR, Client, candidateClient,
} from '../integration/lib/daemon.mjs';
import {
  launch, newPage, checkPage, assertAccessible, assertNoDialogs,
} from './lib/browser.mjs';
import { totp } from '../integration/lib/totp.mjs';

const SEED_PASSWORD = 'Uji-Kompetensi-2026!';
const CSV_EXAM = 'KLN-CSV-JR';
let d;
let browser;
let admin; // { email, client }
const work = tmpDir('ujikom-admin-ux-');

// The exams, plus a copy of the cook exam whose first prompt starts like a spreadsheet
// formula (the CSV export must not let it run).
function examsWithFormula() {
  const dir = path.join(work, 'exams');
  mkdirSync(dir, { recursive: true });
  for (const f of ['subsectors.yaml', 'kln-juru-masak-junior.exam.yaml', 'fsn-penjahit-busana-wanita.exam.yaml']) {
    copyFileSync(path.join(EXAMS_DIR, f), path.join(dir, f));
  }
  let y = readFileSync(path.join(EXAMS_DIR, 'kln-juru-masak-junior.exam.yaml'), 'utf8');
  y = y.replace(/KLN-JMK-/g, 'KLN-CSV-').replace('id: KLN-JMK-JR', `id: ${CSV_EXAM}`)
    .replace('title: Juru Masak Tingkat Junior', 'title: Juru Masak (salinan ekspor)');
  y = y.replace(/prompt: \|\n(\s+)/, (m, indent) => `prompt: |\n${indent}=HYPERLINK("http://contoh.test","klik") @SUM(A1) +1 -1\n${indent}`);
  writeFileSync(path.join(dir, 'kln-csv.exam.yaml'), y);
  return dir;
}

before(async () => {
  const examsDir = examsWithFormula();
  const dataDir = path.join(work, 'data');
  const seed = cli(['seed', '--data-dir', dataDir, '--exams-dir', examsDir, '--candidates', '60',
    '--attempts', '70', '--certificates', '55', '--open', '3']);
  assert.equal(seed.status, 0, `seeding: ${seed.stderr}`);
  if (BACKEND === 'postgresql') {
    // seed fills the data directory's SQLite file: moved into the pass's database as an
    // operator would move it (docs/operations.md, "Moving between SQLite and PostgreSQL").
    prepareDatabase(dataDir);
    const db = path.join(dataDir, 'ujikom.db');
    const copy = cli(['store', 'copy', '--from', `sqlite:${db}`, '--to', databaseOf(dataDir)]);
    assert.equal(copy.status, 0, `store copy: ${copy.stderr}`);
    rmSync(db);
  }
  d = await startDaemon({ dataDir, examsDir, kdfLog2n: 10 });
  const email = uniqueEmail('admin');
  const r = cli(['admin', 'create', '--email', email, '--name', 'Admin Uji', '--role', 'admin'], {
    input: `${PASSWORD}\n`, dataDir,
  });
  assert.equal(r.status, 0, `creating the admin: ${r.stderr}`);
  const client = new Client(d.url);
  assert.equal((await client.login(email, PASSWORD)).status, 200);
  admin = { email, client };
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (d) { await d.stop(); d.cleanup(); }
  dropDatabase(path.join(work, 'data'));
});

async function adminPage({ width = 1280, javaScriptEnabled = true } = {}) {
  let p;
  if (javaScriptEnabled) {
    p = await newPage(browser, { width });
  } else {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
    p = { context, page: await context.newPage(), dialogs: [], errors: [] };
  }
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await page.fill('#email', admin.email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  return p;
}

test('accounts: search by name or e-mail, role and state, paged 50 at a time', async () => {
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin`);
  await checkPage(page, 'admin');
  const accounts = page.locator('section:has(#s-accounts) .table-wrap tbody tr');
  assert.equal(await accounts.count(), 50, 'the first page holds 50 of the 62 accounts');
  // Each row is a line or two (its actions are on the account's page; with up to seven
  // buttons stacked in the row, a row was ~350 px tall), its name a link to that page.
  const heights = await accounts.evaluateAll((rows) => rows.map((tr) => tr.getBoundingClientRect().height));
  assert.ok(Math.max(...heights) < 80, `account rows of ${Math.max(...heights)} px`);
  assert.equal(await page.locator('section:has(#s-accounts) tbody a[href^="/admin/users/"]').count(), 50);
  assert.equal(await page.locator('section:has(#s-accounts) tbody .button, section:has(#s-accounts) tbody button').count(), 0);
  const next = page.locator('section:has(#s-accounts) nav.pager a[rel=next]');
  await Promise.all([page.waitForURL(/uafter=\d+/), next.click()]);
  const rest = await accounts.count();
  assert.equal(rest, 12, 'the second page holds the other 12');
  assert.ok(await page.locator('section:has(#s-accounts) td', { hasText: admin.email }).count() === 1,
    'the admin (the newest account) is on the last page');
  await assertAccessible(page, 'admin accounts page 2');
  await page.locator('section:has(#s-accounts) nav.pager a', { hasText: 'Halaman pertama' }).click();
  await page.waitForURL((u) => !u.search.includes('uafter'));
  // Search: part of an e-mail address, then a role filter, then a search with no match.
  await page.fill('#q-uq', 'ASESI0000007');
  await Promise.all([page.waitForURL(/uq=ASESI0000007/), page.click('form[aria-label="Cari akun"] button[type=submit]')]);
  assert.equal(await accounts.count(), 1, 'case-insensitive e-mail search finds one account');
  assert.match(await accounts.first().textContent(), /asesi0000007@bench\.ujikom\.test/);
  await page.goto(`${d.url}/admin?urole=admin#s-accounts`);
  assert.ok(await accounts.count() >= 1);
  for (const t of await accounts.allTextContents()) assert.match(t, /admin/);
  await page.goto(`${d.url}/admin?uq=tidak-ada-siapa-pun#s-accounts`);
  assert.equal(await accounts.count(), 0);
  assert.match(await page.locator('section:has(#s-accounts) [role=status]').textContent(), /Tidak ada yang cocok/);
  await assertAccessible(page, 'admin accounts search without match');
  // A bad filter is refused with a message, not ignored.
  const bad = await admin.client.get('/admin?urole=raja', { headers: { Accept: 'text/html' } });
  assert.equal(bad.status, 400);
  const api = await admin.client.get('/api/admin/users?q=asesi000001&state=active');
  assert.equal(api.status, 200);
  assert.equal(api.json.items.length, 10, 'asesi0000010..19 match');
  const paged = await admin.client.get(`/api/admin/users?q=asesi000001&after=${api.json.items[4].id}`);
  assert.deepEqual(paged.json.items.map((u) => u.id), api.json.items.slice(5).map((u) => u.id), 'keyset paging');
  assertNoDialogs(p);
  await p.context.close();
});

test('attempts: search by candidate and status, paged 50 at a time', async () => {
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin#s-attempts`);
  const attempts = page.locator('section:has(#s-attempts) .table-wrap tbody tr');
  assert.equal(await attempts.count(), 50);
  await Promise.all([page.waitForURL(/abefore=\d+/), page.locator('section:has(#s-attempts) nav.pager a[rel=next]').click()]);
  assert.equal(await attempts.count(), 20, '70 attempts: 20 on the second page');
  await page.goto(`${d.url}/admin?astatus=open#s-attempts`);
  assert.equal(await attempts.count(), 3, 'three open attempts');
  for (const t of await attempts.allTextContents()) assert.match(t, /Sedang berlangsung|Batas waktu/);
  const some = (await admin.client.get('/api/admin/attempts')).json.items[7];
  const owner = (await admin.client.get('/api/admin/users?role=candidate')).json.items
    .find((u) => u.id === some.candidate_id);
  const theirs = (await admin.client.get(`/api/admin/attempts?candidate=${encodeURIComponent(owner.email)}`)).json.items;
  assert.ok(theirs.length >= 1 && theirs.every((a) => a.candidate_id === owner.id), 'the API filters by candidate');
  await page.goto(`${d.url}/admin#s-attempts`);
  await page.fill('#q-aq', owner.email);
  await Promise.all([page.waitForURL(/aq=/), page.click('form[aria-label="Cari percobaan"] button[type=submit]')]);
  assert.equal(await attempts.count(), theirs.length, 'the page lists the candidate\'s attempts');
  const names = new Set((await page.locator('section:has(#s-attempts) tbody tr td:nth-child(2)').allTextContents()));
  assert.equal(names.size, 1, 'only that candidate\'s attempts are listed');
  // The exam is named by its title, not its id.
  assert.doesNotMatch(await attempts.first().locator('td').nth(2).textContent(), /^[A-Z]{3}-[A-Z]{3}-[A-Z]{2}$/);
  await assertAccessible(page, 'admin attempts search');
  assertNoDialogs(p);
  await p.context.close();
});

test('disabling an account asks first in a dialog; cancel changes nothing, confirm shows a notice', async () => {
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin?uq=asesi0000003#s-accounts`);
  const row = page.locator('section:has(#s-accounts) tbody tr');
  assert.equal(await row.count(), 1);
  await Promise.all([page.waitForURL(/\/admin\/users\/\d+$/), row.locator('a').first().click()]);
  const accountUrl = page.url();
  const link = page.locator('main a[data-confirm][href$="/disable"]');
  assert.equal(await link.count(), 1);
  await link.click();
  const dialog = page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /akan dinonaktifkan/);
  await assertAccessible(page, 'disable confirmation dialog');
  await page.screenshot({ path: path.join(process.env.UJIKOM_ARTIFACTS || 'tests/artifacts', 'screenshots', 'admin-confirm-dialog-1280.png') });
  await dialog.locator('[data-confirm-cancel]').click();
  await dialog.waitFor({ state: 'detached' }).catch(() => {});
  assert.equal(await page.locator('dialog[open]').count(), 0, 'cancel closes the dialog');
  const still = await admin.client.get('/api/admin/users?q=asesi0000003');
  assert.equal(still.json.items[0].disabled, false, 'nothing happened on cancel');
  await link.click();
  await dialog.waitFor();
  await dialog.locator('input[name=reason]').fill('Akun ganda.');
  await Promise.all([page.waitForURL(/notice=user_disabled/), dialog.locator('button[type=submit]').click()]);
  // Back on the account's page, which now says so and offers no second disabling.
  assert.equal(page.url(), `${accountUrl}?notice=user_disabled`);
  const notice = page.locator('main p.notice.ok[role=status]');
  assert.match(await notice.textContent(), /Akun telah dinonaktifkan/);
  assert.match(await page.locator('#account-facts').textContent(), /Statusnonaktif/);
  assert.equal(await link.count(), 0);
  await page.goto(`${d.url}/admin?uq=asesi0000003&notice=user_disabled#s-accounts`);
  assert.match(await page.locator('section:has(#s-accounts) tbody tr').first().textContent(), /nonaktif/);
  await assertAccessible(page, 'admin with a success notice');
  const after = await admin.client.get('/api/admin/users?q=asesi0000003');
  assert.equal(after.json.items[0].disabled, true);
  assertNoDialogs(p);
  await p.context.close();
});

test('an account\'s page: what is kept of it, the actions it allows, links to its records', async () => {
  // A candidate holding a certificate (so that every record link has something to show),
  // whose account is still active: the test before disables asesi0000003, and the seed's
  // names are drawn at random, so that account holds a certificate in some runs.
  const valid = (await admin.client.get('/api/certificates?limit=20&status=valid')).json.certificates;
  let cand;
  for (const cert of valid) {
    const found = await admin.client.get(`/api/admin/users?q=${encodeURIComponent(cert.holder)}&state=active`);
    assert.equal(found.status, 200, found.text);
    // Names can repeat: the holder is the one whose attempts include the certificate's.
    for (const u of found.json.items.filter((x) => x.name === cert.holder && x.role === 'candidate')) {
      const theirs = (await admin.client.get(`/api/admin/attempts?candidate=${encodeURIComponent(u.email)}`)).json.items;
      if (theirs.some((a) => a.id === cert.attempt_id)) cand = u;
    }
    if (cand) break;
  }
  assert.ok(cand, 'an active candidate holds one of the first 20 valid certificates');
  // One entry about the account, for its audit link to find.
  assert.equal((await admin.client.get(`/api/admin/users/${cand.id}/data`)).status, 200);
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin?uq=${encodeURIComponent(cand.email)}#s-accounts`);
  await Promise.all([page.waitForURL(/\/admin\/users\/\d+$/),
    page.locator('section:has(#s-accounts) tbody a', { hasText: cand.name }).click()]);
  assert.equal(new URL(page.url()).pathname, `/admin/users/${cand.id}`);
  assert.equal(await page.locator('h1').textContent(), `Akun: ${cand.name}`);
  assert.equal(await page.title(), `Akun: ${cand.name} — ujikom`);
  const terms = await page.locator('#account-facts dt').allTextContents();
  const values = await page.locator('#account-facts dd').allTextContents();
  assert.deepEqual(terms, ['Nama', 'Email', 'Peran', 'Status', 'Terdaftar', 'Terakhir masuk atau dipakai', 'Sesi aktif'],
    'a candidate has no second factor');
  assert.deepEqual(values.slice(0, 4), [cand.name, cand.email, 'asesi', 'aktif']);
  assert.deepEqual(values.slice(5), ['belum pernah', '0'], 'a seeded candidate has not signed in');
  assert.equal(await page.locator('main a[href$="/sessions/end"]').count(), 0, 'nothing to end');
  assert.match(values[4], /20\d\d/);
  // Every action a candidate's account allows, each named for the account.
  for (const name of ['Nonaktifkan…', 'Waktu tambahan', 'Ubah nama', 'Ubah email', 'Data pribadi (JSON)']) {
    assert.equal(await page.getByRole('link', { name: `${name.replace('…', '')}: ${cand.name}` }).count(), 1, name);
  }
  assert.equal(await page.getByRole('button', { name: `Buat tautan reset sandi: ${cand.name}` }).count(), 1);
  assert.equal(await page.locator('main a[href$="/2fa/reset"]').count(), 0);
  await checkPage(page, 'admin-account');
  // The records: the attempts and certificates lists filtered to the person, the audit
  // entries about the account.
  await Promise.all([page.waitForURL(/aq=/), page.getByRole('link', { name: 'Percobaan ujian akun ini' }).click()]);
  const attempts = page.locator('section:has(#s-attempts) tbody tr');
  assert.ok(await attempts.count() >= 1);
  for (const t of await attempts.allTextContents()) assert.ok(t.includes(cand.name), t);
  await page.goBack();
  await Promise.all([page.waitForURL(/cq=/), page.getByRole('link', { name: 'Sertifikat atas nama ini' }).click()]);
  const certs = page.locator('section:has(#s-certs) tbody tr');
  assert.ok(await certs.count() >= 1);
  // The filter is part of the holder's name, ASCII case ignored: "Agus Wijaya" finds "Bagus
  // Wijaya" too (the seed's names are drawn at random, so some runs have both).
  for (const t of await certs.allTextContents()) {
    assert.ok(t.toLowerCase().includes(cand.name.toLowerCase()), t);
  }
  await page.goBack();
  await Promise.all([page.waitForURL(/\/admin\/audit\?subject=user%3A\d+$/),
    page.getByRole('link', { name: 'Jejak audit tentang akun ini' }).click()]);
  assert.ok(await page.locator('main table tbody tr').count() >= 1, 'the download is on record');
  await page.goBack();
  // The way back is to the accounts list.
  assert.equal(await page.locator('main a[href="/admin#s-accounts"]').count(), 1);
  // An account that does not exist is 404; a malformed id 404 too.
  assert.equal((await admin.client.get('/admin/users/999999', { headers: { Accept: 'text/html' } })).status, 404);
  assert.equal((await admin.client.get('/admin/users/x1', { headers: { Accept: 'text/html' } })).status, 404);
  assertNoDialogs(p);
  await p.context.close();
});

test('resetting a staff member\'s second factor asks first; one without a factor is told so', async () => {
  const email = uniqueEmail('asesor2fa');
  const mk = await admin.client.post('/api/admin/users', { email, name: 'Asesor Dua Faktor', password: PASSWORD, role: 'assessor' });
  assert.equal(mk.status, 201, mk.text);
  const staff = new Client(d.url);
  assert.equal((await staff.login(email, PASSWORD)).status, 200);
  const begin = await staff.post('/api/auth/2fa/enrol', {});
  assert.equal((await staff.post('/api/auth/2fa/confirm', { code: totp(begin.json.secret) })).status, 200);
  const p = await adminPage();
  const { page } = p;
  const id = mk.json.user.id;
  await page.goto(`${d.url}/admin/users/${id}`);
  assert.match(await page.locator('#account-facts').textContent(), /Faktor kedua \(2FA\)aktif/);
  await page.locator('main a[data-confirm][href$="/2fa/reset"]').click();
  const dialog = page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Faktor kedua \(2FA\) milik Asesor Dua Faktor akan dihapus/);
  await assertAccessible(page, '2FA reset dialog');
  // Escape closes the dialog like "Batal", and focus returns to the link.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('dialog[open]').count(), 0);
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('href') || ''), /\/2fa\/reset$/);
  assert.equal((await staff.get('/api/auth/2fa')).json.state, 'confirmed', 'nothing happened');
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await Promise.all([page.waitForURL(/notice=second_factor_reset/), dialog.locator('button[type=submit]').click()]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Faktor kedua telah diatur ulang/);
  assert.match(await page.locator('#account-facts').textContent(), /Faktor kedua \(2FA\)belum dipasang/);
  assert.equal(await page.locator('main a[href$="/2fa/reset"]').count(), 0, 'no reset offered for an account without a factor');
  // Now it has none: the confirmation page says so instead of asking.
  const again = await admin.client.get(`/admin/users/${id}/2fa/reset`, { headers: { Accept: 'text/html' } });
  assert.equal(again.status, 409);
  assert.match(again.text, /class="notice err"/);
  // Disabled again, so that the appeal test below starts without an active assessor.
  assert.equal((await admin.client.post(`/api/admin/users/${id}/disable`, {})).status, 200);
  assertNoDialogs(p);
  await p.context.close();
});

test('revoking without JavaScript: the link leads to a confirmation page; only its POST revokes', async () => {
  const p = await adminPage({ javaScriptEnabled: false });
  const { page } = p;
  await page.goto(`${d.url}/admin#s-certs`);
  const link = page.locator('section:has(#s-certs) a[data-confirm][href$="/revoke"]').first();
  const href = await link.getAttribute('href');
  const serial = href.split('/')[3];
  await Promise.all([page.waitForURL(/\/admin\/certificates\/.+\/revoke$/), link.click()]);
  assert.match(await page.locator('main').textContent(), /akan dicabut untuk selamanya/);
  // Showing the page did not revoke anything.
  const before = await admin.client.get(`/api/certificates/${serial}`);
  assert.equal(before.status, 200);
  assert.equal(before.json.certificate?.status ?? before.json.status, 'valid');
  await page.fill('input[name=reason]', 'Diterbitkan karena kesalahan data.');
  await Promise.all([page.waitForURL(/notice=certificate_revoked/), page.click('main form button[type=submit]')]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Sertifikat telah dicabut/);
  assert.ok(await page.locator('section:has(#s-certs) td', { hasText: 'Diterbitkan karena kesalahan data.' }).count() >= 1);
  const afterRevoke = await admin.client.get(`/api/certificates/${serial}`);
  assert.equal(afterRevoke.json.certificate?.status ?? afterRevoke.json.status, 'revoked');
  // The same page with scripts: axe on the confirmation page itself.
  const q = await adminPage();
  await q.page.goto(`${d.url}/admin#s-certs`);
  const second = await q.page.locator('section:has(#s-certs) a[data-confirm][href$="/revoke"]').first().getAttribute('href');
  await q.page.goto(`${d.url}${second}`);
  await checkPage(q.page, 'admin-confirm-revoke');
  await q.context.close();
  await p.context.close();
});

test('revoking at 360 px: the dialog fits, asks for a reason and reports success', async () => {
  const p = await adminPage({ width: 360 });
  const { page } = p;
  await page.goto(`${d.url}/admin#s-certs`);
  await page.locator('section:has(#s-certs) a[data-confirm][href$="/revoke"]').first().click();
  const dialog = page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  const box = await dialog.boundingBox();
  assert.ok(box.width <= 360, `the dialog fits the screen (${box.width} px)`);
  await assertAccessible(page, 'revoke dialog at 360 px');
  await page.screenshot({ path: path.join(process.env.UJIKOM_ARTIFACTS || 'tests/artifacts', 'screenshots', 'admin-confirm-dialog-360.png') });
  // The reason is required: the browser keeps the dialog open without it.
  await dialog.locator('button[type=submit]').click();
  assert.equal(await page.locator('dialog[open]').count(), 1);
  await dialog.locator('input[name=reason]').fill('Pemegang meminta pencabutan.');
  await Promise.all([page.waitForURL(/notice=certificate_revoked/), dialog.locator('button[type=submit]').click()]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Sertifikat telah dicabut/);
  assertNoDialogs(p);
  await p.context.close();
});

test('suspending and reinstating a certificate use the same confirmation, each with its notice', async () => {
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin#s-certs`);
  const suspend = page.locator('section:has(#s-certs) a[data-confirm][href$="/suspend"]').first();
  const serial = (await suspend.getAttribute('href')).split('/')[3];
  await suspend.click();
  const dialog = page.locator('dialog.confirm-dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /akan dibekukan/);
  await assertAccessible(page, 'suspend dialog');
  await dialog.locator('input[name=reason]').fill('Pemeriksaan ulang dokumen.');
  await Promise.all([page.waitForURL(/notice=certificate_suspended/), dialog.locator('button[type=submit]').click()]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Sertifikat telah dibekukan/);
  const row = page.locator('section:has(#s-certs) tbody tr', { hasText: serial });
  assert.match(await row.textContent(), /Dibekukan: Pemeriksaan ulang dokumen\./);
  await row.locator('a[data-confirm][href$="/reinstate"]').click();
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /akan dicabut: pemeriksaan keaslian akan kembali/);
  await dialog.locator('input[name=reason]').fill('Dokumen sudah diperiksa.');
  await Promise.all([page.waitForURL(/notice=certificate_reinstated/), dialog.locator('button[type=submit]').click()]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Sertifikat telah dipulihkan/);
  assert.match(await page.locator('section:has(#s-certs) tbody tr', { hasText: serial }).textContent(), /aktif/);
  // A reinstatement of a certificate that is not suspended is refused on its page.
  const refused = await admin.client.get(`/admin/certificates/${serial}/reinstate`, { headers: { Accept: 'text/html' } });
  assert.equal(refused.status, 409);
  assertNoDialogs(p);
  await p.context.close();
});

test('audit log: described entries, newest first, filters and paging, chain check shown', async () => {
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin`);
  await Promise.all([page.waitForURL(/\/admin\/audit$/), page.click('a[href="/admin/audit"] >> nth=0')]);
  // The watch's first full check runs a minute after start; the button starts one now, in
  // the background, and the page shows its result once it is done.
  assert.match(await page.locator('#chain').textContent(), /Rantai audit utuh|Rantai audit belum pernah diperiksa penuh|Pemeriksaan penuh pertama rantai audit sedang berjalan/);
  await Promise.all([page.waitForURL(/\/admin\/audit\?notice=audit_check_started#chain$/),
    page.click('form[action="/admin/audit/check"] button[type=submit]')]);
  assert.match(await page.locator('#notice').textContent(), /Pemeriksaan penuh rantai audit dimulai/);
  await assertAccessible(page, 'audit full check asked for');
  for (let i = 0; i < 100 && !/Rantai audit utuh/.test(await page.locator('#chain').textContent()); i++) {
    await page.waitForTimeout(100);
    await page.goto(`${d.url}/admin/audit`);
  }
  assert.match(await page.locator('#chain').textContent(), /Rantai audit utuh: \d+ entri\. Pemeriksaan penuh terakhir/);
  const entries = page.locator('main table tbody tr');
  assert.equal(await entries.count(), 50, 'a page of 50 entries');
  const seqs = (await page.locator('main table tbody tr td:first-child').allTextContents()).map(Number);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  const text = await page.locator('main table').textContent();
  assert.match(text, /Menerbitkan sertifikat/, 'entries are described in words');
  assert.doesNotMatch(text, /certificate\.issue/, 'not as raw action codes');
  await checkPage(page, 'admin-audit');
  await Promise.all([page.waitForURL(/before=\d+/), page.locator('nav.pager a[rel=next]').click()]);
  const second = (await page.locator('main table tbody tr td:first-child').allTextContents()).map(Number);
  assert.ok(second.length >= 1 && Math.max(...second) < Math.min(...seqs), 'the next page continues below');
  // Every page says what the audit watch knows (the entries since its last full check are
  // checked as the page opens), not only the first.
  assert.match(await page.locator('#chain').textContent(), /Rantai audit utuh: \d+ entri\. Pemeriksaan penuh terakhir/);
  assert.equal(await page.locator('form[action="/admin/audit/check"] button[type=submit]').count(), 1);
  // Filter by action: only revocations (two were made above), with the reason shown.
  await page.goto(`${d.url}/admin/audit`);
  await page.selectOption('#af-action', 'certificate.revoke');
  await Promise.all([page.waitForURL(/action=certificate\.revoke/), page.click('form[role=search] button[type=submit]')]);
  const revokes = await entries.allTextContents();
  assert.equal(revokes.length, 2);
  // The download takes the same filters (every matching entry, not only the page).
  assert.equal(await page.locator('#audit-csv').getAttribute('href'), '/api/admin/audit/csv?action=certificate.revoke');
  for (const t of revokes) assert.match(t, /Mencabut sertifikat/);
  assert.match(revokes.join(' '), /Alasan: Pemegang meminta pencabutan\./);
  await assertAccessible(page, 'audit filtered by action');
  // Filter by actor (part of the admin's name) and date range (UTC days; from the day an
  // hour ago, so a run across midnight still finds the actions of minutes before).
  const today = new Date().toISOString().slice(0, 10);
  const since = new Date(Date.now() - 3600e3).toISOString().slice(0, 10);
  await page.goto(`${d.url}/admin/audit?actor=admin%20uji&from=${since}&to=${today}`);
  const mine = await entries.allTextContents();
  assert.ok(mine.length >= 3, 'the admin\'s own actions of today');
  for (const t of mine) assert.match(t, /Admin Uji/);
  await page.goto(`${d.url}/admin/audit?from=2001-01-01&to=2001-01-31`);
  assert.equal(await entries.count(), 0);
  assert.match(await page.locator('main').textContent(), /Tidak ada entri yang cocok/);
  // A subject link narrows the log to that record.
  await page.goto(`${d.url}/admin/audit?action=user.disable`);
  await Promise.all([page.waitForURL(/subject=user%3A\d+/), page.locator('main table tbody a').first().click()]);
  for (const t of await page.locator('main table tbody td:last-child').allTextContents()) assert.match(t, /^user:\d+$/);
  const bad = await admin.client.get('/admin/audit?from=2026-02-30', { headers: { Accept: 'text/html' } });
  assert.equal(bad.status, 400, 'an impossible date is refused');
  const api = await admin.client.get(`/api/admin/audit?action=certificate.&from=${today}`);
  assert.equal(api.status, 200);
  assert.ok(api.json.items.every((e) => e.action.startsWith('certificate.')));
  assertNoDialogs(p);
  await p.context.close();
});

// RFC 4180 records of a CSV text.
function parseCsv(text) {
  const out = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell); out.push(row); row = []; cell = ''; i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); out.push(row); }
  return out;
}

test('item analysis: question text, labels in words, small-sample warning, CSV export', async () => {
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin#s-analysis`);
  await Promise.all([page.waitForURL(new RegExp(`/admin/analysis/${CSV_EXAM}$`)), page.click(`a[href="/admin/analysis/${CSV_EXAM}"]`)]);
  const json = (await admin.client.get(`/api/admin/analysis/${CSV_EXAM}`)).json;
  assert.ok(json.outcomes.attempts < 30, 'the seeded sample is small');
  assert.match(await page.locator('#small-sample').textContent(), /Sampel kecil/);
  const table = page.locator('main table tbody tr');
  assert.equal(await table.count(), json.items.length, 'one row per item');
  const first = await table.first().textContent();
  assert.match(first, /=HYPERLINK/, 'the question text is shown, not only its id');
  const body = await page.locator('main').textContent();
  assert.doesNotMatch(body, /too_easy|too_hard|negative_discrimination/, 'no raw codes');
  assert.match(body, /Terlalu mudah|Terlalu sulit|Wajar|tanpa data/);
  await checkPage(page, 'admin-analysis-small-sample');
  // The CSV download.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[download]')]);
  const file = path.join(work, 'analysis.csv');
  await download.saveAs(file);
  const buf = readFileSync(file);
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte order mark');
  const text = buf.subarray(3).toString('utf8');
  assert.ok(text.endsWith('\r\n'), 'records end with CRLF');
  const recs = parseCsv(text);
  assert.equal(recs.length, json.items.length + 1, 'a heading and one record per item');
  const head = recs[0];
  const qcol = head.indexOf('Soal');
  assert.ok(qcol >= 0, `a question column (${head})`);
  for (const r of recs) assert.equal(r.length, head.length, 'every record has every column');
  const formula = recs.find((r) => r[qcol].includes('HYPERLINK'));
  assert.ok(formula[qcol].startsWith('\'='), `the formula cell is guarded: ${formula[qcol].slice(0, 20)}`);
  for (const r of recs.slice(1)) {
    for (const cell of r) {
      if (/^[=+@\t\r]/.test(cell)) assert.fail(`an unguarded formula cell: ${cell}`);
      if (/^-/.test(cell)) assert.match(cell, /^-\d+(\.\d+)?$/, 'only numbers may start with a minus');
    }
  }
  const ids = recs.slice(1).map((r) => r[0]);
  assert.deepEqual(ids, json.items.map((i) => i.id));
  const q = json.items.find((i) => i.question.startsWith('=HYPERLINK'));
  assert.equal(formula[qcol], `'${q.question}`, 'the whole prompt, line breaks included');
  assertNoDialogs(p);
  await p.context.close();
});

test('appeal cards name the candidate, the exam and the dates; an empty assessor list is explained', async () => {
  // A seeded BK candidate appeals.
  const bk = (await admin.client.get('/api/admin/attempts?verdict=BK')).json.items[0];
  assert.ok(bk, 'a seeded BK attempt');
  const users = (await admin.client.get('/api/admin/users?role=candidate')).json.items;
  const owner = users.find((u) => u.id === bk.candidate_id);
  const cand = new Client(d.url);
  assert.equal((await cand.login(owner.email, SEED_PASSWORD)).status, 200);
  const ap = await cand.post(`/api/attempts/${bk.id}/appeal`, { reason: 'Jawaban esai saya belum dinilai dengan rubrik.' });
  assert.equal(ap.status, 201, ap.text);
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin#s-appeals`);
  const card = page.locator(`#appeal-${ap.json.appeal.id}`);
  const text = await card.textContent();
  assert.ok(text.includes(owner.name), 'the candidate\'s name');
  assert.match(text, /Percobaan selesai/);
  assert.match(text, /Banding diajukan/);
  assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/, 'dates');
  assert.doesNotMatch(text, new RegExp(`Skema uji\\s*${bk.exam_id}`), 'the exam by title');
  assert.match(await card.locator('.notice.warn').textContent(), /Belum ada asesor aktif/);
  assert.equal(await card.locator('select').count(), 0, 'no empty select');
  await checkPage(page, 'admin-appeals-empty');
  // Creating an assessor from the page: success notice, and the appeal can be assigned.
  await page.fill('#f-name-new', 'Asesor Dua');
  await page.fill('#f-email-new', uniqueEmail('asesor'));
  await page.fill('#f-password-new', PASSWORD);
  await Promise.all([page.waitForURL(/notice=user_created/), page.click('form[action="/admin/users"] button[type=submit]')]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Akun berhasil dibuat/);
  await page.goto(`${d.url}/admin#s-appeals`);
  assert.equal(await card.locator('select option').count(), 1);
  await Promise.all([page.waitForURL(/notice=appeal_assigned/), card.locator('button[type=submit]').click()]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Banding telah ditugaskan/);
  await assertAccessible(page, 'appeal assigned');
  assertNoDialogs(p);
  await p.context.close();
});

test('extra time planned before the start is applied when the candidate starts', async () => {
  const cand = await candidateClient(d, 'Rina Wulandari');
  const p = await adminPage();
  const { page } = p;
  await page.goto(`${d.url}/admin?uq=${encodeURIComponent(cand.email)}#s-accounts`);
  await Promise.all([page.waitForURL(/\/admin\/users\/\d+$/),
    page.locator('section:has(#s-accounts) tbody a', { hasText: 'Rina Wulandari' }).click()]);
  await Promise.all([page.waitForURL(/\/extra-time$/), page.locator('main a[href$="/extra-time"]').click()]);
  assert.match(await page.locator('main').textContent(), /Belum ada waktu tambahan/);
  await checkPage(page, 'admin-extra-time');
  await page.selectOption('#f-exam-plan', 'KLN-JMK-JR');
  await page.fill('#f-minutes-plan', '20');
  await page.fill('#f-reason-plan', 'Penyesuaian wajar: disleksia (surat dokter).');
  await Promise.all([page.waitForURL(/notice=extra_time_planned/), page.click('main form button[type=submit]')]);
  assert.match(await page.locator('main p.notice.ok').textContent(), /Waktu tambahan telah direncanakan/);
  assert.match(await page.locator('main table').textContent(), /20/);
  await assertAccessible(page, 'extra time planned');
  // The candidate sees it before starting (attempts API), then starts with the longer time.
  const list = await cand.get('/api/attempts');
  assert.deepEqual(list.json.planned_extra_time, [{ exam_id: 'KLN-JMK-JR', minutes: 20 }]);
  const exam = (await cand.get('/api/exams/KLN-JMK-JR')).json;
  const duration = exam.duration_minutes ?? exam.exam?.duration_minutes;
  const start = await cand.post('/api/exams/KLN-JMK-JR/attempts', {});
  assert.ok([200, 201].includes(start.status), start.text);
  const id = start.json.attempt?.id ?? start.json.id;
  const got = await cand.get(`/api/attempts/${id}`);
  const left = got.json.remaining_seconds;
  assert.ok(left > (duration + 20) * 60 - 30 && left <= (duration + 20) * 60,
    `the deadline includes the 20 planned minutes (${left} s for ${duration} min)`);
  const audit = await admin.client.get(`/api/admin/audit?subject=attempt:${id}`);
  assert.ok(audit.json.items.some((e) => e.action === 'attempt.planned_extra_time' && e.after.minutes === 20),
    'the use is audited');
  // Refusals: not a candidate, unknown exam, too many minutes.
  const me = (await admin.client.get('/api/auth/me')).json;
  const adminId = me.user?.id ?? me.id;
  assert.equal((await admin.client.post(`/api/admin/users/${adminId}/extra-time`, { exam: 'KLN-JMK-JR', minutes: 5, reason: 'x' })).status, 404);
  const candId = cand.user?.id;
  assert.equal((await admin.client.post(`/api/admin/users/${candId}/extra-time`, { exam: 'NOPE', minutes: 5, reason: 'x' })).status, 404);
  assert.equal((await admin.client.post(`/api/admin/users/${candId}/extra-time`, { exam: 'KLN-JMK-JR', minutes: 601, reason: 'x' })).status, 400);
  // The plain form post: a success goes to the form's local next page (post, redirect, get);
  // a next page elsewhere is never followed, and a refusal is the API's error, not a redirect.
  const form = (fields) => admin.client.req('POST', `/admin/users/${candId}/extra-time`,
    new URLSearchParams({ csrf: admin.client.csrf, ...fields }).toString(),
    { raw: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: d.url } });
  const plan = { exam: 'FSN-PBW-JR', '#minutes': '5', reason: 'Penyesuaian wajar.' };
  const prg = await form({ ...plan, _next: `/admin/users/${candId}/extra-time?notice=extra_time_planned` });
  assert.equal(prg.status, 303);
  assert.equal(prg.headers.get('location'), `/admin/users/${candId}/extra-time?notice=extra_time_planned`);
  for (const evil of ['//evil.test/x', 'https://evil.test/', '/\\evil.test']) {
    const r = await form({ ...plan, _next: evil });
    assert.equal(r.status, 200, `next ${evil} is not followed`);
    assert.equal(r.json.planned_extra_time.minutes, 5);
  }
  const refused = await form({ ...plan, '#minutes': '601', _next: '/admin' });
  assert.equal(refused.status, 400, 'a refusal is not redirected');
  const removed = await admin.client.post(`/api/admin/users/${candId}/extra-time`, { exam: 'FSN-PBW-JR', minutes: 0 });
  assert.equal(removed.status, 200);
  const gone = await admin.client.post(`/api/admin/users/${candId}/extra-time`, { exam: 'FSN-PBW-JR', minutes: 0 });
  assert.equal(gone.status, 404, 'nothing left to remove');
  // Removing the plan.
  await page.goto(`${d.url}/admin/users/${candId}/extra-time`);
  await Promise.all([page.waitForURL(/notice=extra_time_removed/), page.locator('main table button[type=submit]').click()]);
  assert.match(await page.locator('main').textContent(), /Belum ada waktu tambahan/);
  assertNoDialogs(p);
  await p.context.close();
});
