// The role x route matrix: every route of the daemon's route table is called as anonymous,
// as the candidate who owns the resource, as another candidate, as an assessor and as an
// admin, and each answer must fall in the expected class. A route added to the table
// without a row here fails this test, and so does a row for a route that no longer exists.
//
// Classes: A = allowed through authorisation (any status except 401, 403, 404 and 5xx:
// the handler may still refuse the data with 400/409); U = needs a session (401, or a
// redirect to /login for pages); F = forbidden for this role (403); H = hidden (404: the
// resource exists but is not the caller's, and the answer must not say so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startDaemon, Client, candidateClient, adminClient, cli, uniqueEmail, PASSWORD, UJIKOMD } from './lib/daemon.mjs';
import { loadExams, correctValue } from './attempts-keys.mjs';

//            anon owner other assessor admin
const MATRIX = {
  'GET /healthz': 'A A A A A',
  'GET /readyz': 'A A A A A',
  'POST /api/auth/register': 'A A A A A',
  'POST /api/auth/login': 'A A A A A',
  'POST /api/auth/logout': 'A A A A A',
  'POST /api/auth/logout-all': 'U A A A A',
  'POST /api/auth/logout-others': 'U A A A A',
  'GET /api/auth/sessions': 'U A A A A',
  // ":id" here is no session of anyone's: 404 for every account (integration.auth ends real ones)
  'POST /api/auth/sessions/:id/end': 'U H H H H',
  'GET /api/auth/me': 'U A A A A',
  'GET /api/me/data': 'U A A A A',
  // without --smtp-url a request is refused (409); an empty body is refused (400)
  'GET /api/me/email': 'U A A A A',
  'POST /api/me/email': 'U A A A A',
  'POST /api/me/email/cancel': 'U A A A A',
  // no token: 400 for everyone
  'POST /api/auth/email-change': 'A A A A A',
  'POST /api/auth/password': 'U A A A A',
  'POST /api/auth/login/totp': 'A A A A A',
  'GET /api/auth/2fa': 'U F F A A',
  'POST /api/auth/2fa/enrol': 'U F F A A',
  'POST /api/auth/2fa/confirm': 'U F F A A',
  'POST /api/auth/reset': 'A A A A A',
  'POST /api/auth/reset-request': 'H H H H H',
  'POST /api/checkin': 'A A A A A',
  'GET /api/subsectors': 'A A A A A',
  'GET /api/exams': 'A A A A A',
  'GET /api/exams/:id': 'A A A A A',
  'POST /api/exams/:id/attempts': 'U A A F F',
  'GET /api/attempts': 'U A A F F',
  'GET /api/attempts/:id': 'U A H F F',
  'PUT /api/attempts/:id/answers/:item': 'U A H F F',
  'PUT /api/attempts/:id/flags/:item': 'U A H F F',
  'PUT /api/me/did': 'U A A F F',
  'PUT /api/me/time-zone': 'U A A A A', // staff choose the zone of their pages too
  'POST /api/attempts/:id/submit': 'U A H F F',
  'GET /api/attempts/:id/result': 'U A H F F',
  'GET /api/attempts/:id/feedback': 'U A H F F',
  // evidence uploads: the upload id in the path is no upload (the attempt's number), so even
  // its owner is told 404; a chunk's shape (its content type) is checked before the upload.
  // An assessor has uploads too (observation photos): none of them is this one either
  'POST /api/attempts/:id/uploads': 'U A H F F',
  'GET /api/uploads/:id': 'U H H H F',
  'PUT /api/uploads/:id': 'U A A A F',
  'POST /api/uploads/:id/complete': 'U H H H F',
  // no such file in the attempt: 404 for everyone, anonymous included
  'GET /api/attempts/:id/evidence/:sha256': 'H H H H H',
  'GET /api/attempts/:id/evidence/:sha256/preview': 'H H H H H',
  // an application's files: nobody has applied, so there is no application to upload into
  // and no file to read
  'POST /api/exams/:id/application/uploads': 'U H H F F',
  'GET /api/applications/:id/files/:sha256': 'H H H H H',
  'GET /api/applications/:id/files/:sha256/preview': 'H H H H H',
  // no such photo on the attempt's observation sheet: 404 for everyone
  'GET /api/attempts/:id/observation/:sha256': 'H H H H H',
  'GET /api/attempts/:id/observation/:sha256/preview': 'H H H H H',
  // ':kuk' is no KUK and the pending attempt's exam has no observation unit
  'POST /api/reviews/:attempt/observations/:unit/:kuk/photos': 'U F F H F',
  // ':sha256' is no file's hash, and nobody has applied
  'DELETE /api/attempts/:id/answers/:item/files/:sha256': 'U H H F F',
  'DELETE /api/exams/:id/application/files/:sha256': 'U H H F F',
  'GET /.well-known/jwks.json': 'A A A A A',
  'GET /.well-known/did.json': 'A A A A A',
  'GET /api/keys/:kid': 'A A A A A',
  'GET /api/certificates': 'U A A A A',
  'GET /api/certificates/:serial': 'U A H H A',
  'GET /api/certificates/:serial/credential': 'U A H H A',
  'GET /api/certificates/:serial/credential.json': 'U A H H A',
  'GET /api/certificates/:serial/credential.jwt': 'U A H H A',
  'GET /api/certificates/:serial/qr.png': 'U A H H A',
  'GET /api/certificates/:serial/qr.svg': 'U A H H A',
  'GET /api/certificates/:serial/pdf': 'U A H H A',
  'GET /api/certificates/:serial/log-proof': 'U A H H A',
  'POST /api/certificates/:serial/revoke': 'U F F F A',
  'POST /api/certificates/:serial/suspend': 'U F F F A',
  'POST /api/certificates/:serial/reinstate': 'U F F F A',
  // Only the holder shares (not even an admin); the owner's share made here is ended by the
  // next row, then made and ended again by the page forms.
  'POST /api/certificates/:serial/share': 'U A H F F',
  'DELETE /api/certificates/:serial/share': 'U A H F F',
  // Only the holder re-certifies (the owner's certificate is far from expiry: 409).
  'POST /api/certificates/:serial/recertify': 'U A H F F',
  'GET /status/revocation': 'A A A A A',
  'GET /status/suspension': 'A A A A A',
  'POST /api/attempts/:id/certificate': 'U A H F A',
  'GET /log/checkpoint': 'A A A A A',
  'GET /log/key': 'A A A A A',
  'GET /log/tile/*': 'A A A A A',
  'GET /V/:token': 'A A A A A',
  'GET /skkni/:exam': 'A A A A A',
  'GET /skkni/:exam/:unit': 'A A A A A',
  // Public; a QR token is no share token, so every role gets the same 404.
  'GET /c/:token': 'H H H H H',
  'GET /v/:token': 'A A A A A',
  'GET /verify': 'A A A A A',
  'POST /api/verify': 'A A A A A',
  'GET /api/reviews/queue': 'U F F A A',
  'GET /api/reviews/:attempt': 'U F F A A',
  'POST /api/reviews/:attempt/claim': 'U F F A F',
  'POST /api/reviews/:attempt/decision': 'U F F A F',
  'POST /api/reviews/:attempt/marks/:item': 'U F F A F',
  // the owner's submitted attempt of an exam with an observation unit: its assessor (the
  // attempt is unclaimed) and an admin read the sheet; ':unit' is no unit of the exam
  'GET /api/reviews/:attempt/observations': 'U F F A A',
  'PUT /api/reviews/:attempt/observations/:unit/:kuk': 'U F F H F',
  // an empty body is refused (400); nobody has applied, so there is no application to read
  'POST /api/exams/:id/application': 'U A A F F',
  'GET /api/exams/:id/application': 'U H H F F',
  'GET /api/applications': 'U F F A A',
  'GET /api/applications/:id': 'U F F H H',
  'POST /api/applications/:id/decision': 'U F F A A',
  'POST /api/attempts/:id/appeal': 'U A H F F',
  'GET /api/admin/appeals': 'U F F F A',
  'POST /api/admin/appeals/:id/assign': 'U F F F H',
  // complaints: anyone lodges one (an empty body is refused: 400); the token and the id in
  // the path are no complaint's, so even an administrator is told 404
  'POST /api/complaints': 'A A A A A',
  'GET /api/complaints/:token': 'H H H H H',
  'POST /api/complaints/:token/replies': 'H H H H H',
  'GET /api/me/complaints': 'U A A A A',
  'GET /api/admin/complaints': 'U F F F A',
  'GET /api/admin/complaints/csv': 'U F F F A',
  'GET /api/admin/complaints/:id': 'U F F F H',
  'POST /api/admin/complaints/:id/take': 'U F F F H',
  'POST /api/admin/complaints/:id/notes': 'U F F F H',
  'POST /api/admin/complaints/:id/close': 'U F F F H',
  'GET /api/admin/users': 'U F F F A',
  'POST /api/admin/users': 'U F F F A',
  'POST /api/admin/users/:id/disable': 'U F F F A',
  'POST /api/admin/users/:id/sessions/end': 'U F F F A',
  'POST /api/admin/users/:id/2fa/reset': 'U F F F A',
  'POST /api/admin/users/:id/reset-link': 'U F F F A',
  'GET /api/admin/users/:id/data': 'U F F F A',
  'POST /api/admin/users/:id/name': 'U F F F A',
  'POST /api/admin/users/:id/email': 'U F F F A',
  'POST /api/admin/users/:id/extra-time': 'U F F F A',
  'GET /api/admin/attempts': 'U F F F A',
  'POST /api/admin/attempts/:id/extra-time': 'U F F F A',
  'POST /api/admin/attempts/:id/decision': 'U F F F A',
  'GET /api/admin/analysis/:exam': 'U F F F A',
  'GET /api/admin/analysis/:exam/csv': 'U F F F A',
  'GET /api/admin/audit/verify': 'U F F F A',
  'GET /api/admin/audit/status': 'U F F F A',
  'GET /api/admin/audit/csv': 'U F F F A',
  'POST /api/admin/audit/check': 'U F F F A',
  'GET /api/admin/audit': 'U F F F A',
  // test events: the schedule has the assessor assigned and the owner enrolled
  'GET /api/schedules': 'U F F A A',
  'POST /api/schedules': 'U F F F A',
  'GET /api/schedules/:id': 'U F F A A',
  'POST /api/schedules/:id/import': 'U F F F A',
  'POST /api/schedules/:id/attendance/:user': 'U F F A A',
  'POST /api/schedules/:id/checkin-codes': 'U F F A A',
  'GET /api/schedules/:id/blank-request.xlsx': 'U F F F A',
  'GET /api/schedules/:id/berita-acara.pdf': 'U F F F A',
  'GET /api/schedules/:id/results.csv': 'U F F F A',
  'GET /api/enrolment-template.csv': 'U F F F A',
  'GET /api/enrolment-template.xlsx': 'U F F F A',
  'GET /api/me/schedules': 'U A A F F',
  'POST /api/admin/item-bank/import': 'U F F F A',
  'GET /api/admin/item-bank/template.xlsx': 'U F F F A',
  'GET /api/admin/exams/:exam/qti.zip': 'U F F F A',
  'GET /static/*': 'A A A A A',
  'GET /favicon.ico': 'A A A A A',
  'GET /lang': 'A A A A A',
  'POST /lang': 'A A A A A',
  'GET /': 'A A A A A',
  'GET /signed-out': 'A A A A A',
  'GET /login': 'A A A A A',
  'POST /login': 'A A A A A',
  'GET /masuk': 'A A A A A',
  'POST /masuk': 'A A A A A',
  'POST /login/totp': 'A A A A A',
  'GET /register': 'A A A A A',
  'POST /register': 'A A A A A',
  'GET /lupa-sandi': 'H H H H H',
  'POST /lupa-sandi': 'H H H H H',
  'GET /reset-sandi': 'A A A A A',
  'POST /reset-sandi': 'A A A A A',
  'GET /account/password': 'U A A A A',
  'POST /account/password': 'U A A A A',
  'GET /account/sessions': 'U A A A A',
  'POST /account/sessions/logout-others': 'U A A A A',
  'POST /account/sessions/:id/end': 'U H H H H',
  'GET /account/email': 'U A A A A',
  'POST /account/email': 'U A A A A',
  'POST /account/email/cancel': 'U A A A A',
  'GET /ubah-email': 'A A A A A',
  'POST /ubah-email': 'A A A A A',
  'POST /logout': 'U A A A A',
  'GET /me': 'U A A F F',
  'POST /me/time-zone': 'U A A A A',
  'POST /me/certificates/:serial/share': 'U A H F F',
  'POST /me/certificates/:serial/unshare': 'U A H F F',
  'POST /me/certificates/:serial/recertify': 'U A H F F',
  'GET /account/2fa': 'U F F A A',
  'POST /account/2fa/enrol': 'U F F A A',
  'POST /account/2fa/confirm': 'U F F A A',
  'GET /exams/:id/start': 'U A A F F',
  'POST /exams/:id/start': 'U A A F F',
  'GET /attempts/:id': 'U A H F F',
  'POST /attempts/:id/save': 'U A H F F',
  'GET /attempts/:id/review': 'U A H F F',
  'POST /attempts/:id/submit': 'U A H F F',
  'POST /attempts/:id/appeal': 'U A H F F',
  'POST /attempts/:id/certificate': 'U A H F A',
  'GET /review': 'U F F A A',
  'GET /review/:attempt': 'U F F A A',
  // the item is not one of the exam's: the assessor gets 404 (marking by question)
  'GET /marking/:exam/:item': 'U F F H F',
  'POST /review/:attempt/claim': 'U F F A F',
  'POST /review/:attempt/decision': 'U F F A F',
  'POST /review/:attempt/marks/:item': 'U F F A F',
  'GET /review/:attempt/observations': 'U F F A A',
  'POST /review/:attempt/observations/:unit/:kuk': 'U F F H F',
  'GET /exams/:id/application': 'U A A F F',
  'POST /exams/:id/application': 'U A A F F',
  'GET /applications': 'U F F A A',
  'GET /applications/:id': 'U F F H H',
  'POST /applications/:id/decision': 'U F F A A',
  'GET /admin': 'U F F F A',
  'POST /admin/users': 'U F F F A',
  'GET /admin/users/:id': 'U F F F A',
  'GET /admin/users/:id/disable': 'U F F F A',
  'POST /admin/users/:id/disable': 'U F F F A',
  'GET /admin/users/:id/sessions/end': 'U F F F A',
  'POST /admin/users/:id/sessions/end': 'U F F F A',
  'GET /admin/users/:id/2fa/reset': 'U F F F A',
  'POST /admin/users/:id/2fa/reset': 'U F F F A',
  'GET /admin/users/:id/name': 'U F F F A',
  'POST /admin/users/:id/name': 'U F F F A',
  'GET /admin/users/:id/email': 'U F F F A',
  'POST /admin/users/:id/email': 'U F F F A',
  'GET /admin/users/:id/extra-time': 'U F F F A',
  'POST /admin/users/:id/extra-time': 'U F F F A',
  'POST /admin/users/:id/reset-link': 'U F F F A',
  'POST /admin/attempts/:id/extra-time': 'U F F F A',
  'POST /admin/attempts/:id/decision': 'U F F F A',
  'POST /admin/appeals/:id/assign': 'U F F F H',
  'GET /pengaduan': 'A A A A A',
  'POST /pengaduan': 'A A A A A',
  'GET /pengaduan/:token': 'H H H H H',
  'POST /pengaduan/:token/balas': 'H H H H H',
  'GET /admin/complaints': 'U F F F A',
  'GET /admin/complaints/:id': 'U F F F H',
  'POST /admin/complaints/:id/take': 'U F F F H',
  'POST /admin/complaints/:id/notes': 'U F F F H',
  'GET /admin/complaints/:id/close': 'U F F F H',
  'POST /admin/complaints/:id/close': 'U F F F H',
  'GET /admin/certificates/:serial/revoke': 'U F F F A',
  'POST /admin/certificates/:serial/revoke': 'U F F F A',
  'GET /admin/certificates/:serial/suspend': 'U F F F A',
  'POST /admin/certificates/:serial/suspend': 'U F F F A',
  'GET /admin/certificates/:serial/reinstate': 'U F F F A',
  'POST /admin/certificates/:serial/reinstate': 'U F F F A',
  'GET /admin/audit': 'U F F F A',
  'POST /admin/audit/check': 'U F F F A',
  'GET /admin/schedules': 'U F F A A',
  'POST /admin/schedules': 'U F F F A',
  'GET /admin/schedules/:id': 'U F F A A',
  'POST /admin/schedules/:id/attendance/:user': 'U F F A A',
  'POST /admin/schedules/:id/checkin-codes': 'U F F A A',
  'GET /admin/schedules/:id/attendance': 'U F F A A',
  'GET /admin/analysis/:exam': 'U F F F A',
  'GET /admin/bank-soal': 'U F F F A',
};

// Routes that end a session or change what later rows see run last, each with a fresh
// session so the others keep theirs.
const LAST = ['POST /api/certificates/:serial/suspend', 'POST /admin/certificates/:serial/suspend',
  'POST /api/certificates/:serial/reinstate', 'POST /admin/certificates/:serial/reinstate',
  'POST /api/certificates/:serial/revoke', 'POST /admin/certificates/:serial/revoke',
  'POST /api/admin/users/:id/disable', 'POST /admin/users/:id/disable',
  'POST /api/auth/logout', 'POST /logout', 'POST /api/auth/logout-all'];
const FRESH_SESSION = new Set(['POST /api/auth/logout', 'POST /logout', 'POST /api/auth/logout-all']);

const ROLES = ['anon', 'owner', 'other', 'assessor', 'admin'];

// Bodies that pass validation, so that ownership and existence decide the answer.
const BODIES = {
  '/attempts/:id/appeal': { reason: 'Saya mohon peninjauan ulang unit kedua.' },
  '/admin/appeals/:id/assign': { assessor_id: 1 },
  '/complaints/:token/replies': { text: 'Balasan matriks.' },
  '/pengaduan/:token/balas': { text: 'Balasan matriks.' },
  '/admin/complaints/:id/notes': { text: 'Catatan matriks.', shown: 'true' },
  '/admin/complaints/:id/take': { not_involved: 'true' },
  '/admin/complaints/:id/close': { outcome: 'upheld', text: 'Penjelasan matriks.', not_involved: 'true' },
  '/attempts/:id/flags/:item': { flagged: true },
  '/me/time-zone': { time_zone: 'WITA' },
  '/me/did': { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
  '/attempts/:id/uploads': { item: 'NOT-AN-ITEM', name: 'foto.jpg', size: 10 },
  '/exams/:id/application/uploads': { name: 'ijazah.pdf', size: 10 },
  '/reviews/:attempt/observations/:unit/:kuk/photos': { name: 'foto.jpg', size: 10 },
};

function tableRoutes() {
  const r = spawnSync(UJIKOMD, ['--routes'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

function classify(res, isPage) {
  const s = res.status;
  if (s >= 500) return `5xx(${s})`;
  if (s === 401) return 'U';
  if (isPage && s === 303 && (res.headers.get('location') || '').startsWith('/login')) return 'U';
  if (s === 403) return 'F';
  if (s === 404) return 'H';
  return 'A';
}

test('every route in the table has a row in the matrix, and every row a route', () => {
  const keys = tableRoutes().map((r) => `${r.method} ${r.pattern}`);
  const missing = keys.filter((k) => !(k in MATRIX));
  assert.deepEqual(missing, [], `routes without a row in the role matrix: ${missing.join(', ')}`);
  const stale = Object.keys(MATRIX).filter((k) => !keys.includes(k));
  assert.deepEqual(stale, [], `matrix rows for routes that do not exist: ${stale.join(', ')}`);
});

test('every route answers each role as the matrix says, and never 5xx', async (t) => {
  const d = await startDaemon();
  t.after(async () => { await d.stop(); d.cleanup(); });
  const exams = loadExams(d.examsDir);
  const objective = exams.find((e) => e.observed.size === 0 && [...e.items.values()].every((i) => i.type !== 'open'));
  // with open items and an observation unit (the observation sheet's rows need one)
  const withOpen = exams.find((e) => e.observed.size > 0 && [...e.items.values()].some((i) => i.type === 'open'));
  assert.ok(objective && withOpen, 'shipped exams include an all-objective one and one with open items');

  const admin = await adminClient(d);
  const assessorEmail = uniqueEmail('asesor');
  const mk = await admin.post('/api/admin/users', { email: assessorEmail, name: 'Asesor Matriks', password: PASSWORD, role: 'assessor' });
  assert.ok([200, 201].includes(mk.status), `create assessor: ${mk.status} ${mk.text}`);
  const owner = await candidateClient(d, 'Pemilik Data');
  const other = await candidateClient(d, 'Calon Lain');
  const victim = await candidateClient(d, 'Akun Dinonaktifkan');
  const logins = { owner: [owner.email], other: [other.email], assessor: [assessorEmail], admin: [admin.email] };
  const assessor = new Client(d.url);
  assert.equal((await assessor.login(assessorEmail, PASSWORD)).status, 200);

  // The owner passes the all-objective exam (certificate) and submits one with open items
  // (review queue, appeal).
  async function takeExam(entry) {
    const st = await owner.post(`/api/exams/${entry.exam.id}/attempts`, {});
    assert.ok([200, 201].includes(st.status), `start ${entry.exam.id}: ${st.status} ${st.text}`);
    const a = await owner.get(`/api/attempts/${st.json.id}`);
    const items = a.json.form.units.flatMap((u) => u.items);
    for (const it of items) {
      if (it.type === 'evidence') continue; // files, not answers (evidence.test.mjs)
      const r = await owner.put(`/api/attempts/${st.json.id}/answers/${it.id}`, { value: correctValue(entry.items.get(it.id)) });
      assert.equal(r.status, 200, `save ${it.id}: ${r.text}`);
    }
    const sub = await owner.post(`/api/attempts/${st.json.id}/submit`, {});
    assert.equal(sub.status, 200, sub.text);
    return { id: st.json.id, item: items[0].id };
  }
  const passed = await takeExam(objective);
  const pending = await takeExam(withOpen);
  const iss = await owner.post(`/api/attempts/${passed.id}/certificate`, {});
  assert.ok([200, 201].includes(iss.status), `issue: ${iss.status} ${iss.text}`);
  const serial = iss.json.serial || iss.json.certificate?.serial;
  assert.ok(serial, `issuance answer names the serial: ${iss.text}`);
  const cert = await owner.get(`/api/certificates/${serial}`);
  // The verify routes are public: any token, genuine or not, is answered 200.
  const qrUrl = cert.json.qr_url || cert.json.certificate?.qr_url || '/V/NOTATOKEN';
  const token = qrUrl.split('/').pop();
  // An open attempt of the owner's for the attempt-page rows.
  const open = await owner.post(`/api/exams/${exams.find((e) => e !== objective && e !== withOpen).exam.id}/attempts`, {});
  const openForm = await owner.get(`/api/attempts/${open.json.id}`);
  const openItem = openForm.json.form.units[0].items[0].id;

  const kid = (await (await fetch(`${d.url}/.well-known/jwks.json`)).json()).keys.at(-1).kid;
  // A schedule of the exam the owner has already passed (so its window rule changes none of
  // the owner's rows), with the assessor assigned and the owner enrolled.
  const assessorId = (await assessor.get('/api/auth/me')).json.user.id;
  const now = new Date(Date.now() + 7 * 3600e3);
  const sched = await admin.post('/api/schedules', {
    exam_id: objective.exam.id, title: 'Matriks', tuk_name: 'TUK', time_zone: 'WIB',
    date: now.toISOString().slice(0, 10), opens: '00:00', closes: '23:59', capacity: 5,
    assessors: [assessorId],
  });
  assert.equal(sched.status, 201, sched.text);
  const enrol = await admin.req('POST', `/api/schedules/${sched.json.schedule.id}/import?commit=1`,
    `nama,email\nPemilik Data,${owner.email}\n`, { headers: { 'Content-Type': 'text/csv' }, raw: true });
  assert.equal(enrol.status, 201, enrol.text);
  const ownerId = (await owner.get('/api/auth/me')).json.user.id;

  const params = {
    ':kid': kid, ':id': null, ':item': openItem, ':serial': serial, ':token': token, ':attempt': pending.id,
    ':exam': objective.exam.id, ':unit': String(objective.exam.units[0].code), '*': 'app.css',
    ':user': String(ownerId),
  };
  function pathFor(method, pattern) {
    let id = open.json.id;
    const p = pattern.replace(/^\/api\//, '/');
    if (p.includes('/schedules/')) id = String(sched.json.schedule.id);
    else if (p.startsWith('/exams/')) id = objective.exam.id;
    else if (p.includes('/certificate') || p.includes('/result')) id = passed.id;
    else if (p.startsWith('/admin/appeals/') || p.startsWith('/admin/complaints/')) id = '999999';
    else if (p.includes('/appeal') || p.startsWith('/admin/attempts/')) id = pending.id;
    else if (p.startsWith('/admin/users/')) id = String(victim.user?.id ?? '0');
    return pattern.split('/').map((seg) => {
      if (seg === ':id') return id;
      if (seg === '*' && pattern.startsWith('/log/')) return '0/000.p/1'; // the first entry's tile
      if (seg in params) return params[seg];
      return seg;
    }).join('/');
  }

  const clients = { anon: () => new Client(d.url), owner: () => owner, other: () => other, assessor: () => assessor, admin: () => admin };
  async function freshClient(role) {
    if (role === 'anon') return new Client(d.url);
    const c = new Client(d.url);
    const r = await c.login(logins[role][0], PASSWORD);
    assert.equal(r.status, 200, `fresh login for ${role}`);
    return c;
  }

  const routes = tableRoutes().map((r) => `${r.method} ${r.pattern}`);
  const ordered = [...routes.filter((k) => !LAST.includes(k)), ...LAST.filter((k) => routes.includes(k))];
  const failures = [];
  for (const key of ordered) {
    const row = MATRIX[key];
    if (!row) continue; // reported by the first test
    const [method, pattern] = key.split(' ');
    const expected = row.split(' ');
    const isPage = !pattern.startsWith('/api/') && !pattern.startsWith('/.well-known/');
    for (let i = 0; i < ROLES.length; i++) {
      const role = ROLES[i];
      const c = FRESH_SESSION.has(key) ? await freshClient(role) : clients[role]();
      const p = pathFor(method, pattern);
      const headers = isPage ? { Accept: 'text/html' } : {};
      const fields = BODIES[pattern.replace(/^\/api\//, '/')] || {};
      let res;
      if (method === 'GET') {
        res = await c.req(method, p, undefined, { headers });
      } else if (isPage) {
        // Pages post forms, with the CSRF token as a field.
        const form = new URLSearchParams({ ...fields, csrf: c.csrf || '' }).toString();
        res = await c.req(method, p, form, { headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, raw: true });
      } else {
        res = await c.req(method, p, fields, { headers });
      }
      const got = classify(res, isPage);
      if (got !== expected[i]) failures.push(`${key} as ${role} (${p}): expected ${expected[i]}, got ${got} [${res.status}] ${res.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

