// Check-in by one-time code at the TUK (docs/security.md, "Check-in codes") end to end over
// the API: who makes codes (an admin, the assigned assessor; not another assessor, not a
// candidate), a code typed in lower case with spaces starts a session scoped to the
// schedule's exam — the exam starts (the code stands for the session code), saves and is
// submitted; the same code again, an unknown code and a code before its window are refused as
// the issue says; the scoped session reaches nothing else (every route of the table that does
// not opt in, the password change, another exam, another attempt, staff routes,
// certificates); the audit log has both entries; refused codes are rate-limited per address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

import {
  startDaemon, stopClean, adminClient, candidateClient, Client, UJIKOMD, cli, tmpDir,
} from './lib/daemon.mjs';
import { assessorClient } from './lib/reliability.mjs';
import { REVIEW_EXAM, REVIEW_EXAM_ID, makeExamsDir, finishedAttempt } from './lib/reviews.mjs';
import { windowAround, createSchedule } from './lib/schedules.mjs';

const OTHER_EXAM_ID = 'DKV-UJI-LAIN';
// Refused codes a client address may send before its back-off (kept low for the last test).
const IP_MAX_FAILURES = 8;

let d;
let examsDir;
let admin;
let asesor;
let other;
let cands;
let sched;
let later;
let earlier; // another open schedule of the exam, opened first, without a session code

async function userId(c) {
  return (await c.get('/api/auth/me')).json.user.id;
}

async function enrol(id, clients) {
  const csv = `nama,email\n${clients.map((c, i) => `Asesi ${i + 1},${c.email}`).join('\n')}\n`;
  const r = await admin.req('POST', `/api/schedules/${id}/import?commit=1`, csv, {
    headers: { 'Content-Type': 'text/csv' }, raw: true,
  });
  assert.equal(r.status, 201, r.text);
}

// A fresh browser-less client checked in with code; the CSRF token kept as after a log-in.
async function checkIn(code) {
  const c = new Client(d.url);
  const r = await c.post('/api/checkin', { code });
  if (r.status === 200) c.csrf = r.json.csrf;
  return { c, r };
}

before(async () => {
  examsDir = makeExamsDir({
    'dkv-uji-lain.exam.yaml': REVIEW_EXAM.replace(`id: ${REVIEW_EXAM_ID}`, `id: ${OTHER_EXAM_ID}`),
  });
  d = await startDaemon({
    examsDir, args: ['--login-ip-max-failures', String(IP_MAX_FAILURES)],
  });
  admin = await adminClient(d);
  asesor = await assessorClient(d, 'Asesor Batch');
  other = await assessorClient(d, 'Asesor Lain');
  cands = [];
  for (const name of ['Siti Rahmawati', 'I Made Putra', 'Dewi Lestari']) {
    cands.push(await candidateClient(d, name));
  }
  sched = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-60, 60), {
    session_code: 'KODE77', assessors: [await userId(asesor)],
  });
  later = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(120, 180));
  earlier = await createSchedule(admin, REVIEW_EXAM_ID, windowAround(-90, 60));
  await enrol(sched.id, cands.slice(0, 2));
  await enrol(later.id, cands.slice(2));
  await enrol(earlier.id, cands.slice(0, 1));
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

let codes; // user id -> code of the schedule open now

test('an admin or the assigned assessor makes codes; another assessor and a candidate cannot', async () => {
  const path = `/api/schedules/${sched.id}/checkin-codes`;
  assert.equal((await cands[0].post(path, {})).status, 403);
  const o = await other.post(path, {});
  assert.equal(o.status, 404, o.text);
  assert.equal(o.json.error, 'schedule_not_found');
  assert.equal((await new Client(d.url).post(path, {})).status, 401);

  const r = await asesor.post(path, {});
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.json.count, 2);
  codes = new Map(r.json.codes.map((c) => [c.user_id, c.code]));
  for (const c of r.json.codes) assert.match(c.code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.equal(new Set(codes.values()).size, 2);

  // Everyone has an unused code: nothing new; one candidate's new code replaces theirs.
  const again = await admin.post(path, {});
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.count, 0);
  const id1 = cands[1].user.id;
  const one = await admin.post(path, { user_id: id1 });
  assert.equal(one.status, 201, one.text);
  assert.equal(one.json.count, 1);
  const old = codes.get(id1);
  codes.set(id1, one.json.codes[0].code);
  const stale = await checkIn(old);
  assert.equal(stale.r.status, 401, stale.r.text);
  assert.equal(stale.r.json.error, 'checkin_refused');
  const outsider = await admin.post(path, { user_id: cands[2].user.id });
  assert.equal(outsider.status, 404, outsider.text);
  assert.equal(outsider.json.error, 'not_enrolled');
  // The list afterwards never shows a code.
  const page = await admin.get(`/admin/schedules/${sched.id}/attendance`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  for (const code of codes.values()) assert.ok(!page.text.includes(code), 'no code on the list afterwards');
  assert.match(page.text, /belum dipakai/);
});

let scoped; // the checked-in client of cands[0]
let attemptId;

test('a code typed in lower case with spaces starts the exam, which saves and is submitted', async () => {
  const code = codes.get(cands[0].user.id);
  const typed = ` ${code.toLowerCase().replace(/-/g, ' ')} `;
  const { c, r } = await checkIn(typed);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.id, cands[0].user.id);
  assert.equal(r.json.exam_id, REVIEW_EXAM_ID);
  assert.equal(r.json.schedule_id, sched.id);
  assert.equal(r.json.start, `/exams/${REVIEW_EXAM_ID}/start`);
  assert.ok(c.cookies.get('ujikom_session'), 'the session cookie is set');
  assert.ok(Date.parse(r.json.session_ends_at) >= Date.parse(sched.closes_at) + 30 * 60e3 - 1000,
    `the session outlives the window by the exam's duration (${r.json.session_ends_at})`);
  scoped = c;

  const pre = await c.get(`/exams/${REVIEW_EXAM_ID}/start`, { headers: { Accept: 'text/html' } });
  assert.equal(pre.status, 200, pre.text.slice(0, 500));
  assert.ok(!/name="session_code"/.test(pre.text), 'the check-in stands for the session code');
  // The whole exam through the scoped session, without the session code.
  attemptId = await finishedAttempt(c);
  const res = await c.get(`/api/attempts/${attemptId}/result`);
  assert.notEqual(res.status, 403, res.text);
  const page = await c.get(`/attempts/${attemptId}`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);

  // Attendance was recorded by the check-in, and the start in the code's schedule, not in
  // the other open one the candidate is enrolled in (which would have let them in first).
  const batch = await admin.get(`/api/schedules/${sched.id}`);
  const me = batch.json.candidates.find((x) => x.user_id === cands[0].user.id);
  assert.equal(me.present, true, JSON.stringify(me));
  assert.equal(me.attempt_id, attemptId, JSON.stringify(me));
  const other = (await admin.get(`/api/schedules/${earlier.id}`)).json.candidates[0];
  assert.equal(other.attempt_id, 0, JSON.stringify(other));
  assert.equal(other.present, false);

  // The same code again: the generic refusal, as for an unknown one.
  const again = await checkIn(code);
  assert.equal(again.r.status, 401, again.r.text);
  assert.equal(again.r.json.error, 'checkin_refused');
  const unknown = await checkIn('0000-0000-0000');
  assert.equal(unknown.r.status, 401);
  assert.deepEqual(unknown.r.json, again.r.json, 'used and unknown codes get one answer');
  const malformed = await checkIn('kode salah!');
  assert.equal(malformed.r.status, 401);
  assert.equal((await new Client(d.url).post('/api/checkin', {})).status, 400);
});

test('a code before its window is refused with the window, and nothing is used', async () => {
  const r = await admin.post(`/api/schedules/${later.id}/checkin-codes`, {});
  assert.equal(r.status, 201, r.text);
  const code = r.json.codes[0].code;
  const early = await checkIn(code);
  assert.equal(early.r.status, 403, early.r.text);
  assert.equal(early.r.json.error, 'checkin_window');
  assert.equal(early.r.json.reason, 'not_yet');
  assert.ok(early.r.json.detail.includes(later.opens_at.slice(0, 16)), early.r.json.detail);
  assert.ok(early.r.json.detail.includes(later.closes_at.slice(0, 16)), early.r.json.detail);
  assert.ok(!early.c.cookies.get('ujikom_session'));
  // The page says the window too, in the TUK's zone.
  const page = await new Client(d.url).req('POST', '/masuk', `code=${encodeURIComponent(code)}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' }, raw: true,
  });
  assert.equal(page.status, 403);
  assert.ok(page.text.includes(later.opens_local), page.text.slice(0, 2000));
  // The code is still unused.
  const list = await admin.get(`/admin/schedules/${later.id}/attendance`, { headers: { Accept: 'text/html' } });
  assert.match(list.text, /belum dipakai/);
});

test('the CLI makes a code on the server, into a new file only its owner reads', async () => {
  const dir = tmpDir('ujikom-codes-');
  try {
    const file = path.join(dir, 'codes.tsv');
    const user = cands[1].user.id;
    const r = cli(['schedules', 'checkin-codes', String(sched.id), '--user', String(user), '--out', file], { dataDir: d.dataDir });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const [name, email, code] = readFileSync(file, 'utf8').trim().split('\t');
    assert.equal(email, cands[1].email);
    assert.ok(name.length > 0);
    assert.notEqual(code, codes.get(user), 'a new code');
    const stale = await checkIn(codes.get(user));
    assert.equal(stale.r.status, 401, 'the old one stopped');
    codes.set(user, code);
    // An existing file is never overwritten; an unknown schedule is refused.
    const again = cli(['schedules', 'checkin-codes', String(sched.id), '--out', file], { dataDir: d.dataDir });
    assert.equal(again.status, 1, again.stderr);
    assert.equal(readFileSync(file, 'utf8').trim().split('\t')[2], code);
    const none = cli(['schedules', 'checkin-codes', '999999'], { dataDir: d.dataDir });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no schedule/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function routeTable() {
  const r = spawnSync(UJIKOMD, ['--routes'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

test('the scoped session reaches its exam only: every other route is 403', async () => {
  assert.ok(scoped, 'checked in by the test before');
  // Named ones first, with the message that says to log in with the password.
  const own = cands[0];
  const earlier = await own.post(`/api/exams/${OTHER_EXAM_ID}/attempts`, {}); // with the password
  assert.equal(earlier.status, 201, earlier.text);
  for (const [m, p, body] of [
    ['POST', '/api/auth/password', { current_password: 'x', new_password: 'y' }],
    ['POST', `/api/exams/${OTHER_EXAM_ID}/attempts`, {}],
    ['GET', `/exams/${OTHER_EXAM_ID}/start`],
    ['GET', `/api/attempts/${earlier.json.id}`],
    ['GET', '/api/schedules'],
    ['GET', '/api/certificates'],
    ['GET', '/api/me/schedules'],
    ['GET', '/me'],
    ['POST', '/api/auth/logout-all', {}],
  ]) {
    const r = await scoped.req(m, p, body);
    assert.equal(r.status, 403, `${m} ${p}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error, 'checkin_scope', `${m} ${p}`);
    assert.match(r.json.message, /password|sandi/);
  }
  // Every route of the table that does not opt in, whatever its parameters.
  const routes = routeTable();
  const closed = routes.filter((rt) => rt.checkin === null);
  assert.ok(closed.length > 100, `most routes are closed to it (${closed.length})`);
  assert.ok(routes.some((rt) => rt.checkin === 'attempt'));
  const bad = [];
  for (const rt of closed) {
    const p = rt.pattern.replace(/:[a-z0-9_]+/g, (k) => (k === ':id' || k === ':attempt' || k === ':user' ? String(attemptId) : 'x'))
      .replace('*', 'x');
    const method = rt.method;
    const r = await scoped.req(method, p, method === 'GET' ? undefined : {});
    if (r.status !== 403 || !r.json || r.json.error !== 'checkin_scope') bad.push(`${method} ${p}: ${r.status} ${r.text.slice(0, 80)}`);
  }
  assert.deepEqual(bad, [], 'routes that a check-in session reached');
  // What it does reach, and its log-out. A complaint about the exam, from the exam page's
  // footer link, is the candidate's.
  assert.equal((await scoped.get('/pengaduan')).status, 200);
  const complaint = await scoped.post('/api/complaints', {
    category: 'exam_system', body: 'Komputer di TUK mati dua kali selama ujian berlangsung.',
  });
  assert.equal(complaint.status, 201, complaint.text);
  assert.equal(complaint.json.complaint.name, own.user.name);
  assert.equal((await scoped.get(`/api/complaints/${complaint.json.token}`)).status, 200);
  const me = await scoped.get('/api/auth/me');
  assert.equal(me.status, 200);
  assert.deepEqual(me.json.checkin, { schedule_id: sched.id, exam_id: REVIEW_EXAM_ID });
  assert.equal((await own.get('/api/auth/me')).json.checkin, undefined, 'a password session is not scoped');
  assert.equal((await scoped.get(`/api/attempts/${attemptId}`)).status, 200);
  const out = await scoped.post('/api/auth/logout', {});
  assert.equal(out.status, 200, out.text);
  assert.equal((await scoped.get('/api/auth/me')).status, 401);
  // The same account with its password is not scoped.
  assert.equal((await own.get('/api/me/schedules')).status, 200);
});

test('codes made and check-ins are in the audit log', async () => {
  const made = await admin.get('/api/admin/audit?action=schedule.checkin_codes');
  assert.equal(made.status, 200, made.text);
  assert.ok(made.json.items.length >= 4, made.text);
  assert.ok(made.json.items.every((e) => e.subject.startsWith('schedule:')));
  assert.ok(made.json.items.some((e) => e.after.count === 2));
  const ins = await admin.get('/api/admin/audit?action=auth.checkin');
  assert.equal(ins.json.items.length, 1, ins.text);
  assert.equal(ins.json.items[0].subject, `schedule:${sched.id}`);
  assert.equal(ins.json.items[0].after.user_id, cands[0].user.id);
  // The address the code came from (a neighbour's device, a machine outside the TUK).
  assert.equal(ins.json.items[0].after.address, '127.0.0.1');
  const page = await admin.get('/admin/audit?action=auth.checkin', { headers: { Accept: 'text/html' } });
  assert.match(page.text, /Masuk dengan kode dari TUK/);
  assert.match(page.text, /Alamat jaringan: 127\.0\.0\.1/);
});

test('refused codes slow the address down as wrong passwords do', async () => {
  let limited = null;
  for (let i = 0; i < IP_MAX_FAILURES + 2 && !limited; i++) {
    const { r } = await checkIn(`ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}`);
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 401, r.text);
  }
  assert.ok(limited, 'a 429 within the limit');
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  // While it lasts, even a valid code waits (nothing is used).
  const valid = codes.get(cands[1].user.id);
  const held = await checkIn(valid);
  assert.equal(held.r.status, 429, held.r.text);
});
