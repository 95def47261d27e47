// Test events end to end over the API: a schedule with its window and session code, bulk
// enrolment from XLSX and CSV (dry run, every row's problem, all-or-nothing commit,
// activation links), the start window rule and attendance, the assessor's decisions, and
// the BNSP documents read back by independent readers (Python's zipfile + xml for the XLSX,
// pdftotext for the PDF). Hostile files: 50,000 rows, malformed and bomb XLSX, a document
// type, formula cells, repeated e-mails — clear messages and nothing half-written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  startDaemon, stopClean, adminClient, candidateClient, Client, PASSWORD,
} from './lib/daemon.mjs';
import { assessorClient, decideAllK } from './lib/reliability.mjs';
import { REVIEW_EXAM_ID, makeExamsDir, finishedAttempt, LOW_MARKS } from './lib/reviews.mjs';
import {
  xlsxWrite, xlsxRead, windowAround, createSchedule, candidateRows, ZONE_OFFSETS,
} from './lib/schedules.mjs';
import { smtpSink, mailFor } from './lib/smtp.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let d;
let examsDir;
let admin;
let asesor;
let other;

before(async () => {
  examsDir = makeExamsDir();
  // A large body limit, so the 50,000-row files reach the importer's own limits.
  d = await startDaemon({ examsDir, args: ['--max-body', String(16 * 1024 * 1024)] });
  admin = await adminClient(d);
  asesor = await assessorClient(d, 'Asesor Batch');
  other = await assessorClient(d, 'Asesor Lain');
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

async function assessorId(c) {
  return (await c.get('/api/auth/me')).json.user.id;
}

function importFile(client, id, body, { commit = false, type = XLSX } = {}) {
  return client.req('POST', `/api/schedules/${id}/import${commit ? '?commit=1' : ''}`, body, {
    headers: { 'Content-Type': type }, raw: true,
  });
}

async function enrolledCount(id) {
  const r = await admin.get(`/api/schedules/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.candidates.length;
}

// Activates an imported account with its link and returns a logged-in client.
async function activate(link) {
  const token = new URL(link.url).searchParams.get('t');
  const c = new Client(d.url);
  const r = await c.post('/api/auth/reset', { token, password: PASSWORD });
  assert.equal(r.status, 200, `activate ${link.email}: ${r.text}`);
  const l = await c.login(link.email, PASSWORD);
  assert.equal(l.status, 200, l.text);
  return c;
}

// The tests' windows around now (lib/schedules.mjs) at every minute of a day: each lies in
// one local day and keeps its side of now. A window that could not be placed once failed the
// suite when it ran between 21:00 and 22:30 WIB.
test('the test windows fit one local day at every time of day', () => {
  const midnight = Date.UTC(2026, 11, 4);
  const used = [[-60, 60], [120, 180], [-180, -120], [-90, 60], [-30, 90], [-30, 180]];
  for (const [from, to] of used) {
    for (let s = 0; s < 24 * 3600; s += 59) {
      const now = midnight + s * 1000;
      const w = windowAround(from, to, now);
      const local = now + ZONE_OFFSETS[w.time_zone] * 3600e3;
      assert.equal(w.date, new Date(local).toISOString().slice(0, 10), `${from}..${to} at ${s} s`);
      const opens = (Date.parse(`${w.date}T${w.opens}Z`) - local) / 60e3;
      const closes = (Date.parse(`${w.date}T${w.closes}Z`) - local) / 60e3;
      assert.ok(closes - opens >= 19, `${from}..${to} at ${s} s: ${JSON.stringify(w)}`);
      if (from < 0) assert.ok(opens <= -Math.min(-from, 19), `${from}..${to} at ${s} s opens ${opens}`);
      else assert.ok(opens >= Math.min(from, 20) - 1, `${from}..${to} at ${s} s opens ${opens}`);
      if (to > 0) assert.ok(closes >= Math.min(to, 20) - 1, `${from}..${to} at ${s} s closes ${closes}`);
      else assert.ok(closes <= -Math.min(-to, 20), `${from}..${to} at ${s} s closes ${closes}`);
    }
  }
});

test('only staff see schedules; only admins create, import and download', async () => {
  const cand = await candidateClient(d);
  const anon = new Client(d.url);
  const s = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60));
  for (const [m, p] of [['GET', '/api/schedules'], ['POST', '/api/schedules'],
    ['GET', `/api/schedules/${s.id}`], ['POST', `/api/schedules/${s.id}/import`],
    ['GET', `/api/schedules/${s.id}/blank-request.xlsx`], ['GET', `/api/schedules/${s.id}/berita-acara.pdf`],
    ['GET', `/api/schedules/${s.id}/results.csv`]]) {
    assert.equal((await cand.req(m, p, m === 'POST' ? {} : undefined)).status, 403, `${m} ${p}`);
    assert.equal((await anon.req(m, p, m === 'POST' ? {} : undefined)).status, 401, `${m} ${p}`);
  }
  for (const [m, p] of [['POST', '/api/schedules'], ['POST', `/api/schedules/${s.id}/import`],
    ['GET', `/api/schedules/${s.id}/blank-request.xlsx`]]) {
    assert.equal((await asesor.req(m, p, m === 'POST' ? {} : undefined)).status, 403, `${m} ${p}`);
  }
  // An assessor sees only the schedules they are assigned to.
  assert.equal((await asesor.get(`/api/schedules/${s.id}`)).status, 404);
  assert.ok(!(await asesor.get('/api/schedules')).json.schedules.some((x) => x.id === s.id));
});

test('a schedule is refused with the field that is wrong', async () => {
  const w = windowAround(-60, 60);
  const base = { exam_id: REVIEW_EXAM_ID, title: 'Batch', tuk_name: 'TUK', capacity: 10, ...w };
  const cases = [
    [{ time_zone: 'UTC' }, 400, 'time_zone'], [{ date: '2026-02-30' }, 400, 'date'],
    [{ opens: '25:00' }, 400, 'opens'], [{ closes: w.opens }, 400, 'closes'],
    [{ capacity: 0 }, 400, 'capacity'], [{ capacity: 5001 }, 400, 'capacity'],
    [{ session_code: 'a b' }, 400, 'session_code'], [{ title: '' }, 400, 'title'],
    [{ exam_id: 'NO-SUCH' }, 404, null], [{ assessors: [1] }, 400, null],
  ];
  for (const [change, status, field] of cases) {
    const r = await admin.post('/api/schedules', { ...base, ...change });
    assert.equal(r.status, status, `${JSON.stringify(change)}: ${r.text}`);
    if (field) assert.match(r.json.detail || r.json.message, new RegExp(`^${field}:`));
  }
});

test('bulk enrolment from XLSX: every bad row reported, nothing written until fixed', async () => {
  const s = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), {
    session_code: 'tuk42', assessors: [await assessorId(asesor)],
  });
  assert.equal(s.session_code, 'TUK42');
  const rows = candidateRows(30, 'xl');
  // Three bad rows (file rows 6, 12 and 20): an e-mail given twice, an invalid e-mail, and
  // a formula (=HYPERLINK) instead of a name.
  const bad = rows.map((r) => [...r]);
  bad[10][1] = bad[3][1];
  bad[17][1] = 'bukan-email';
  bad[4][0] = { formula: 'HYPERLINK("http://evil.example/","klik")', value: 'klik' };
  const file = xlsxWrite([['Nama', 'E-mail'], ...bad]);
  const dry = await importFile(admin, s.id, file);
  assert.equal(dry.status, 422, dry.text);
  assert.equal(dry.json.error, 'import_refused');
  assert.deepEqual(dry.json.problems.map((p) => [p.row, p.reason]),
    [[6, 'formula'], [12, 'email_repeated'], [19, 'email_invalid']]);
  assert.equal(dry.json.problems[1].other_row, 5);
  assert.match(dry.json.problems[2].message, /^baris 19: e-mail tidak valid$/);
  // A commit of the same file writes nothing either.
  const refused = await importFile(admin, s.id, file, { commit: true });
  assert.equal(refused.status, 422);
  assert.equal(await enrolledCount(s.id), 0);
  for (const r of bad.slice(0, 3)) {
    const l = await new Client(d.url).login(r[1], PASSWORD);
    assert.equal(l.status, 401, 'no account was created');
  }
  // Fixed: the dry run is clean, the commit writes all 30 with their links.
  const good = xlsxWrite([['nama', 'email', 'catatan'], ...rows.map((r) => [...r, 'abaikan'])]);
  const ok = await importFile(admin, s.id, good);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.rows, 30);
  assert.equal(ok.json.new_accounts, 30);
  assert.equal(ok.json.links.length, 0, 'a dry run makes no links');
  assert.equal(await enrolledCount(s.id), 0);
  const done = await importFile(admin, s.id, good, { commit: true });
  assert.equal(done.status, 201, done.text);
  assert.equal(done.json.committed, true);
  assert.equal(done.json.links.length, 30);
  assert.equal(done.json.mailed, false);
  assert.equal(done.json.mailing, false); // no --smtp-url: the page hands the links out
  assert.equal(done.json.mailed_links, 0);
  assert.equal(await enrolledCount(s.id), 30);
  // The same file again: every row is enrolled already; nothing changes.
  const again = await importFile(admin, s.id, good, { commit: true });
  assert.equal(again.status, 422);
  assert.equal(again.json.problems.length, 30);
  assert.ok(again.json.problems.every((p) => p.reason === 'enrolled_already'));
  // No password was typed: the account cannot log in before its link is used.
  const first = done.json.links[0];
  assert.equal((await new Client(d.url).login(first.email, PASSWORD)).status, 401);
  const c = await activate(first);
  const mine = await c.get('/api/me/schedules');
  assert.equal(mine.status, 200);
  assert.equal(mine.json.schedules[0].id, s.id);
  assert.ok(!('session_code' in mine.json.schedules[0]), 'the code is shown at the TUK only');
  assert.equal(mine.json.schedules[0].session_code_required, true);
  // The audit log has the import and each link (never a token).
  const audit = await admin.get('/api/admin/audit?action=schedule.import');
  assert.equal(audit.status, 200, audit.text);
  assert.ok(audit.text.includes('schedule.import'));
  assert.ok(!audit.text.includes(new URL(first.url).searchParams.get('t')));
});

test('the window and the session code decide a start, which records attendance', async () => {
  const asesorId = await assessorId(asesor);
  const now = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), {
    session_code: 'KODE7', assessors: [asesorId], title: 'Sekarang',
  });
  const later = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(120, 180), { title: 'Nanti' });
  const past = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-180, -120), { title: 'Lalu' });
  const rows = candidateRows(4, 'win');
  const links = {};
  for (const [sched, slice] of [[now, rows.slice(0, 2)], [later, [rows[2]]], [past, [rows[3]]]]) {
    const csv = `nama;email\r\n${slice.map((r) => r.join(';')).join('\r\n')}\r\n`;
    const r = await importFile(admin, sched.id, csv, { commit: true, type: 'text/csv' });
    assert.equal(r.status, 201, r.text);
    for (const l of r.json.links) links[l.email] = l;
  }
  const a = await activate(links[rows[0][1]]);
  const b = await activate(links[rows[1][1]]);
  const early = await activate(links[rows[2][1]]);
  const late = await activate(links[rows[3][1]]);
  const start = (c, body) => c.post(`/api/exams/${REVIEW_EXAM_ID}/attempts`, body);
  let r = await start(early, {});
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error, 'window_not_open');
  assert.match(r.json.detail, /opens at/);
  r = await start(late, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error, 'window_closed');
  r = await start(a, {});
  assert.equal(r.status, 403);
  assert.equal(r.json.error, 'session_code');
  r = await start(a, { session_code: 'SALAH' });
  assert.equal(r.status, 403);
  r = await start(a, { session_code: 7 });
  assert.equal(r.status, 400);
  r = await start(a, { session_code: 'kode7' });
  assert.equal(r.status, 201, r.text);
  // Nothing was attended by the refusals; the start counted.
  const batch = await asesor.get(`/api/schedules/${now.id}`);
  assert.equal(batch.status, 200, batch.text);
  const byEmail = Object.fromEntries(batch.json.candidates.map((c) => [c.email, c]));
  assert.equal(byEmail[rows[0][1]].present, true);
  assert.equal(byEmail[rows[0][1]].standing, 'open');
  assert.equal(byEmail[rows[1][1]].present, false);
  // The assessor marks the second present; a second mark and strangers are refused.
  const bId = byEmail[rows[1][1]].user_id;
  assert.equal((await asesor.post(`/api/schedules/${now.id}/attendance/${bId}`, {})).status, 200);
  assert.equal((await asesor.post(`/api/schedules/${now.id}/attendance/${bId}`, {})).json.error,
    'attendance_marked');
  assert.equal((await other.post(`/api/schedules/${now.id}/attendance/${bId}`, {})).status, 404);
  assert.equal((await asesor.post(`/api/schedules/${now.id}/attendance/999999`, {})).status, 404);
  // A candidate in no schedule starts as before.
  const free = await candidateClient(d, 'Tanpa Jadwal');
  assert.equal((await start(free, {})).status, 201);
  void b;
});

test('the BNSP documents state the stored decisions, and no cell can be a formula', async () => {
  const asesorId = await assessorId(asesor);
  const s = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), {
    assessors: [asesorId], title: '=HYPERLINK("http://evil.example/","Jadwal")',
    tuk_name: '+TUK Kreatif',
  });
  const rows = candidateRows(4, 'doc');
  rows[3][0] = 'Ayu Ketut';
  // A candidate who registered with a name that a spreadsheet would run as a formula, enrolled
  // by e-mail (an existing account): the documents must keep it as text.
  const evilName = '=HYPERLINK("http://evil.example/","klik")';
  const evil = await candidateClient(d, evilName);
  const r = await importFile(admin, s.id, xlsxWrite([['nama', 'email'], ...rows, ['Nama Lain', evil.email]]), { commit: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.existing_accounts, 1);
  const cands = [];
  for (const l of r.json.links) cands.push({ email: l.email, name: l.name, c: await activate(l) });
  // Three finish: K, BK, pending; the fourth never comes.
  const ids = [];
  for (const x of cands.slice(0, 3)) ids.push(await finishedAttempt(x.c));
  assert.equal((await decideAllK(asesor, ids[0])).status, 200);
  assert.equal((await asesor.post(`/api/reviews/${ids[1]}/claim`, {})).status, 200);
  const bk = await asesor.post(`/api/reviews/${ids[1]}/decision`, {
    items: LOW_MARKS, feedback: 'Perlu contoh.',
    units: { 'U.ESS.002': { outcome: 'BK', reason: 'Belum ada contoh.' } }, overall: 'BK',
  });
  assert.equal(bk.status, 200, bk.text);
  const want = { [cands[0].email]: 'K', [cands[1].email]: 'BK', [cands[2].email]: 'belum diputuskan',
    [cands[3].email]: 'tidak hadir' };

  const x = await admin.get(`/api/schedules/${s.id}/blank-request.xlsx`);
  assert.equal(x.status, 200, x.text);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const sheets = xlsxRead(x.body);
  const sheet = sheets['Permohonan Blanko'];
  assert.ok(sheet, Object.keys(sheets).join());
  for (const row of Object.values(sheets).flat()) {
    for (const cell of row) {
      assert.equal(cell.f, null, `no formula: ${JSON.stringify(cell)}`);
      if (cell.t !== 'n' && cell.t !== 'blank') assert.equal(cell.t, 's', JSON.stringify(cell));
    }
  }
  const facts = Object.fromEntries(sheet.slice(1, 10).map((row) => [row[0].v, row[1].v]));
  assert.equal(facts.Jadwal, '=HYPERLINK("http://evil.example/","Jadwal")', 'kept as text');
  assert.equal(facts.TUK, '+TUK Kreatif');
  const head = sheet.findIndex((row) => row[0]?.v === 'No');
  assert.deepEqual(sheet[head].map((c) => c.v), ['No', 'Nama Asesi', 'E-mail', 'Rekomendasi',
    'U.OBJ.001', 'U.ESS.002']);
  const body = sheet.slice(head + 1);
  assert.equal(body.length, 5);
  const evilRow = body.find((row) => row[2].v === evil.email);
  assert.equal(evilRow[1].v, evilName, 'the name stays text');
  assert.equal(evilRow[1].t, 's');
  want[evil.email] = 'tidak hadir';
  for (const row of body) {
    const email = row[2].v;
    assert.equal(row[3].v, want[email], email);
    const units = row.slice(4).map((c) => c.v);
    if (want[email] === 'K') assert.deepEqual(units, ['K', 'K']);
    if (want[email] === 'BK') assert.deepEqual(units, ['K', 'BK']);
  }

  const pdf = await admin.get(`/api/schedules/${s.id}/berita-acara.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ujikom-ba-'));
  try {
    writeFileSync(path.join(dir, 'ba.pdf'), pdf.body);
    const t = spawnSync('pdftotext', ['-layout', path.join(dir, 'ba.pdf'), '-'], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const text = t.stdout.replace(/\s+/g, ' ');
    assert.match(text, /BERITA ACARA UJI KOMPETENSI/);
    assert.match(text, /Asesi terdaftar: 5; hadir: 3; Kompeten \(K\): 1; Belum Kompeten \(BK\): 1; belum diputuskan: 1; tidak hadir: 2\./);
    assert.ok(text.includes(evilName), 'the PDF prints the name as it is');
    assert.match(text, /Asesor Batch/);
    for (const cnd of cands) {
      const re = new RegExp(`${cnd.name} +hadir|${cnd.name} +tidak hadir`);
      assert.match(text, re, cnd.name);
    }
    const lines = t.stdout.split('\n');
    const line = (name) => lines.find((l) => l.includes(name)) || '';
    assert.match(line(cands[0].name), /hadir\s+K\s*$/);
    assert.match(line(cands[1].name), /hadir\s+BK\s*$/);
    assert.match(line(cands[3].name), /tidak hadir\s+tidak hadir\s*$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const csv = await admin.get(`/api/schedules/${s.id}/results.csv`);
  assert.equal(csv.status, 200);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'No,Nama,E-mail,Kehadiran,Rekomendasi,U.OBJ.001,U.ESS.002,Percobaan,Diputuskan (UTC)');
  const evilLine = lines.find((l) => l.includes(evil.email));
  assert.ok(evilLine.startsWith(`1,"'=HYPERLINK(""http://evil.example/"",""klik"")",`), evilLine);
  for (const l of lines.slice(1).filter((x) => x !== evilLine)) {
    const email = l.split(',')[2];
    assert.equal(l.split(',')[4], want[email], l);
  }
});

test('hostile files: clear messages, and nothing is written', async () => {
  const s = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), { capacity: 5000 });
  const expectRefused = async (body, status, error, pattern, type = XLSX) => {
    const r = await importFile(admin, s.id, body, { commit: true, type });
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error, error, r.text);
    if (pattern) assert.match(r.json.detail || '', pattern);
    assert.equal(await enrolledCount(s.id), 0);
  };
  // 50,000 rows, as CSV and as XLSX: past the importer's limit of 5,000 rows.
  const big = ['nama,email', ...candidateRows(50000, 'big').map((r) => r.join(','))].join('\n');
  await expectRefused(big, 413, 'import_too_large', /more than 5000 rows/, 'text/csv');
  await expectRefused(xlsxWrite([['nama', 'email'], ...candidateRows(50000, 'bigx')]), 413,
    'import_too_large', /more than 5000 rows/);
  // Not a workbook, a truncated one, a document type, a zip bomb.
  const good = xlsxWrite([['nama', 'email'], ...candidateRows(3, 'ok')]);
  await expectRefused(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]), 400,
    'import_unreadable', /not an XLSX workbook/);
  await expectRefused(good.subarray(0, good.length - 40), 400, 'import_unreadable', null);
  await expectRefused(xlsxWrite([['nama', 'email']], { doctype: true }), 400, 'import_unreadable',
    /document type/);
  await expectRefused(xlsxWrite([], { sheet_xml: '<worksheet><sheetData><row r="1"><c r="A1" t="s">' }),
    400, 'import_unreadable', /sheet1\.xml line 1: /);
  await expectRefused(xlsxWrite([['nama', 'email']], {
    sheet_xml: '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>',
  }), 400, 'import_unreadable', /shared string that is not there/);
  await expectRefused(xlsxWrite([['nama', 'email'], ['A', 'a@example.org']], { bomb_bytes: 40 * 1024 * 1024 }),
    413, 'import_too_large', /inflates to/);
  // Malformed CSV, no header, a header only.
  await expectRefused('nama,email\n"Siti,siti@example.org\n', 400, 'import_unreadable', /not closed/, 'text/csv');
  await expectRefused('a,b\nSiti,siti@example.org\n', 400, 'import_unreadable', /nama/, 'text/csv');
  await expectRefused('nama,email\n', 400, 'import_unreadable', /no candidates/, 'text/csv');
  await expectRefused(Buffer.from([0x6e, 0x61, 0xff, 0xfe]), 400, 'import_unreadable', /UTF-8/, 'text/csv');
  // A staff member's e-mail, a formula-like text, and an e-mail repeated in another case.
  const staff = asesor.email;
  const csv = `nama,email\r\nSiti,${staff}\r\n@SUM(A1),sum@example.org\r\nDewi,dewi@example.org\r\nDewi Dua, DEWI@example.org \r\n`;
  const r = await importFile(admin, s.id, csv, { type: 'text/csv' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.problems.map((p) => [p.row, p.reason]),
    [[2, 'email_taken'], [3, 'formula'], [5, 'email_repeated']]);
  assert.equal(await enrolledCount(s.id), 0);
  // Over capacity.
  const small = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), { capacity: 2 });
  const over = await importFile(admin, small.id, xlsxWrite([['nama', 'email'], ...candidateRows(3, 'cap')]), { commit: true });
  assert.equal(over.status, 409, over.text);
  assert.match(over.json.detail, /room for 2 more/);
  // The import templates are readable by the importer itself.
  const tx = await admin.get('/api/enrolment-template.xlsx');
  assert.equal(tx.status, 200);
  assert.deepEqual(xlsxRead(tx.body).Peserta[0].map((c) => c.v), ['nama', 'email']);
  const tc = await admin.get('/api/enrolment-template.csv');
  assert.match(tc.text, /^nama,email\r\n/);
  const dry = await importFile(admin, s.id, tx.body);
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.json.rows, 1);
});

// A batch larger than the mail queue once was (64): every new account is mailed its link.
test('with --smtp-url the activation links are mailed to the new accounts, however many', async (t) => {
  const sink = await smtpSink();
  const dm = await startDaemon({ examsDir, args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test'] });
  t.after(async () => { await stopClean(dm); dm.cleanup(); await sink.close(); });
  const a = await adminClient(dm);
  const n = 150;
  const s = await createSchedule(a, REVIEW_EXAM_ID, windowAround(-60, 60), { title: 'Batch Surel', capacity: n });
  const rows = candidateRows(n, 'mail');
  const r = await a.req('POST', `/api/schedules/${s.id}/import?commit=1`, xlsxWrite([['nama', 'email'], ...rows]),
    { headers: { 'Content-Type': XLSX }, raw: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.links.length, n);
  assert.equal(r.json.mailing, true);
  assert.equal(r.json.mailed, true);
  assert.equal(r.json.mailed_links, n);
  for (const l of r.json.links) {
    const mail = await mailFor(sink.mails, l.email);
    assert.ok(mail, `a mail to ${l.email}`);
    assert.match(mail.text, /Subject: Aktivasi akun ujikom/);
    assert.match(mail.text, /Batch Surel/);
    assert.ok(mail.text.includes(l.url), 'the mail holds the account\'s own link');
  }
});

// Stopped right after an import, with a slow mail relay: the daemon sends the links it had
// queued before it exits (within --shutdown-grace), instead of dropping them.
test('a clean stop sends the activation links still queued', async (t) => {
  const sink = await smtpSink({ delayMs: 20 });
  t.after(() => sink.close());
  const dm = await startDaemon({ examsDir, logLevel: 'info', args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test'] });
  let stopped = false;
  t.after(async () => { if (!stopped) await stopClean(dm); dm.cleanup(); });
  const a = await adminClient(dm);
  const n = 60;
  const s = await createSchedule(a, REVIEW_EXAM_ID, windowAround(-60, 60), { title: 'Batch Henti', capacity: n });
  const r = await a.req('POST', `/api/schedules/${s.id}/import?commit=1`,
    xlsxWrite([['nama', 'email'], ...candidateRows(n, 'stop')]), { headers: { 'Content-Type': XLSX }, raw: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.mailed_links, n);
  assert.ok(sink.mails.length < n, `the relay is slow: ${sink.mails.length} of ${n} taken before the stop`);
  await stopClean(dm);
  stopped = true;
  const to = new Set(sink.mails.flatMap((m) => m.to));
  for (const l of r.json.links) assert.ok(to.has(l.email), `a mail to ${l.email}`);
  assert.match(dm.output(), /mail: sending the \d+ queued mail\(s\) before stopping/);
  assert.doesNotMatch(dm.output(), /dropped at shutdown/);
});

// More schedules than a page holds (200): the list is paged by a cursor, newest window
// first, and every schedule is on one page exactly; the admin page links to the older ones.
test('the schedule list is paged: every schedule can be reached', async (t) => {
  const dm = await startDaemon({ examsDir });
  t.after(async () => { await stopClean(dm); dm.cleanup(); });
  const a = await adminClient(dm);
  const ids = [];
  for (let i = 0; i < 203; i++) {
    ids.push((await createSchedule(a, REVIEW_EXAM_ID, windowAround(-60, 60), { title: `Batch ${i + 1}` })).id);
    if (ids.length === 200) { // exactly one full page: no next one
      const only = await a.get('/api/schedules');
      assert.equal(only.json.schedules.length, 200);
      assert.equal(only.json.next_before, null);
    }
  }
  const first = await a.get('/api/schedules');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.schedules.length, 200);
  assert.equal(first.json.next_before, first.json.schedules[199].id);
  const second = await a.get(`/api/schedules?before=${first.json.next_before}`);
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.schedules.length, 3);
  assert.equal(second.json.next_before, null);
  // One window for all: the newest schedule first, each on one page only.
  const seen = [...first.json.schedules, ...second.json.schedules].map((s) => s.id);
  assert.deepEqual(seen, [...ids].reverse());
  assert.equal((await a.get('/api/schedules?before=x1')).status, 400);
  const page = await a.get('/admin/schedules');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`href="/admin/schedules?before=${first.json.next_before}"`), 'a link to the older schedules');
  const older = await a.get(`/admin/schedules?before=${first.json.next_before}`);
  assert.equal(older.status, 200);
  for (const id of ids.slice(0, 3)) assert.ok(older.text.includes(`href="/admin/schedules/${id}"`), `schedule ${id} listed`);
  assert.ok(!older.text.includes('rel="next"'), 'the last page links to no next one');
  assert.ok(!older.text.includes(`href="/admin/schedules/${ids[3]}"`), 'a newer schedule is not on the older page');
});
