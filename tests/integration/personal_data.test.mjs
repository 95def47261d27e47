// The data subject's copy of their data (GET /api/me/data; UU 27/2022 on personal data
// protection, articles 7 and 13): a candidate who applied, took an exam, was certified, chose a
// time zone and lodged a complaint downloads one JSON file that holds all of it, their own
// NIK included, and nothing that would let the file act as the account or that is another
// person's; another candidate's file holds none of it; the download is audited before it is
// handed out; nobody signed out gets one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';

import {
  startDaemon, stopClean, adminClient, candidateClient, Client, tmpDir, dropDatabase, PASSWORD,
} from './lib/daemon.mjs';
import { objectiveExamsDir, certify } from './lib/certify.mjs';
import { holdWriteLock } from './lib/reliability.mjs';

const EXAM_ID = 'DKV-UJI-DATA';
const NIK = '3171014508900003'; // DKI Jakarta, a woman born 05-08-1990
const COMPLAINT_BODY = 'Ruang uji di TUK terlalu bising sehingga saya sulit berkonsentrasi.';

const dataDir = tmpDir('ujikom-personal-data-');
const examsDir = objectiveExamsDir(EXAM_ID);
let d;
let admin;

before(async () => {
  // A short wait for the write lock: the refused download below answers 503 sooner.
  d = await startDaemon({ dataDir, examsDir, args: ['--busy-timeout', '300'] });
  admin = await adminClient(d);
});

after(async () => {
  if (d && !d.exited()) await stopClean(d);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(examsDir, { recursive: true, force: true });
  dropDatabase(dataDir);
});

const application = {
  personal: {
    full_name: 'Rina Kartika Sari', birth_place: 'Yogyakarta', birth_date: '1990-08-05',
    address: 'Jl. Malioboro No. 5, Yogyakarta', phone: '+62 813-1111-2222',
    education: 'SMK Desain Komunikasi Visual', occupation: 'Desainer grafis', nik: NIK,
  },
  self_assessment: {
    'U.OBJ.001': { 1: { answer: 'dapat', evidence: 'Ijazah SMK terlampir (ijazah.pdf).' } },
  },
};

test('the account holder downloads everything the service keeps about them, audited', async () => {
  const rina = await candidateClient(d, 'Rina Kartika Sari');
  const other = await candidateClient(d, 'Budi Santoso');
  const applied = await rina.post(`/api/exams/${EXAM_ID}/application`, application);
  assert.equal(applied.status, 201, applied.text);
  const serial = await certify(rina, EXAM_ID);
  assert.equal((await rina.put('/api/me/time-zone', { time_zone: 'WITA' })).status, 200);
  const lodged = await rina.post('/api/complaints', {
    name: 'Rina Kartika Sari', category: 'service', about: 'TUK Yogyakarta', body: COMPLAINT_BODY,
  });
  assert.equal(lodged.status, 201, lodged.text);
  const otherSerial = await certify(other, EXAM_ID);

  // Rina also signs in on her phone: the copy names the kind of device of each session.
  const phone = new Client(d.url, { headers: { 'User-Agent': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36' } });
  assert.equal((await phone.login(rina.email, PASSWORD)).status, 200);

  const r = await rina.get('/api/me/data');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="ujikom-data-\d+-\d{4}-\d\d-\d\d\.json"$/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const doc = r.json;
  assert.equal(doc.format, 'ujikom-personal-data/1');
  assert.ok(Math.abs(Date.parse(doc.generated_at) - Date.now()) < 60_000, doc.generated_at);

  // The account, with the time zone chosen; never its password hash.
  assert.equal(doc.account.name, 'Rina Kartika Sari');
  assert.equal(doc.account.role, 'candidate');
  assert.equal(doc.account.time_zone, 'WITA');
  assert.equal(doc.account.second_factor, false);
  assert.match(doc.account.email, /@/);

  // The attempt with each saved answer, its verdict and the result's units.
  assert.equal(doc.attempts.length, 1);
  const a = doc.attempts[0];
  assert.equal(a.exam_id, EXAM_ID);
  assert.equal(a.status, 'submitted');
  assert.equal(a.verdict, 'K');
  assert.deepEqual(a.answers.map((x) => [x.item_id, x.value]).sort(), [['OBJ-1', 'a'], ['OBJ-2', 'a']]);
  for (const x of a.answers) assert.ok(Date.parse(x.saved_at) > 0, x.saved_at);
  assert.ok(Array.isArray(a.units) && a.units.length === 1, JSON.stringify(a.units));
  assert.equal(a.units[0].code, 'U.OBJ.001');
  // The decision as the candidate is shown it (here the service's own: no assessor marked).
  const shown = await rina.get(`/api/attempts/${a.id}/feedback`);
  assert.equal(shown.status, 200, shown.text);
  assert.deepEqual(doc.feedback, [shown.json]);

  // The certificate, the application with the NIK opened, the complaint with its words.
  assert.deepEqual(doc.certificates.map((c) => c.serial), [serial]);
  assert.equal(doc.certificates[0].status, 'valid');
  assert.equal(doc.applications.length, 1);
  assert.equal(doc.applications[0].exam_id, EXAM_ID);
  assert.equal(doc.applications[0].personal.nik, NIK);
  assert.equal(doc.applications[0].personal.full_name, 'Rina Kartika Sari');
  assert.equal(doc.complaints.length, 1);
  assert.equal(doc.complaints[0].body, COMPLAINT_BODY);
  assert.deepEqual(doc.limits, {});

  // When the account was used: its sessions (and the browsers it logged in from), by times,
  // each with the kind of device it came from (null: a client that names none, as here).
  assert.ok(doc.sessions.length >= 2, JSON.stringify(doc.sessions));
  for (const x of doc.sessions) {
    assert.deepEqual(Object.keys(x).sort(), ['device', 'expires_at', 'last_used_at', 'started_at']);
    assert.ok(Date.parse(x.last_used_at) >= Date.parse(x.started_at));
  }
  const kinds = doc.sessions.map((x) => JSON.stringify(x.device));
  assert.equal(kinds.filter((k) => k === '{"browser":"chrome","os":"android"}').length, 1, 'the phone\'s');
  assert.equal(kinds.filter((k) => k === 'null').length, doc.sessions.length - 1, kinds.join(' '));
  assert.ok(Array.isArray(doc.devices));

  // Nothing that lets the file act as the account, nothing of the other candidate's.
  const text = r.text;
  const cookies = [...rina.cookies.values()];
  assert.ok(cookies.length >= 1);
  const tokens = cookies.flatMap((v) => [v, createHash('sha256').update(v).digest('hex')]);
  for (const secret of ['$scrypt$', 'password', 'token_hash', 'secret_sealed', PASSWORD, ...tokens]) {
    assert.ok(!text.includes(secret), `the file holds ${secret}`);
  }
  assert.ok(!text.includes(otherSerial), 'the other candidate\'s certificate');
  assert.ok(!text.includes('Budi Santoso'), 'the other candidate\'s name');

  // Their own file holds their own data only.
  const theirs = await other.get('/api/me/data');
  assert.equal(theirs.status, 200);
  assert.deepEqual(theirs.json.certificates.map((c) => c.serial), [otherSerial]);
  assert.deepEqual(theirs.json.applications, []);
  assert.deepEqual(theirs.json.complaints, []);
  assert.ok(!theirs.text.includes(NIK) && !theirs.text.includes(COMPLAINT_BODY));

  // Each download is in the audit log, with how much it held and none of it; the next file
  // lists the download before it among the entries about the account.
  const audit = await admin.get('/api/admin/audit?action=account.export');
  assert.equal(audit.status, 200, audit.text);
  const entries = audit.json.items;
  const mine = entries.filter((e) => e.subject === `user:${doc.account.id}`);
  assert.equal(mine.length, 1, JSON.stringify(entries));
  const after = typeof mine[0].after === 'string' ? JSON.parse(mine[0].after) : mine[0].after;
  assert.deepEqual(
    { attempts: after.counts.attempts, certificates: after.counts.certificates, applications: after.counts.applications, complaints: after.counts.complaints },
    { attempts: 1, certificates: 1, applications: 1, complaints: 1 });
  assert.ok(!JSON.stringify(mine[0]).includes(NIK) && !JSON.stringify(mine[0]).includes(COMPLAINT_BODY));
  const again = await rina.get('/api/me/data');
  assert.equal(again.status, 200);
  assert.ok(again.json.audit.some((e) => e.action === 'account.export' && e.by === 'you'),
    JSON.stringify(again.json.audit));
});

test('nobody signed out gets a file', async () => {
  const anon = new Client(d.url);
  const r = await anon.get('/api/me/data');
  assert.equal(r.status, 401, r.text);
  assert.ok(!('format' in (r.json ?? {})));
});

test('staff download their own account, not a candidate\'s', async () => {
  const r = await admin.get('/api/me/data');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.account.role, 'admin');
  assert.deepEqual(r.json.attempts, []);
  assert.deepEqual(r.json.certificates, []);
  assert.deepEqual(r.json.applications, []);
});

test('no file goes out while its audit entry cannot be written', async () => {
  const c = await candidateClient(d, 'Sari Handayani');
  const count = async () => {
    const r = await admin.get('/api/admin/audit?action=account.export');
    assert.equal(r.status, 200, r.text);
    return r.json.items.length;
  };
  const before = await count();
  const lock = await holdWriteLock(dataDir);
  let r;
  try {
    r = await c.get('/api/me/data');
  } finally {
    await lock.release();
  }
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error, 'busy');
  assert.ok(!r.text.includes('ujikom-personal-data') && !r.text.includes('Sari Handayani'), r.text);
  assert.equal(r.headers.get('content-disposition'), null);
  assert.equal(await count(), before, 'nothing recorded for the refused download');
  const ok = await c.get('/api/me/data');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(await count(), before + 1);
});

test('six downloads an hour, counted with their audit entries, whatever arrives at once', async () => {
  const c = await candidateClient(d, 'Wulan Sari Dewi');
  const id = (await c.get('/api/auth/me')).json.user.id;
  const burst = await Promise.all(Array.from({ length: 8 }, () => c.get('/api/me/data')));
  const statuses = burst.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429], JSON.stringify(statuses));
  for (const r of burst.filter((x) => x.status === 429)) {
    assert.equal(r.json.error, 'rate_limited');
    const after = Number(r.headers.get('retry-after'));
    assert.ok(after >= 1 && after <= 3600, String(after));
    assert.ok(!r.text.includes('ujikom-personal-data'));
  }
  const later = await c.get('/api/me/data');
  assert.equal(later.status, 429, 'refused before the file is built');
  const audit = await admin.get('/api/admin/audit?action=account.export');
  assert.equal(audit.json.items.filter((e) => e.subject === `user:${id}`).length, 6);
});

test('an administrator makes the same file for a person who asks the LSP, on record as theirs', async () => {
  const c = await candidateClient(d, 'Ayu Wandira');
  const applied = await c.post(`/api/exams/${EXAM_ID}/application`, application);
  assert.equal(applied.status, 201, applied.text);
  const id = (await c.get('/api/auth/me')).json.user.id;
  // The account is disabled (it cannot sign in), as a former candidate's may be.
  assert.equal((await admin.post(`/api/admin/users/${id}/disable`, { reason: 'Permintaan peserta' })).status, 200);
  const r = await admin.get(`/api/admin/users/${id}/data`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-disposition'), new RegExp(`^attachment; filename="ujikom-data-${id}-`));
  assert.equal(r.json.account.id, id);
  assert.equal(r.json.account.disabled, true);
  assert.equal(r.json.applications[0].personal.nik, NIK);
  assert.ok(r.json.audit.some((e) => e.action === 'user.disable' && e.by === 'staff'), JSON.stringify(r.json.audit));

  const adminId = (await admin.get('/api/auth/me')).json.user.id;
  const audit = await admin.get('/api/admin/audit?action=account.export');
  const entry = audit.json.items.find((e) => e.subject === `user:${id}`);
  assert.ok(entry, JSON.stringify(audit.json.items));
  assert.equal(entry.actor, adminId);

  assert.equal((await admin.get('/api/admin/users/999999/data')).status, 404);
  assert.equal((await admin.get('/api/admin/users/abc/data')).status, 404);
  const other = await candidateClient(d, 'Rudi Hartono');
  assert.equal((await other.get(`/api/admin/users/${id}/data`)).status, 403);
});

test('an application for an exam since removed from the catalogue is in the copy too', async () => {
  const c = await candidateClient(d, 'Made Ayu Lestari');
  const applied = await c.post(`/api/exams/${EXAM_ID}/application`, application);
  assert.equal(applied.status, 201, applied.text);
  // The LSP retires the exam: the daemon starts again without it.
  await stopClean(d);
  const otherExams = objectiveExamsDir('DKV-UJI-LAIN');
  try {
    d = await startDaemon({ dataDir, examsDir: otherExams, args: ['--busy-timeout', '300'] });
    c.base = d.url; // the same session, on the daemon's new port
    assert.equal((await c.get(`/api/exams/${EXAM_ID}`)).status, 404, 'the exam is gone');
    const r = await c.get('/api/me/data');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.applications.map((a) => [a.exam_id, a.personal.nik]), [[EXAM_ID, NIK]]);
  } finally {
    rmSync(otherExams, { recursive: true, force: true });
  }
});
