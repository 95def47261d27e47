// The audit log against the real daemon: account changes are recorded with before/after,
// the table refuses UPDATE and DELETE, and when someone with access to the database file
// gets past that (by dropping the append-only triggers first, as an attacker would), both
// GET /api/admin/audit/verify and `ujikom audit verify` name the first altered entry, and the
// daemon's audit watch finds it on its next full check (asked for from the page) and keeps
// saying so, in the page's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

import {
  startDaemon, stopClean, adminClient, cli, uniqueEmail, PASSWORD, BACKEND,
} from './lib/daemon.mjs';
import { sql, dbPath, haveSqliteCli } from './lib/reliability.mjs';

let d;
let admin;

before(async () => {
  d = await startDaemon();
  admin = await adminClient(d);
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
});

// The audit watch's report once a full check asked for through the API is done (the first
// one of its own runs a minute after start).
async function watchStatus() {
  const asked = await admin.post('/api/admin/audit/check');
  assert.equal(asked.status, 202, asked.text);
  assert.ok(asked.json.pass >= 1);
  const until = Date.now() + 20_000;
  for (;;) {
    const r = await admin.get('/api/admin/audit/status');
    assert.equal(r.status, 200, r.text);
    if (r.json.state !== 'first_check' || Date.now() > until) return r.json;
    await new Promise((res) => setTimeout(res, 50));
  }
}

// A full check asked for through the page's form (no JavaScript: a 303 back to the page),
// and the report once it has found what it was asked to look for.
async function fullCheckThroughPage(done) {
  const form = new URLSearchParams({ csrf: admin.csrf, _next: '/admin/audit?notice=audit_check_started#chain' }).toString();
  const posted = await admin.req('POST', '/admin/audit/check', form,
    { headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' }, raw: true });
  assert.equal(posted.status, 303, posted.text);
  assert.equal(posted.headers.get('location'), '/admin/audit?notice=audit_check_started#chain');
  const until = Date.now() + 20_000;
  for (;;) {
    const r = await admin.get('/api/admin/audit/status');
    assert.equal(r.status, 200, r.text);
    if (done(r.json)) return r.json;
    assert.ok(Date.now() < until, `the full check did not report in time: ${r.text}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function makeAndDisableAssessor() {
  const r = await admin.post('/api/admin/users', {
    email: uniqueEmail('asesor'), name: 'Asesor Audit', role: 'assessor', password: PASSWORD,
  });
  assert.equal(r.status, 201, r.text);
  const dis = await admin.post(`/api/admin/users/${r.json.user.id}/disable`, { reason: 'Uji.' });
  assert.equal(dis.status, 200, dis.text);
  return r.json.user.id;
}

test('an intact log verifies through the API and the CLI', async () => {
  // Just started: the watch's first full check is still to come, and the page says so.
  const first = await admin.get('/api/admin/audit/status');
  assert.equal(first.status, 200, first.text);
  assert.deepEqual([first.json.state, first.json.full_check_at_ms, first.json.running], ['first_check', null, false]);
  const early = await admin.get('/admin/audit', { headers: { Accept: 'text/html' } });
  assert.match(early.text, /Rantai audit belum pernah diperiksa penuh\. Pemeriksaan pertama berjalan sendiri semenit setelah layanan dimulai/);
  await makeAndDisableAssessor();
  await makeAndDisableAssessor();
  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.status, 200, v.text);
  assert.deepEqual([v.json.intact, v.json.first_bad], [true, null]);
  // admin create (CLI) + 2 x (create + disable)
  assert.equal(v.json.entries, 5, v.text);
  const r = cli(['audit', 'verify'], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /intact: 5 entries/);
  const list = cli(['audit', 'list', '--limit', '2'], { dataDir: d.dataDir });
  assert.equal(list.status, 0, list.stderr);
  assert.equal(list.stdout.trim().split('\n').length, 2);
  assert.match(list.stdout, /user\.disable/);
  // The watch: every entry intact, those after its full check at start checked on asking.
  const w = await watchStatus();
  assert.equal(w.state, 'intact', JSON.stringify(w));
  assert.equal(w.entries, 5);
  assert.equal(w.full_check_entries + w.since, 5);
  assert.equal(typeof w.full_check_at_ms, 'number');
  const page = await admin.get('/admin/audit', { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /Rantai audit utuh: 5 entri\. Pemeriksaan penuh terakhir/);
  assert.match(page.text, /action="\/admin\/audit\/check"/);
});

test('the log refuses UPDATE and DELETE; a forced edit is named by verify', { skip: !haveSqliteCli() && 'sqlite3 CLI not installed' }, async () => {
  assert.throws(() => sql(d.dataDir, "UPDATE audit_log SET action = 'user.enable' WHERE seq = 3"),
    /append-only/);
  assert.throws(() => sql(d.dataDir, 'DELETE FROM audit_log WHERE seq = 3'), /append-only/);

  // Someone with the file drops the trigger and rewrites entry 3 ("disabled": true -> false).
  const edit = `UPDATE audit_log SET after = replace(after, '"disabled":true', '"disabled":false') WHERE seq = 3`;
  sql(d.dataDir, {
    sqlite: `DROP TRIGGER audit_log_no_update; ${edit}`,
    postgresql: `DROP TRIGGER audit_log_no_update ON audit_log; ${edit}`,
  });
  assert.equal(sql(d.dataDir, 'SELECT after FROM audit_log WHERE seq = 3')[0].after.includes('"disabled":false'), true);

  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.intact, false, v.text);
  assert.equal(v.json.first_bad, 3, v.text);
  assert.match(v.json.reason, /entry 3/);

  const r = cli(['audit', 'verify'], { dataDir: d.dataDir });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /BROKEN at entry 3/);

  // Later entries still append (the service keeps working) but the break stays reported.
  await makeAndDisableAssessor();
  const again = await admin.get('/api/admin/audit/verify');
  assert.equal(again.json.first_bad, 3);

  // The watch checks on asking only what came after its last full check, so the old entry
  // edited in place is not seen yet; the full check asked for from the page finds it.
  const before = await admin.get('/api/admin/audit/status');
  assert.equal(before.json.state, 'intact', before.text);
  const w = await fullCheckThroughPage((j) => j.state === 'broken');
  assert.equal(w.first_bad, 3, JSON.stringify(w));
  assert.equal(w.fault, 'altered');
  assert.equal(typeof w.found_at_ms, 'number');
  for (const [lang, want, not] of [['id', /Rantai audit RUSAK mulai entri #3: isi entri ini diubah \(hash-nya tidak cocok lagi\)\. Ditemukan /, /altered/],
    ['en', /The audit chain is BROKEN from entry #3: this entry's content was changed/, /diubah/]]) {
    admin.cookies.set('lang', lang); // the language switch's cookie
    const page = await admin.get('/admin/audit', { headers: { Accept: 'text/html' } });
    admin.cookies.delete('lang');
    assert.equal(page.status, 200);
    const chain = page.text.match(/<p class="notice err" id="chain">(.*?)<\/p>/s);
    assert.ok(chain, 'the page says the chain is broken');
    assert.match(chain[1].replace(/&#39;|&apos;/g, "'"), want);
    assert.doesNotMatch(chain[1], not);
  }
  // The break is kept, with when it was found, while entries go on being appended.
  await makeAndDisableAssessor();
  const kept = await admin.get('/api/admin/audit/status');
  assert.deepEqual([kept.json.state, kept.json.first_bad, kept.json.found_at_ms], ['broken', 3, w.found_at_ms]);
});

test('a backup taken while the daemon runs carries the log and verifies on its own', async () => {
  const dir = path.join(d.dataDir, 'salinan');
  const file = path.join(d.dataDir, 'cadangan.db');
  if (BACKEND === 'postgresql') {
    // An SQLite file's backup; a PostgreSQL database is backed up with pg_dump, and the CLI
    // says so instead of writing anything.
    const refused = cli(['backup', file], { dataDir: d.dataDir });
    assert.equal(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /pg_dump/);
    assert.ok(!existsSync(file));
    return;
  }
  const b = cli(['backup', file], { dataDir: d.dataDir });
  assert.equal(b.status, 0, b.stderr);
  assert.ok(existsSync(file));
  const again = cli(['backup', file], { dataDir: d.dataDir });
  assert.equal(again.status, 1, 'never overwrites');
  assert.match(again.stderr, /already exists/);
  // Restore into a fresh data directory and check the copy with the CLI.
  spawnSync('mkdir', ['-p', dir]);
  const r = cli(['restore', file], { dataDir: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(dbPath(dir)));
  const v = cli(['audit', 'verify'], { dataDir: dir });
  if (haveSqliteCli()) {
    // The copy carries the edit made in the previous test, so it is reported there too.
    assert.equal(v.status, 1, v.stdout + v.stderr);
    assert.match(v.stdout, /entry 3/);
  } else {
    assert.equal(v.status, 0, v.stdout + v.stderr);
  }
  const junk = cli(['restore', path.join(d.dataDir, 'tidak-ada.db')], { dataDir: dir });
  assert.equal(junk.status, 1);
  rmSync(dir, { recursive: true, force: true });
});

// RFC 4180 records (quoted cells with doubled quotes, CRLF between records), BOM dropped.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const t = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (quoted) {
      if (ch === '"' && t[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell); cell = '';
    } else if (ch === '\r' && t[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

test('the log as CSV: every entry the filters find, in the reader\'s language, and the download recorded', async () => {
  await makeAndDisableAssessor();
  const all = await admin.get('/api/admin/audit');
  assert.equal(all.status, 200);
  const newest = all.json.items[0].seq;
  const r = await admin.get('/api/admin/audit/csv', { headers: { Accept: 'text/csv' } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="log-audit\.csv"$/);
  assert.equal(r.body.subarray(0, 3).toString('hex'), 'efbbbf', 'a UTF-8 byte order mark');
  const rows = parseCsv(r.text);
  assert.deepEqual(rows[0], ['No.', 'Waktu (UTC)', 'Pelaku', 'Email pelaku', 'Apa yang terjadi', 'Kode tindakan',
    'Rincian', 'Objek', 'Sebelum (JSON)', 'Sesudah (JSON)', 'Hash']);
  const body = rows.slice(1);
  // Every entry up to the newest, newest first, each whole (its hash as the API gives it).
  assert.deepEqual(body.map((x) => Number(x[0])), Array.from({ length: newest }, (_, i) => newest - i));
  for (const x of body) assert.equal(x.length, 11);
  const disable = body.find((x) => x[5] === 'user.disable');
  const fromApi = all.json.items.find((e) => e.seq === Number(disable[0]));
  assert.equal(disable[10], fromApi.hash);
  assert.match(disable[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(disable[2], 'Admin Uji');
  assert.match(disable[3], /@/);
  assert.equal(disable[4], 'Menonaktifkan akun');
  assert.equal(disable[6], 'Alasan: Uji.');
  assert.equal(JSON.parse(disable[9]).disabled, true);
  // The first entry was made by the command line: the system acted.
  assert.deepEqual(body.at(-1).slice(2, 4), ['sistem', '']);

  // Filtered (and in English): only the entries the page would list, all of them.
  admin.cookies.set('lang', 'en');
  const f = await admin.get('/api/admin/audit/csv?action=user.disable');
  admin.cookies.delete('lang');
  assert.equal(f.status, 200, f.text);
  const frows = parseCsv(f.text);
  assert.equal(frows[0][1], 'Time (UTC)');
  const listed = (await admin.get('/api/admin/audit?action=user.disable')).json.items.map((e) => e.seq);
  assert.deepEqual(frows.slice(1).map((x) => Number(x[0])), listed);
  assert.ok(frows.slice(1).every((x) => x[5] === 'user.disable' && x[4] === 'Disabled an account'));

  // Each download is an entry of the log itself: who, how many rows, which filters.
  const notes = (await admin.get('/api/admin/audit?action=audit.export')).json.items;
  assert.equal(notes.length, 2);
  assert.equal(notes[0].subject, 'audit_log');
  assert.deepEqual(notes[0].after, { rows: listed.length, filter: { action: 'user.disable' } });
  assert.deepEqual(notes[1].after, { rows: newest, filter: {} });
  assert.equal(notes[0].actor, notes[1].actor);
  // A bad filter is refused as on the list.
  const bad = await admin.get('/api/admin/audit/csv?from=kemarin');
  assert.equal(bad.status, 400);
});
