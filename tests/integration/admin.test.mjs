// Administration end to end: assessor accounts (create, refuse, disable), the attempt list,
// extra time for an attempt in progress, item analysis against numbers worked out from the
// answers given here, and who may call any of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import {
  startDaemon, stopClean, adminClient, candidateClient, Client, uniqueEmail, PASSWORD, cli,
} from './lib/daemon.mjs';
import { assessorClient } from './lib/reliability.mjs';
import {
  REVIEW_EXAM_ID, makeExamsDir, finishedAttempt, FULL_MARKS, LOW_MARKS,
} from './lib/reviews.mjs';

let d;
let examsDir;
let admin;
let asesor;

before(async () => {
  examsDir = makeExamsDir();
  d = await startDaemon({ examsDir });
  admin = await adminClient(d);
  asesor = await assessorClient(d, 'Asesor Analisis');
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (examsDir) rmSync(examsDir, { recursive: true, force: true });
});

test('admin routes refuse candidates, assessors and anonymous callers', async () => {
  const cand = await candidateClient(d);
  const anon = new Client(d.url);
  for (const [m, p] of [
    ['GET', '/api/admin/attempts'], ['GET', '/api/admin/users'], ['POST', '/api/admin/users'],
    ['POST', '/api/admin/users/1/disable'], ['POST', '/api/admin/attempts/1/extra-time'],
    ['GET', `/api/admin/analysis/${REVIEW_EXAM_ID}`], ['GET', '/api/admin/audit'],
    ['GET', '/api/admin/audit/verify'], ['GET', '/api/admin/appeals'],
  ]) {
    assert.equal((await cand.req(m, p, m === 'POST' ? {} : undefined)).status, 403, `${m} ${p} candidate`);
    assert.equal((await asesor.req(m, p, m === 'POST' ? {} : undefined)).status, 403, `${m} ${p} assessor`);
    assert.equal((await anon.req(m, p, m === 'POST' ? {} : undefined)).status, 401, `${m} ${p} anonymous`);
  }
  assert.equal((await cand.get('/api/reviews/queue')).status, 403);
});

test('assessor accounts: create, refuse duplicates and weak passwords, disable', async () => {
  const email = uniqueEmail('asesorbaru');
  const mk = (body) => admin.post('/api/admin/users', body);
  const ok = await mk({ email, name: 'Asesor Baru', role: 'assessor', password: PASSWORD });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.user.role, 'assessor');
  assert.equal(ok.json.user.disabled, false);
  assert.ok(!('password_hash' in ok.json.user));
  const id = ok.json.user.id;

  assert.equal((await mk({ email: email.toUpperCase(), name: 'X', password: PASSWORD })).json.error, 'email_taken');
  assert.equal((await mk({ email: uniqueEmail(), name: 'Lemah', password: 'password' })).json.error, 'weak_password');
  for (const body of [
    { email: uniqueEmail(), name: 'Salah Peran', role: 'candidate', password: PASSWORD },
    { email: 'bukan-alamat', name: 'X', password: PASSWORD },
    { email: uniqueEmail(), name: '', password: PASSWORD },
    { email: uniqueEmail(), name: 'Tanpa Sandi' },
    { email: uniqueEmail(), name: 'Baris\nbaru', password: PASSWORD },
  ]) {
    const r = await mk(body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
  }

  const newAsesor = new Client(d.url);
  assert.equal((await newAsesor.login(email, PASSWORD)).status, 200);
  assert.equal((await newAsesor.get('/api/reviews/queue')).status, 200);

  const list = await admin.get('/api/admin/users?role=assessor');
  assert.ok(list.json.items.some((u) => u.id === id && u.email === email));

  const self = await admin.get('/api/auth/me');
  const selfId = self.json.user ? self.json.user.id : self.json.id;
  const me = await admin.post(`/api/admin/users/${selfId}/disable`, {});
  assert.equal(me.status, 409, me.text);
  assert.equal((await admin.post('/api/admin/users/99999999/disable', {})).status, 404);

  const dis = await admin.post(`/api/admin/users/${id}/disable`, { reason: 'Lisensi asesor berakhir.' });
  assert.equal(dis.status, 200, dis.text);
  assert.equal(dis.json.changed, true);
  // Their session ends at once and they can no longer log in.
  assert.equal((await newAsesor.get('/api/reviews/queue')).status, 401);
  const relogin = await new Client(d.url).login(email, PASSWORD);
  assert.notEqual(relogin.status, 200, relogin.text);
  const again = await admin.post(`/api/admin/users/${id}/disable`, {});
  assert.equal(again.json.changed, false);

  const audit = await admin.get(`/api/admin/audit?subject=user:${id}`);
  assert.deepEqual(audit.json.items.map((e) => e.action).reverse(), ['user.create', 'user.disable']);
  assert.equal(audit.json.items[0].after.disabled, true);
  assert.equal(audit.json.items[0].before.disabled, false);
});

test('an administrator ends every session of an account; it stays usable, the act is audited', async () => {
  const cand = await candidateClient(d, 'Sesi Tertinggal');
  const id = (await cand.get('/api/auth/me')).json.user.id;
  const tuk = new Client(d.url, { headers: { 'User-Agent': 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' } });
  assert.equal((await tuk.login(cand.email, PASSWORD)).status, 200);
  const page = await admin.get(`/admin/users/${id}`, { headers: { Accept: 'text/html' } });
  assert.match(page.text, /<dt>Sesi aktif<\/dt><dd>2<\/dd>/);
  // Where the account is signed in, as its holder sees it: the kind of device of each.
  const listed = page.text.slice(page.text.indexOf('id="account-sessions"'));
  assert.ok(page.text.includes('id="account-sessions"'), 'the account page lists its sessions');
  const body = listed.slice(listed.indexOf('<tbody'), listed.indexOf('</tbody>'));
  assert.equal((body.match(/<tr role="row"/g) || []).length, 2, 'one row each');
  assert.ok(listed.includes('>Chrome di ChromeOS<') && listed.includes('>Tidak dikenali<'), listed.slice(0, 2000));
  assert.ok(!listed.includes('session-current'), 'none of them is the administrator\'s');
  assert.match(page.text, /href="\/admin\/users\/\d+\/sessions\/end"/);
  const r = await admin.post(`/api/admin/users/${id}/sessions/end`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { user: { id }, sessions: 2 });
  assert.equal((await cand.get('/api/auth/me')).status, 401);
  assert.equal((await tuk.get('/api/auth/me')).status, 401);
  assert.equal((await admin.get('/api/auth/me')).status, 200, 'the administrator keeps theirs');
  const audit = await admin.get(`/api/admin/audit?subject=user:${id}&action=user.sessions_end`);
  assert.equal(audit.json.items.length, 1);
  assert.equal(audit.json.items[0].after.sessions, 2);
  assert.equal(audit.json.items[0].actor, (await admin.get('/api/auth/me')).json.user.id);
  // No sessions left: the page says 0 and offers no such action; the account still logs in.
  const none = await admin.get(`/admin/users/${id}`, { headers: { Accept: 'text/html' } });
  assert.match(none.text, /<dt>Sesi aktif<\/dt><dd>0<\/dd>/);
  assert.ok(!none.text.includes('id="account-sessions"'), 'no table of no sessions');
  assert.doesNotMatch(none.text, /sessions\/end/);
  assert.equal((await new Client(d.url).login(cand.email, PASSWORD)).status, 200);
  assert.equal((await admin.post('/api/admin/users/999999/sessions/end', {})).status, 404);
  assert.equal((await admin.post('/api/admin/users/x/sessions/end', {})).status, 404);
  for (const c of [cand, asesor, new Client(d.url)]) {
    assert.ok([401, 403].includes((await c.post(`/api/admin/users/${id}/sessions/end`, {})).status));
  }
  // From the console, beside the running daemon: the sessions as the holder sees them,
  // then the same ending, by the system.
  const staff = new Client(d.url, { headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1' } });
  assert.equal((await staff.login(cand.email, PASSWORD)).status, 200);
  const shown = cli(['admin', 'sessions', cand.email.toUpperCase()], { dataDir: d.dataDir });
  assert.equal(shown.status, 0, shown.stderr);
  const lines = shown.stdout.trim().split('\n');
  assert.equal(lines[0], 'id\tdevice\tsigned in\tlast used\tends');
  assert.match(lines.at(-1), new RegExp(`^2 live session\\(s\\) of account ${id} `));
  const cols = lines.slice(1, -1).map((l) => l.split('\t'));
  assert.equal(cols.length, 2);
  for (const r of cols) {
    assert.match(r[0], /^[0-9a-f]{16}$/);
    for (const t of r.slice(2, 5)) assert.match(t, /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  }
  assert.deepEqual(cols.map((r) => r[1]).sort(), ['Safari on iPhone', 'not recognised']);
  const apiIds = (await staff.get('/api/auth/sessions')).json.sessions.map((x) => x.id).sort();
  assert.deepEqual(cols.map((r) => r[0]).sort(), apiIds, 'the ids the holder\'s page uses');
  assert.equal(cli(['admin', 'sessions'], { dataDir: d.dataDir }).status, 2);
  assert.equal(cli(['admin', 'sessions', uniqueEmail('tidakada')], { dataDir: d.dataDir }).status, 1);
  const ended = cli(['admin', 'end-sessions', cand.email], { dataDir: d.dataDir });
  assert.equal(ended.status, 0, ended.stderr);
  assert.match(ended.stdout, new RegExp(`ended 2 session\\(s\\) of account ${id}`));
  assert.equal((await staff.get('/api/auth/me')).status, 401);
  const byCli = await admin.get(`/api/admin/audit?subject=user:${id}&action=user.sessions_end`);
  assert.equal(byCli.json.items[0].actor, null, 'by the system (the operator at the console)');
  assert.equal(byCli.json.items[0].after.sessions, 2);
  const unknown = cli(['admin', 'end-sessions', uniqueEmail('tidakada')], { dataDir: d.dataDir });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no account with the e-mail/);
  assert.equal(cli(['admin', 'end-sessions'], { dataDir: d.dataDir }).status, 2);
});

test('extra time moves the deadline of an attempt in progress, with a reason, audited', async () => {
  const cand = await candidateClient(d, 'Nur Aini');
  const s = await cand.post(`/api/exams/${REVIEW_EXAM_ID}/attempts`, {});
  const id = s.json.id ?? s.json.attempt?.id;
  const deadline = Date.parse(s.json.deadline_at ?? s.json.attempt?.deadline_at);
  assert.ok(id && deadline > Date.now(), s.text);
  const later = deadline + 15 * 60000;

  for (const [body, error] of [
    [{ minutes: 15 }, 'reason_required'],
    [{ minutes: 0, reason: 'x' }, 'invalid_field'],
    [{ minutes: 601, reason: 'x' }, 'invalid_field'],
    [{ minutes: '15', reason: 'x' }, 'invalid_field'],
    [{ minutes: 1.5, reason: 'x' }, 'invalid_field'],
  ]) {
    const r = await admin.post(`/api/admin/attempts/${id}/extra-time`, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error, error, r.text);
  }
  const r = await admin.post(`/api/admin/attempts/${id}/extra-time`, {
    minutes: 15, reason: 'Penyesuaian wajar (FR.AK.07): asesi tunanetra memakai pembaca layar.',
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(Date.parse(r.json.attempt.deadline_at), later, r.text);
  assert.equal(Date.parse(r.json.attempt.previous_deadline_at), deadline, r.text);
  const view = await cand.get(`/api/attempts/${id}`);
  assert.equal(Date.parse(view.json.deadline_at ?? view.json.attempt?.deadline_at), later, view.text);

  const list = await admin.get(`/api/admin/attempts?exam=${REVIEW_EXAM_ID}&status=open`);
  assert.ok(list.json.items.some((a) => a.id === id && Date.parse(a.deadline_at) === later), list.text);

  assert.equal((await cand.post(`/api/attempts/${id}/submit`, {})).status, 200);
  const closed = await admin.post(`/api/admin/attempts/${id}/extra-time`, { minutes: 5, reason: 'x' });
  assert.equal(closed.status, 409, closed.text);
  assert.equal((await admin.post('/api/admin/attempts/99999999/extra-time', { minutes: 5, reason: 'x' })).status, 404);

  const audit = await admin.get(`/api/admin/audit?subject=attempt:${id}`);
  const e = audit.json.items.find((x) => x.action === 'attempt.extra_time');
  assert.ok(e, audit.text);
  // The audit log keeps the exact values (milliseconds); the API shows whole seconds.
  assert.equal(Math.floor(e.before.deadline_at / 1000) * 1000, deadline);
  assert.equal(e.after.deadline_at - e.before.deadline_at, 15 * 60000);
  assert.match(e.after.reason, /FR\.AK\.07/);
  for (const bad of ['verdict=MAYBE', 'status=gone', 'before=-1']) {
    assert.equal((await admin.get(`/api/admin/attempts?${bad}`)).status, 400, bad);
  }
});

// Pearson correlation, written out independently of the C code.
function pearson(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0; let sxx = 0; let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

test('item analysis: facility, discrimination and outcomes of the attempts made here', async () => {
  // Use a fresh exams state: this test's numbers need exactly these three decided attempts,
  // so count only attempts finished from here on by reading the analysis before and after.
  const decide = async (objectiveRight, marks, overall) => {
    const cand = await candidateClient(d);
    const id = await finishedAttempt(cand, { objectiveRight });
    assert.equal((await asesor.post(`/api/reviews/${id}/claim`, {})).status, 200);
    const r = await asesor.post(`/api/reviews/${id}/decision`, {
      items: marks, overall, feedback: overall === 'BK' ? 'Pelajari lagi.' : undefined,
    });
    assert.equal(r.status, 200, r.text);
  };
  const before = await admin.get(`/api/admin/analysis/${REVIEW_EXAM_ID}`);
  assert.equal(before.status, 200, before.text);
  // The extra-time test left one submitted attempt (nothing answered, awaiting review).
  assert.equal(before.json.outcomes.attempts, 1, before.text);

  await decide(true, FULL_MARKS, 'K'); //    OBJ 1,1  ESS 6/6  -> K
  await decide(false, LOW_MARKS, 'BK'); //   OBJ 0,0  ESS 1/6  -> BK
  await decide(true, LOW_MARKS, 'BK'); //    OBJ 1,1  ESS 1/6  -> BK (essay unit BK)

  const a = await admin.get(`/api/admin/analysis/${REVIEW_EXAM_ID}`);
  assert.equal(a.status, 200, a.text);
  const o = a.json.outcomes;
  assert.deepEqual([o.attempts, o.k, o.bk, o.pending], [4, 1, 2, 1]);
  assert.ok(Math.abs(o.pass_rate - 1 / 3) < 1e-9);
  const unit = (code) => a.json.units.find((u) => u.code === code).outcomes;
  // The unanswered attempt's objective unit is already BK; its essay unit still pending.
  assert.deepEqual([unit('U.OBJ.001').k, unit('U.OBJ.001').bk, unit('U.OBJ.001').pending], [2, 2, 0]);
  assert.deepEqual([unit('U.ESS.002').k, unit('U.ESS.002').bk, unit('U.ESS.002').pending], [1, 2, 1]);
  assert.ok(Math.abs(unit('U.OBJ.001').pass_rate - 0.5) < 1e-9);

  // Rows: the pending attempt (no answers: objective 0, essay not yet scored), then the
  // three decided ones. Essay fractions of 6 points.
  const item = (id) => a.json.items.find((i) => i.id === id);
  const obj1 = [0, 1, 0, 1];
  assert.equal(item('OBJ-1').n, 4);
  assert.ok(Math.abs(item('OBJ-1').facility - 0.5) < 1e-9, JSON.stringify(item('OBJ-1')));
  // OBJ-1's rest score: OBJ-2 plus the essay when scored, as a fraction of their maximum.
  const rest = [0 / 1, (1 + 6) / 7, (0 + 1) / 7, (1 + 1) / 7];
  assert.ok(Math.abs(item('OBJ-1').discrimination - pearson(obj1, rest)) < 1e-9,
    `${item('OBJ-1').discrimination} vs ${pearson(obj1, rest)}`);
  assert.equal(item('ESS-1').n, 3, 'the unscored essay is left out');
  assert.ok(Math.abs(item('ESS-1').facility - (1 + 1 / 6 + 1 / 6) / 3) < 1e-9);
  assert.deepEqual(item('OBJ-1').flags, []);
  assert.equal((await admin.get('/api/admin/analysis/NO-SUCH-EXAM')).status, 404);
});
