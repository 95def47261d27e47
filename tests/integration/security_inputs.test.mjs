// Inputs from outside, second round: one validator per field wherever the field enters
// (names: registration, staff accounts over HTTP and the CLI, certificate holders;
// passwords: registration, password change, staff accounts, the CLI), answers judged by the
// time their body completed, a database file others can read, and review sheets of attempts
// still in progress.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
  startDaemon, stopClean, cli, tmpDir, Client, candidateClient, adminClient, uniqueEmail, PASSWORD,
  EXAMS_DIR, UJIKOMD, dbExec, BACKEND } from './lib/daemon.mjs';
import { REVIEW_EXAM, REVIEW_EXAM_ID } from './lib/reviews.mjs';

const EXAM_ID = 'DKV-UJI-INPUTS';
// The review exam's objective unit alone (two single-choice items): all answers 'a' is K,
// decided without an assessor, so the certificate is issued at submit.
const EXAM = REVIEW_EXAM.slice(0, REVIEW_EXAM.indexOf('  - code: U.ESS.002')).replaceAll(REVIEW_EXAM_ID, EXAM_ID);

// The weak passwords of the report, each of which passed before.
const WEAK = ['          x', 'aaaaaaaaab', '12345678901', 'abcdabcdab', 'passwordxy', 'P a s s w o r d 1',
  '\uFF30\uFF21\uFF33\uFF33\uFF37\uFF2F\uFF32\uFF24\uFF11\uFF12\uFF13'];
// Names every entry point must refuse: C1 control (the one that broke certificates),
// bidirectional override, zero-width space, a C0 control, only spaces.
const BAD_NAMES = ['Rina\u0085Wulandari', 'Rina \u202Ekawan', 'Rina\u200BWulandari', 'Rina\tW', '   '];

let d;
let examsDir;

before(async () => {
  examsDir = tmpDir('ujikom-inputs-exams-');
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(examsDir, 'subsectors.yaml'));
  writeFileSync(path.join(examsDir, 'dkv-uji-inputs.exam.yaml'), EXAM);
  d = await startDaemon({ examsDir });
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
});

function sql(query, dataDir = d.dataDir) {
  const r = dbExec(dataDir, query);
  assert.equal(r.status, 0, `sqlite3 failed: ${r.stderr}`);
  return r.stdout.trim();
}

// ---------------------------------------------------------------------------------------
// 6. one name validator

test('registration refuses names with controls, bidi or invisible characters, saying which', async () => {
  const c = new Client(d.url);
  for (const name of BAD_NAMES) {
    const email = uniqueEmail('name');
    const r = await c.register(name, email, PASSWORD);
    assert.equal(r.status, 400, `${JSON.stringify(name)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'invalid_field');
    assert.match(r.json.message, /^name: /, r.json.message);
    assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '0', 'nothing stored');
  }
  const r = await c.register('Rina\u0085Wulandari', uniqueEmail('name'), PASSWORD);
  assert.match(r.json.message, /U\+0085/, 'the message names the character');
});

test('a registered name is stored normalised (NFC, spaces folded)', async () => {
  const email = uniqueEmail('nfc');
  const r = await new Client(d.url).register('  Rene\u0301   Wulandari ', email, PASSWORD);
  assert.equal(r.status, 201, r.text);
  const l = await new Client(d.url).login(email, PASSWORD);
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.user.name, 'Ren\u00e9 Wulandari');
});

test('staff accounts (HTTP and CLI) use the same name and password validators', async () => {
  const admin = await adminClient(d);
  for (const name of BAD_NAMES) {
    const r = await admin.post('/api/admin/users', { email: uniqueEmail('staff'), name, role: 'assessor', password: PASSWORD });
    assert.equal(r.status, 400, `${JSON.stringify(name)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'invalid_field');
    assert.match(r.json.message, /^name: /);
    const email = uniqueEmail('cli');
    const c = cli(['admin', 'create', '--email', email, '--name', name, '--role', 'assessor'], { input: `${PASSWORD}\n`, dataDir: d.dataDir });
    assert.equal(c.status, 2, `${JSON.stringify(name)}: ${c.stderr}`);
    assert.match(c.stderr, /--name/);
    assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '0');
  }
  // The registration's e-mail rule holds for staff too.
  for (const email of ['a@b', 'x@@contoh.id', 'sp ace@contoh.id', 'a@.contoh.id']) {
    const r = await admin.post('/api/admin/users', { email, name: 'Asesor', role: 'assessor', password: PASSWORD });
    assert.equal(r.status, 400, `${email}: ${r.text}`);
    const reg = await new Client(d.url).register('Asesor', email, PASSWORD);
    assert.equal(reg.status, 400, `${email}: ${reg.text}`);
  }
  for (const pw of WEAK) {
    const r = await admin.post('/api/admin/users', { email: uniqueEmail('staff'), name: 'Asesor Lemah', role: 'assessor', password: pw });
    assert.equal(r.status, 400, `${JSON.stringify(pw)}: ${r.text}`);
    assert.equal(r.json.error, 'weak_password');
    assert.match(r.json.message, /password/);
    const c = cli(['admin', 'create', '--email', uniqueEmail('cli'), '--name', 'Asesor Lemah', '--role', 'assessor'], { input: `${pw}\n`, dataDir: d.dataDir });
    assert.notEqual(c.status, 0, `${JSON.stringify(pw)} accepted by the CLI`);
    assert.match(c.stderr, /password refused: password/);
  }
  const ok = await admin.post('/api/admin/users', { email: uniqueEmail('staff'), name: 'Asesor  Baik', role: 'assessor', password: PASSWORD });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.user.name, 'Asesor Baik', 'stored normalised');
});

// Takes the exam with the right answers (K, certificate issued automatically).
async function passExam(c) {
  const s = await c.post(`/api/exams/${EXAM_ID}/attempts`);
  assert.equal(s.status, 201, s.text);
  for (const item of ['OBJ-1', 'OBJ-2']) {
    const r = await c.put(`/api/attempts/${s.json.id}/answers/${item}`, { value: 'a' });
    assert.equal(r.status, 200, r.text);
  }
  const sub = await c.post(`/api/attempts/${s.json.id}/submit`);
  assert.equal(sub.status, 200, sub.text);
  return s.json.id;
}

test('a stored name the validator refuses gives a clear 409 at issue, never a 500', async () => {
  const c = await candidateClient(d, 'Nama Lama');
  // An account stored before names had one validator.
  sql({
    sqlite: `UPDATE users SET name = 'Nama' || char(133) || 'Lama' WHERE email = '${c.email}'`,
    postgresql: `UPDATE users SET name = 'Nama' || chr(133) || 'Lama' WHERE email = '${c.email}'`,
  });
  const id = await passExam(c);
  assert.equal(sql(`SELECT verdict FROM attempts WHERE id = ${id}`), 'K');
  const r = await c.post(`/api/attempts/${id}/certificate`);
  assert.equal(r.status, 409, r.text);
  assert.match(r.json.message, /name/);
  assert.match(r.json.message, /U\+0085/);
  // A valid name gets its certificate.
  const good = await candidateClient(d, 'Nama Baru');
  const gid = await passExam(good);
  const g = await good.post(`/api/attempts/${gid}/certificate`);
  assert.ok(g.status === 200 || g.status === 201, g.text);
});

// ---------------------------------------------------------------------------------------
// 7. the password policy at every entry point

test('the weak passwords of the report are refused at registration, with why', async () => {
  const c = new Client(d.url);
  for (const pw of WEAK) {
    const email = uniqueEmail('weak');
    const r = await c.register('Siti Rahayu', email, pw);
    assert.equal(r.status, 400, `${JSON.stringify(pw)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'weak_password');
    assert.match(r.json.message, /^password (too short|is too common|is too easy to guess|contains)/, r.json.message);
    assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '0');
  }
  // What the suite registers with is fine.
  for (const pw of [PASSWORD, 'Songket-Palembang-88']) {
    const r = await c.register('Siti Rahayu', uniqueEmail('good'), pw);
    assert.equal(r.status, 201, `${pw}: ${r.text}`);
  }
});

test('the weak passwords of the report are refused as a new password', async () => {
  const c = await candidateClient(d, 'Dewi Lestari');
  for (const pw of WEAK) {
    const r = await c.post('/api/auth/password', { current_password: PASSWORD, new_password: pw });
    assert.equal(r.status, 400, `${JSON.stringify(pw)}: ${r.text}`);
    assert.equal(r.json.error, 'weak_password');
    assert.match(r.json.message, /^password /);
  }
  assert.equal((await new Client(d.url).login(c.email, PASSWORD)).status, 200, 'old password still works');
});

// ---------------------------------------------------------------------------------------
// 2. answers are judged by the time their body completed

// Sends the head of a request now, waits until `bodyAt` (ms since the epoch), then sends the
// body (an object as JSON, a string as a form); resolves to { status, body }.
function lateBody(c, method, p, body, bodyAt) {
  const form = typeof body === 'string';
  const payload = Buffer.from(form ? body : JSON.stringify(body));
  const head = `${method} ${p} HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nCookie: ${c.cookieHeader()}\r\n` +
    `X-CSRF-Token: ${c.csrf}\r\nContent-Type: ${form ? 'application/x-www-form-urlencoded' : 'application/json'}\r\n` +
    `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const s = net.connect(d.port, '127.0.0.1');
    let got = '';
    s.on('data', (b) => { got += b.toString('utf8'); });
    s.on('error', reject);
    s.on('end', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      const i = got.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : 0, body: i >= 0 ? got.slice(i + 4) : '' });
    });
    s.on('connect', () => {
      s.write(head);
      setTimeout(() => s.write(payload), Math.max(0, bodyAt - Date.now()));
    });
  });
}

// An attempt whose deadline + grace (30 s by default) is `inMs` from now.
async function attemptEndingIn(c, inMs) {
  const s = await c.post(`/api/exams/${EXAM_ID}/attempts`);
  assert.equal(s.status, 201, s.text);
  const end = Date.now() + inMs - 30_000;
  sql(`UPDATE attempts SET started_at = ${end - 60_000}, deadline_at = ${end} WHERE id = ${s.json.id}`);
  return { id: s.json.id, deadline: end };
}

test('a save whose body completes after deadline + grace is refused and not stored', async () => {
  const c = await candidateClient(d, 'Putu Lambat');
  const { id } = await attemptEndingIn(c, 1500);
  const r = await lateBody(c, 'PUT', `/api/attempts/${id}/answers/OBJ-1`, { value: 'a' }, Date.now() + 3000);
  assert.equal(r.status, 409, r.body);
  assert.match(r.body, /attempt_deadline/);
  assert.equal(sql(`SELECT count(*) FROM attempt_answers WHERE attempt_id = ${id}`), '0', 'the late answer is not stored');
  // In time, the same save is stored.
  const c2 = await candidateClient(d, 'Putu Cepat');
  const a2 = await attemptEndingIn(c2, 20_000);
  const ok = await lateBody(c2, 'PUT', `/api/attempts/${a2.id}/answers/OBJ-1`, { value: 'a' }, Date.now() + 200);
  assert.equal(ok.status, 200, ok.body);
  assert.equal(sql(`SELECT count(*) FROM attempt_answers WHERE attempt_id = ${a2.id}`), '1');
});

test('a submit whose body completes after deadline + grace closes the attempt at its deadline', async () => {
  const c = await candidateClient(d, 'Made Lambat');
  const { id, deadline } = await attemptEndingIn(c, 1500);
  const r = await lateBody(c, 'POST', `/api/attempts/${id}/submit`, {}, Date.now() + 3000);
  assert.equal(r.status, 200, r.body);
  assert.equal(JSON.parse(r.body).status, 'closed', r.body);
  assert.equal(Number(sql(`SELECT finished_at FROM attempts WHERE id = ${id}`)), deadline, 'ends AT the deadline');
});

test('the exam page\'s save and submit are judged by their body too', async () => {
  const c = await candidateClient(d, 'Kadek Lambat');
  const { id } = await attemptEndingIn(c, 1500);
  const r = await lateBody(c, 'POST', `/attempts/${id}/save`, 'q1=a&q2=a', Date.now() + 3000);
  assert.equal(r.status, 409);
  assert.equal(sql(`SELECT count(*) FROM attempt_answers WHERE attempt_id = ${id}`), '0');

  const c2 = await candidateClient(d, 'Kadek Telat');
  const a2 = await attemptEndingIn(c2, 1500);
  const sub = await lateBody(c2, 'POST', `/attempts/${a2.id}/submit`, 'confirm=yes', Date.now() + 3000);
  assert.equal(sub.status, 303);
  assert.equal(sql(`SELECT status FROM attempts WHERE id = ${a2.id}`), 'closed');
  assert.equal(Number(sql(`SELECT finished_at FROM attempts WHERE id = ${a2.id}`)), a2.deadline, 'ends AT the deadline');
});

// ---------------------------------------------------------------------------------------
// 10. a database others can read; review sheets of open attempts

test('a database file readable by others is refused with a clear message (daemon and CLI)', {
  skip: BACKEND === 'postgresql' && 'the SQLite file\'s mode',
}, async () => {
  const dataDir = tmpDir();
  // A fresh start by the CLI creates a private database the daemon then accepts.
  const made = cli(['admin', 'create', '--email', uniqueEmail('fresh'), '--name', 'Admin Baru', '--role', 'admin'],
    { input: `${PASSWORD}\n`, dataDir, env: { UJIKOM_KDF_LOG2N: '12' } });
  assert.equal(made.status, 0, made.stderr);
  assert.equal(statSync(path.join(dataDir, 'ujikom.db')).mode & 0o777, 0o600, 'created private');
  const d2 = await startDaemon({ dataDir });
  await stopClean(d2);

  chmodSync(path.join(dataDir, 'ujikom.db'), 0o644);
  const r = spawnSync(UJIKOMD, ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--exams-dir', EXAMS_DIR], { encoding: 'utf8', timeout: 30_000 });
  assert.notEqual(r.status, 0, 'the daemon refuses to start');
  assert.match(r.stderr, /ujikom\.db/);
  assert.match(r.stderr, /group or others \(mode 644\)/);
  assert.match(r.stderr, /chmod 600/);
  const c = cli(['admin', 'create', '--email', uniqueEmail('x'), '--name', 'Admin Dua', '--role', 'admin'], { input: `${PASSWORD}\n`, dataDir });
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /group or others/);
  chmodSync(path.join(dataDir, 'ujikom.db'), 0o600);
  const d3 = await startDaemon({ dataDir });
  await stopClean(d3);
});

test('an assessor cannot read an attempt that is still open', async () => {
  const cand = await candidateClient(d, 'Gede Masih');
  const s = await cand.post(`/api/exams/${EXAM_ID}/attempts`);
  assert.equal(s.status, 201, s.text);
  const saved = await cand.put(`/api/attempts/${s.json.id}/answers/OBJ-1`, { value: 'a' });
  assert.equal(saved.status, 200);
  const admin = await adminClient(d);
  const email = uniqueEmail('asesor');
  const mk = await admin.post('/api/admin/users', { email, name: 'Asesor Uji', role: 'assessor', password: PASSWORD });
  assert.equal(mk.status, 201, mk.text);
  const assessor = new Client(d.url);
  assert.equal((await assessor.login(email, PASSWORD)).status, 200);
  for (const who of [assessor, admin]) {
    const r = await who.get(`/api/reviews/${s.json.id}`);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error, 'not_awaiting_review');
    assert.match(r.json.message, /in progress/);
    assert.doesNotMatch(r.text, /"key"|"answer"/);
    const page = await who.get(`/review/${s.json.id}`);
    assert.equal(page.status, 409, `page: ${page.status}`);
    assert.doesNotMatch(page.text, /Merah, hijau, biru/, 'no item or key on the page');
  }
  // Once submitted, the sheet opens.
  assert.equal((await cand.post(`/api/attempts/${s.json.id}/submit`)).status, 200);
  assert.equal((await assessor.get(`/api/reviews/${s.json.id}`)).status, 200);
});
