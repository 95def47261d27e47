// Re-certification (issue 20 item 5): reminders before a certificate expires, on the
// holder's page and by e-mail once per certificate and threshold (recorded in the store, so
// a restart never sends one again), and the path from the reminder to a new certificate
// that names the old one, shown both ways on the verification pages, in the JSON verdict
// and in the audit entry. Certificates here are valid one year (the exam's validity_years),
// so a threshold of 400 days is already crossed and one of 380 is crossed too: changing
// the thresholds between restarts stands in for time passing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  startDaemon, stopClean, candidateClient, adminClient, Client, tmpDir, dbExec, dropDatabase,
  PASSWORD, UJIKOMD,
} from './lib/daemon.mjs';
import { certify, objectiveExamsDir } from './lib/certify.mjs';
import { smtpSink } from './lib/smtp.mjs';

const EXAM = 'UJI-ULANG-JR';
const examsDir = objectiveExamsDir(EXAM, { validityYears: 1 });
const dataDir = tmpDir('ujikom-recert-');
const sink = await smtpSink();
after(async () => { await sink.close(); dropDatabase(dataDir); });

// A daemon on the shared data directory with the given reminder thresholds, and mail to the
// relay on port (the sink by default; none when mail is false), with extra arguments. The
// one running is stopped at the end whatever happens.
let running = null;
after(async () => { if (running && !running.exited()) await running.stop('SIGKILL'); });
async function daemon(days, { mail = true, port = sink.port, extra = [] } = {}) {
  running = await startDaemon({
    dataDir, examsDir,
    args: ['--recert-remind-days', days,
      ...(mail ? ['--smtp-url', `smtp://127.0.0.1:${port}`, '--smtp-from', 'lsp@contoh.test'] : []),
      ...extra],
  });
  return running;
}

async function login(d, email) {
  const c = new Client(d.url);
  const r = await c.login(email, PASSWORD);
  assert.equal(r.status, 200, r.text);
  c.email = email;
  c.user = r.json.user;
  return c;
}

// The mails to email so far, after waiting for count of them (or timeoutMs).
async function mailsTo(email, count, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = sink.mails.filter((m) => m.to.includes(email));
    if (got.length >= count || Date.now() > end) return got;
    await sleep(50);
  }
}

const decode = (raw) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

// A holder certified on a daemon without mail (so no reminder is claimed yet), stopped after.
async function certifiedHolder(name) {
  const d = await daemon('400', { mail: false });
  const holder = await candidateClient(d, name);
  const serial = await certify(holder, EXAM);
  await stopClean(d);
  return { holder, serial };
}

// The reminder of serial at the 400-day threshold: cols of its row, joined by '|' ('' when
// there is none yet).
function reminderRow(serial, cols = 'mailed') {
  const r = dbExec(dataDir, `SELECT ${cols} FROM recert_reminders WHERE serial = '${serial}' AND days = 400`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Waits, at most ms, for serial's reminder to be marked mailed (delivered or refused for good).
async function untilMailed(serial, ms = 15_000) {
  const end = Date.now() + ms;
  while (reminderRow(serial) !== '1' && Date.now() < end) await sleep(50);
}

test('a bad --recert-remind-days stops the daemon at start-up', () => {
  for (const bad of ['0', '30,x', '30,30', '4000', '7,', '1,2,3,4,5,6,7,8,9']) {
    const r = spawnSync(UJIKOMD, ['--recert-remind-days', bad, '--data-dir', tmpDir()], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--recert-remind-days/);
  }
});

test('reminders once per threshold across restarts; re-certification links both ways', async () => {
  // Certified on a daemon without mail: nothing is sent, nothing recorded.
  let d = await daemon('400', { mail: false });
  const holder = await candidateClient(d, 'Dewi Lestari');
  const other = await candidateClient(d, 'Bayu Saputra');
  const email = holder.email;
  const serial = await certify(holder, EXAM);
  const reminderId = `id="recert-${serial}"`;
  let me = await holder.get('/me', { headers: { Accept: 'text/html' } });
  assert.equal(me.status, 200);
  assert.ok(me.text.includes(reminderId), 'the reminder shows from the farthest threshold');
  assert.match(me.text, /Sertifikat ini berakhir dalam 36[56] hari/);
  assert.ok(me.text.includes(`action="/me/certificates/${serial}/recertify"`), 'with the way to re-certify');
  // Before it opens, the competent holder cannot take the exam again.
  assert.equal((await holder.post(`/api/exams/${EXAM}/attempts`)).status, 409);
  await stopClean(d);
  assert.equal(sink.mails.length, 0, 'no mail without a mailer');

  // With a mailer: one mail for the 400-day threshold, recorded.
  d = await daemon('400');
  let got = await mailsTo(email, 1);
  assert.equal(got.length, 1, 'the reminder is mailed');
  const text = decode(got[0].text);
  assert.ok(text.includes(serial) && text.includes(`/me#cert-${serial}`), text);
  assert.match(text, /Sertifikat kompetensi Anda/);
  assert.match(text, /Your competency certificate/);
  await sleep(500);
  await stopClean(d);

  // A restart with a nearer threshold (time passing): one more mail, for it alone; the
  // 400-day one is not sent again.
  d = await daemon('380,400');
  got = await mailsTo(email, 2);
  assert.equal(got.length, 2, 'the nearer threshold is mailed once');
  await sleep(1500);
  await stopClean(d);
  d = await daemon('400,380');
  await sleep(2000);
  assert.equal((await mailsTo(email, 3, 500)).length, 2, 'nothing is sent twice across a restart');
  const rows = dbExec(dataDir, `SELECT days FROM recert_reminders WHERE serial = '${serial}' ORDER BY days`);
  assert.equal(rows.status, 0, rows.stderr);
  assert.deepEqual(rows.stdout.trim().split('\n'), ['380', '400']);
  assert.equal(sink.mails.filter((m) => !m.to.includes(email)).length, 0, 'no mail to anyone else');

  // The path: opened by the holder alone, idempotent, then the exam again.
  const h = await login(d, email);
  const o = await login(d, other.email);
  assert.equal((await o.post(`/api/certificates/${serial}/recertify`)).status, 404, 'not yours');
  assert.equal((await h.post('/api/certificates/bukan-nomor/recertify')).status, 404);
  const opened = await h.post(`/api/certificates/${serial}/recertify`);
  assert.equal(opened.status, 201, opened.text);
  assert.equal(opened.json.exam, EXAM);
  assert.equal(opened.json.start, `/exams/${EXAM}/start`);
  assert.equal((await h.post(`/api/certificates/${serial}/recertify`)).status, 200, 'opening again keeps it');
  me = await h.get('/me', { headers: { Accept: 'text/html' } });
  assert.ok(me.text.includes(`data-kind="recert-start" href="/exams/${EXAM}/start"`), 'the card leads on to the exam');
  const renewed = await certify(h, EXAM);
  assert.notEqual(renewed, serial);

  // Both verification pages and verdicts name the other certificate.
  const anon = new Client(d.url);
  const vNew = await anon.get(`/verify?serial=${renewed}`, { headers: { Accept: 'application/json' } });
  assert.equal(vNew.status, 200, vNew.text.slice(0, 300));
  assert.equal(vNew.json?.verdict, 'genuine', vNew.text.slice(0, 300));
  assert.equal(vNew.json.recertifies, serial);
  assert.equal(vNew.json.renewed_by, undefined);
  const vOld = await anon.get(`/verify?serial=${serial}`, { headers: { Accept: 'application/json' } });
  assert.equal(vOld.json.verdict, 'genuine', 'the old certificate keeps its own expiry');
  assert.equal(vOld.json.renewed_by, renewed);
  assert.equal(vOld.json.recertifies, undefined);
  const api = await anon.post('/api/verify', { serial: renewed });
  assert.equal(api.json.recertifies, serial);
  const pNew = await anon.get(`/verify?serial=${renewed}`, { headers: { Accept: 'text/html' } });
  assert.ok(pNew.text.includes(`href="/verify?serial=${serial}" class="recertifies"`), 'the new page links the old');
  assert.match(pNew.text, /Memperbarui sertifikat/);
  const pOld = await anon.get(`/verify?serial=${serial}`, { headers: { Accept: 'text/html' } });
  assert.ok(pOld.text.includes(`href="/verify?serial=${renewed}" class="renewed-by"`), 'the old page says renewed by');
  assert.match(pOld.text, /Renewed by certificate/);

  // The holder's page: the old card names its renewal and reminds no more.
  me = await h.get('/me', { headers: { Accept: 'text/html' } });
  const oldCard = me.text.slice(me.text.indexOf(`id="cert-${serial}"`));
  assert.ok(!me.text.includes(reminderId), 'no reminder for a renewed certificate');
  assert.ok(oldCard.slice(0, oldCard.indexOf('</section>')).includes(renewed));
  assert.equal((await h.post(`/api/certificates/${serial}/recertify`)).status, 409, 'renewed already');

  // The issuance's audit entry names what it recertifies; opening was audited too.
  const admin = await adminClient(d);
  const log = await admin.get(`/api/admin/audit?subject=${encodeURIComponent(`certificate:${renewed}`)}`);
  const issue = log.json.items.find((e) => e.action === 'certificate.issue');
  assert.equal(issue.after.recertifies, serial);
  const log2 = await admin.get(`/api/admin/audit?subject=${encodeURIComponent(`certificate:${serial}`)}`);
  const opening = log2.json.items.find((e) => e.action === 'certificate.recertify');
  assert.equal(opening.actor, h.user.id, 'opened by the holder');
  assert.deepEqual(opening.after, { serial, exam: EXAM });
  await stopClean(d);
});

test('a reminder the relay did not take is mailed again once it takes mail, and only once', async () => {
  const { holder, serial } = await certifiedHolder('Sri Rahayu');
  const reminder = () => reminderRow(serial, 'mailed, sent_at');
  let d;
  // The relay answers "try again later" (451) and the next try is an hour away: the reminder
  // is claimed and tried, and still waiting in the mailer when the daemon stops. Its claim is
  // then released: recorded, not delivered (mailed 0), claim time 0.
  const deferring = await smtpSink({ refuse: 1000 });
  try {
    d = await daemon('400', { port: deferring.port, extra: ['--smtp-retry', '3600'] });
    // Until this reminder is claimed and every claimed one was offered to the relay (another
    // holder's renewed certificate may be due too, and go first).
    const end = Date.now() + 15_000;
    for (;;) {
      const pending = dbExec(dataDir, 'SELECT count(*) FROM recert_reminders WHERE mailed = 0');
      const n = pending.status === 0 ? Number(pending.stdout.trim()) : NaN; // NaN: ask again
      if ((n >= 1 && deferring.counts.rcpts >= n && /^0\|[1-9]/.test(reminder())) || Date.now() > end) break;
      await sleep(50);
    }
    assert.match(reminder(), /^0\|[1-9]\d*$/, 'claimed, not delivered');
    assert.ok(deferring.counts.rcpts >= 1, 'tried');
    await stopClean(d);
  } finally {
    if (d && !d.exited()) await d.stop('SIGKILL'); // its open SMTP connection would hold close()
    await deferring.close();
  }
  assert.equal(reminder(), '0|0', 'the claim is released at shutdown');
  assert.equal(sink.mails.filter((m) => m.to.includes(holder.email)).length, 0);

  // With a relay that takes mail, the next sweep sends it: once, and it is marked delivered.
  d = await daemon('400');
  const got = await mailsTo(holder.email, 1);
  assert.equal(got.length, 1, 'the reminder is mailed again');
  assert.ok(decode(got[0].text).includes(`/me#cert-${serial}`));
  const end = Date.now() + 5_000;
  while (reminder().startsWith('0|') && Date.now() < end) await sleep(50);
  assert.match(reminder(), /^1\|[1-9]\d*$/, 'delivered');
  await stopClean(d);
  d = await daemon('400');
  await sleep(2000);
  assert.equal((await mailsTo(holder.email, 2, 500)).length, 1, 'not sent twice across a restart');
  await stopClean(d);
});

test('a reminder the relay refuses for good is not sent again', async () => {
  const { holder, serial } = await certifiedHolder('Rudi Hartono');
  let d;
  // 550 to every recipient: settled as delivered (never again), with a warning.
  const refusing = await smtpSink({ refuse: 1000, code: 550 });
  try {
    d = await daemon('400', { port: refusing.port });
    await untilMailed(serial);
    assert.equal(reminderRow(serial), '1', 'settled after the refusal');
    assert.ok(refusing.counts.rcpts >= 1, 'offered to the relay');
    await stopClean(d);
    assert.match(d.output(), new RegExp(`the reminder of certificate ${serial} was refused for good`));
  } finally {
    if (d && !d.exited()) await d.stop('SIGKILL'); // its open SMTP connection would hold close()
    await refusing.close();
  }
  // A relay that takes mail later gets nothing for it.
  d = await daemon('400');
  await sleep(2000);
  assert.equal((await mailsTo(holder.email, 1, 500)).length, 0, 'not sent again');
  await stopClean(d);
});

// A holder whose stored address no mail can go to (imported with a quoted local part, which
// the mailer refuses: not one plain address): the reminder is settled as refused for good
// without a try, and the relay, which takes mail, gets nothing.
test('a reminder to an address no mail can go to is settled without a try', async () => {
  const { holder, serial } = await certifiedHolder('Rudi Hartono');
  const odd = `"Rudi H ${serial}"@contoh.id`;
  const set = dbExec(dataDir, `UPDATE users SET email = '${odd}' WHERE email = '${holder.email}'`);
  assert.equal(set.status, 0, set.stderr);
  const d = await daemon('400');
  try {
    await untilMailed(serial);
    assert.equal(reminderRow(serial), '1', 'settled');
    await stopClean(d);
  } finally {
    if (!d.exited()) await d.stop('SIGKILL');
  }
  assert.match(d.output(), /refused a mail to an address no mail can go to/);
  assert.match(d.output(), new RegExp(`the reminder of certificate ${serial} was refused for good`));
  assert.equal(sink.mails.filter((m) => m.to.includes(serial)).length, 0, 'nothing reached the relay');
});
