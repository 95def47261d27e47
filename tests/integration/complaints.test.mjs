// Complaints (pengaduan, ISO/IEC 17024 9.9), end to end over the JSON API: anyone lodges one
// (signed in or not) and gets a reference and a private status link; the fields are checked
// one by one; an administrator takes it (never one who lodged it), writes progress notes the
// complainant reads and internal notes they do not, and closes it with an outcome; until then
// the complainant may reply through the link, and staff see the reply waiting; each step is
// audited without the complainant's words or contact, and mailed when an address was given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  startDaemon, stopClean, adminClient, candidateClient, Client, uniqueEmail,
} from './lib/daemon.mjs';
import { smtpSink, mailFor } from './lib/smtp.mjs';

let d;
let sink;
let admin;

before(async () => {
  sink = await smtpSink();
  // Every anonymous complaint and reply here comes from one address: the limit has a test of
  // its own, with a daemon of its own.
  d = await startDaemon({ args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'lsp@contoh.test', '--complaints-per-hour', '100'] });
  admin = await adminClient(d);
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (sink) await sink.close();
});

const BODY = 'Asesor datang terlambat satu jam dan ujian praktik dipersingkat tanpa penjelasan.';
// Who takes or closes a complaint declares they took no part in what it is about.
const DECLARED = { not_involved: true };

const lodging = (over = {}) => ({
  name: 'Dewi Anggraini',
  email: uniqueEmail('adu'),
  category: 'assessor',
  about: 'Jadwal uji 12 Mei 2026, TUK Bandung',
  body: BODY,
  ...over,
});

test('an anonymous complaint: reference, status link, acknowledgement mail, no internals', async () => {
  const anon = new Client(d.url);
  const inb = lodging();
  const r = await anon.post('/api/complaints', inb);
  assert.equal(r.status, 201, r.text);
  const c = r.json.complaint;
  assert.match(c.reference, /^ADU-\d{6,}$/);
  assert.equal(c.status, 'received');
  assert.equal(c.category, 'assessor');
  assert.equal(c.body, BODY);
  assert.equal(c.about, inb.about);
  assert.equal(c.outcome, null);
  assert.match(r.json.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(r.json.status_url, `${d.url}/pengaduan/${r.json.token}`);
  // The complainant's view carries no contact, account id or staff names.
  assert.equal(c.email, undefined);
  assert.equal(c.user_id, undefined);
  assert.equal(c.token, undefined);

  const mail = await mailFor(sink.mails, inb.email);
  assert.ok(mail, 'the receipt is acknowledged by e-mail');
  assert.ok(mail.text.includes(c.reference), 'the mail names the reference');
  assert.ok(mail.text.includes(r.json.token), 'the mail carries the status link');

  const st = await new Client(d.url).get(`/api/complaints/${r.json.token}`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.complaint.reference, c.reference);
  assert.deepEqual(st.json.complaint.notes, []);

  // Tokens that are not one, or not known: 404, never 5xx.
  for (const t of ['x', 'A'.repeat(43), `${r.json.token}A`, '%00', 'A'.repeat(300)]) {
    const bad = await anon.get(`/api/complaints/${t}`);
    assert.ok([400, 404].includes(bad.status), `${t}: ${bad.status}`);
  }
});

test('each field is checked and named; nothing is stored for a refused complaint', async () => {
  const anon = new Client(d.url);
  const before = await admin.get('/api/admin/complaints');
  assert.equal(before.status, 200, before.text);
  const cases = [
    [{ name: '' }, /name/],
    [{ name: 'Rina\u202eWulandari' }, /name/],
    [{ email: 'bukan-alamat' }, /email/],
    [{ category: 'lainnya' }, /category/],
    [{ category: undefined }, /category/],
    [{ body: 'Terlalu pendek.' }, /body/],
    [{ body: 'a'.repeat(5001) }, /body/],
    [{ body: `Teks dengan karakter kendali \u0085 di dalamnya, cukup panjang.` }, /body/],
    [{ body: `Teks dengan penanda arah \u202e di dalamnya, cukup panjang.` }, /body/],
    [{ about: 'baris satu\nbaris dua' }, /about/],
    [{ about: 'x'.repeat(201) }, /about/],
  ];
  for (const [over, field] of cases) {
    const body = lodging(over);
    for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
    const r = await anon.post('/api/complaints', body);
    assert.equal(r.status, 400, `${JSON.stringify(over).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.error, 'invalid_field');
    assert.match(r.json.message, field, r.text);
  }
  // Limits are counted in characters: 5,000 two-byte letters and a 200-character reference pass.
  const long = await anon.post('/api/complaints', lodging({ body: 'é'.repeat(5000), about: 'ö'.repeat(200) }));
  assert.equal(long.status, 201, long.text);
  // Line ends are kept as line feeds; surrounding spaces go.
  const crlf = await anon.post('/api/complaints', lodging({ body: `  Baris pertama keluhan.\r\nBaris kedua keluhan.  ` }));
  assert.equal(crlf.status, 201, crlf.text);
  assert.equal(crlf.json.complaint.body, 'Baris pertama keluhan.\nBaris kedua keluhan.');
  const afterList = await admin.get('/api/admin/complaints');
  assert.equal(afterList.json.counts.received, before.json.counts.received + 2, 'only the two good ones were stored');
});

test('a signed-in complaint is the account\'s; its author never handles it', async () => {
  const cand = await candidateClient(d, 'Bagus Pratama');
  const r = await cand.post('/api/complaints', { category: 'exam_system', body: 'Jawaban saya tidak tersimpan dua kali pada soal nomor 7.' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.complaint.name, 'Bagus Pratama', 'the account\'s name when none is given');
  const mine = await cand.get('/api/me/complaints');
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.json.items.some((c) => c.reference === r.json.complaint.reference));
  const other = await candidateClient(d, 'Orang Lain');
  const theirs = await other.get('/api/me/complaints');
  assert.ok(!theirs.json.items.some((c) => c.reference === r.json.complaint.reference), 'nobody else lists it');

  // An administrator who lodged a complaint cannot take it; another can.
  const admin2 = await adminClient(d, { name: 'Admin Kedua' });
  const own = await admin2.post('/api/complaints', { category: 'service', body: 'Pelayanan administrasi lambat sekali minggu ini.' });
  assert.equal(own.status, 201, own.text);
  const id = Number(own.json.complaint.reference.slice(4));
  const self = await admin2.post(`/api/admin/complaints/${id}/take`, DECLARED);
  assert.equal(self.status, 403, self.text);
  assert.equal(self.json.error, 'own_complaint');
  const taken = await admin.post(`/api/admin/complaints/${id}/take`, DECLARED);
  assert.equal(taken.status, 200, taken.text);
  const selfNote = await admin2.post(`/api/admin/complaints/${id}/notes`, { text: 'Saya tangani sendiri.', shown: true });
  assert.equal(selfNote.status, 403, selfNote.text);
  const selfClose = await admin2.post(`/api/admin/complaints/${id}/close`, { outcome: 'not_upheld', text: 'Tidak.', ...DECLARED });
  assert.equal(selfClose.status, 403, selfClose.text);

  // Candidates and assessors do not reach the staff routes.
  assert.equal((await cand.get('/api/admin/complaints')).status, 403);
  assert.equal((await cand.post(`/api/admin/complaints/${id}/take`, DECLARED)).status, 403);
  assert.equal((await new Client(d.url).get('/api/admin/complaints')).status, 401);
});

test('taken, followed with notes and closed: the complainant reads what is meant for them', async () => {
  const anon = new Client(d.url);
  const inb = lodging({ category: 'certificate', about: 'UJK-2026-0001' });
  const lodged = await anon.post('/api/complaints', inb);
  assert.equal(lodged.status, 201, lodged.text);
  const token = lodged.json.token;
  const ref = lodged.json.complaint.reference;
  const id = Number(ref.slice(4));
  await mailFor(sink.mails, inb.email);

  // Staff see the contact and the account (none) but never the token.
  const got = await admin.get(`/api/admin/complaints/${id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.complaint.email, inb.email);
  assert.equal(got.json.complaint.name, inb.name);
  assert.ok(!got.text.includes(token), 'staff views never carry the status token');
  const listed = await admin.get('/api/admin/complaints?status=received');
  assert.ok(listed.json.items.some((c) => c.reference === ref));

  // Taking and closing need the handler's declaration of no involvement.
  for (const body of [{}, { not_involved: false }, { not_involved: 'tidak' }]) {
    const undeclared = await admin.post(`/api/admin/complaints/${id}/take`, body);
    assert.equal(undeclared.status, 400, undeclared.text);
    assert.equal(undeclared.json.error, 'invalid_field');
    assert.match(undeclared.json.message, /not_involved/);
  }
  // Nothing before it is taken; then only once.
  const early = await admin.post(`/api/admin/complaints/${id}/notes`, { text: 'Catatan.', shown: false });
  assert.equal(early.status, 409, early.text);
  assert.equal(early.json.error, 'complaint_not_in_review');
  const take = await admin.post(`/api/admin/complaints/${id}/take`, DECLARED);
  assert.equal(take.status, 200, take.text);
  assert.equal(take.json.complaint.status, 'in_review');
  const twice = await admin.post(`/api/admin/complaints/${id}/take`, DECLARED);
  assert.equal(twice.status, 409, twice.text);
  assert.equal(twice.json.error, 'complaint_taken');

  const internal = await admin.post(`/api/admin/complaints/${id}/notes`, { text: 'Cek log penerbitan sertifikat, rahasia.', shown: false });
  assert.equal(internal.status, 201, internal.text);
  const shown = await admin.post(`/api/admin/complaints/${id}/notes`, { text: 'Kami sedang memeriksa data sertifikat Anda.', shown: true });
  assert.equal(shown.status, 201, shown.text);
  const emptyNote = await admin.post(`/api/admin/complaints/${id}/notes`, { text: '   ', shown: true });
  assert.equal(emptyNote.status, 400, emptyNote.text);

  const st = await anon.get(`/api/complaints/${token}`);
  assert.equal(st.json.complaint.status, 'in_review');
  assert.deepEqual(st.json.complaint.notes.map((n) => n.text), ['Kami sedang memeriksa data sertifikat Anda.']);
  assert.ok(!st.text.includes('rahasia'), 'an internal note stays with staff');
  const staffView = await admin.get(`/api/admin/complaints/${id}`);
  assert.deepEqual(staffView.json.complaint.notes.map((n) => [n.shown, n.text]), [
    [false, 'Cek log penerbitan sertifikat, rahasia.'], [true, 'Kami sedang memeriksa data sertifikat Anda.']]);

  const badOutcome = await admin.post(`/api/admin/complaints/${id}/close`, { outcome: 'maybe', text: 'Tidak jelas.', ...DECLARED });
  assert.equal(badOutcome.status, 400, badOutcome.text);
  const noText = await admin.post(`/api/admin/complaints/${id}/close`, { outcome: 'upheld', ...DECLARED });
  assert.equal(noText.status, 400, noText.text);
  const undeclaredClose = await admin.post(`/api/admin/complaints/${id}/close`, { outcome: 'upheld', text: 'Diterima.' });
  assert.equal(undeclaredClose.status, 400, undeclaredClose.text);
  assert.match(undeclaredClose.json.message, /not_involved/);
  const closed = await admin.post(`/api/admin/complaints/${id}/close`, {
    outcome: 'upheld', text: 'Nama pada sertifikat salah ketik; sertifikat diterbitkan ulang.', ...DECLARED,
  });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.complaint.status, 'closed');
  assert.equal(closed.json.complaint.outcome, 'upheld');
  const again = await admin.post(`/api/admin/complaints/${id}/close`, { outcome: 'not_upheld', text: 'Lagi.', ...DECLARED });
  assert.equal(again.status, 409, again.text);
  const lateNote = await admin.post(`/api/admin/complaints/${id}/notes`, { text: 'Terlambat.', shown: true });
  assert.equal(lateNote.status, 409, lateNote.text);

  const end = await anon.get(`/api/complaints/${token}`);
  assert.equal(end.json.complaint.status, 'closed');
  assert.equal(end.json.complaint.outcome, 'upheld');
  assert.equal(end.json.complaint.outcome_text, 'Nama pada sertifikat salah ketik; sertifikat diterbitkan ulang.');
  assert.ok(end.json.complaint.closed_at >= end.json.complaint.created_at);

  // The complainant was written to for the progress report and for the outcome.
  const mails = async (n) => {
    const t0 = Date.now();
    for (;;) {
      const got2 = sink.mails.filter((m) => m.to.includes(inb.email));
      if (got2.length >= n || Date.now() - t0 > 15_000) return got2;
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const all = await mails(3);
  assert.equal(all.length, 3, 'acknowledgement, progress report, outcome');
  assert.ok(all.some((m) => m.text.includes('sertifikat diterbitkan ulang')), 'the outcome is mailed');
  assert.ok(!all.some((m) => m.text.includes('rahasia')), 'no internal note is mailed');

  // Audited, step by step, without the complainant's words or contact.
  const audit = await admin.get(`/api/admin/audit?subject=complaint:${id}`);
  assert.equal(audit.status, 200, audit.text);
  assert.deepEqual(audit.json.items.map((e) => e.action).reverse(),
    ['complaint.lodge', 'complaint.take', 'complaint.note', 'complaint.note', 'complaint.close']);
  const takeEntry = audit.json.items.find((e) => e.action === 'complaint.take');
  assert.equal(takeEntry.after.not_involved, true, 'the declaration is on record');
  const text = JSON.stringify(audit.json);
  for (const secret of [inb.email, inb.name, BODY, token, 'rahasia']) {
    assert.ok(!text.includes(secret), `the audit log does not carry ${secret.slice(0, 20)}`);
  }
  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.json.intact, true, v.text);
  // The audit page tells the outcome and the category in words, not their codes.
  const page = await admin.get(`/admin/audit?subject=complaint:${id}`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /Hasil: Pengaduan terbukti/);
  assert.match(page.text, /Kategori: Sertifikat/);
});

test('the complainant replies through the link until it is closed; staff see the reply wait', async () => {
  const anon = new Client(d.url);
  const inb = lodging({ category: 'assessment' });
  const lodged = await anon.post('/api/complaints', inb);
  assert.equal(lodged.status, 201, lodged.text);
  const { token } = lodged.json;
  const ref = lodged.json.complaint.reference;
  const id = Number(ref.slice(4));
  await mailFor(sink.mails, inb.email);

  // Received: whoever holds the link replies, no account needed; the text has its rule.
  const REPLY = 'Saya lupa menyebutkan: asesor juga tidak membawa instrumen asesmen.';
  const r = await anon.post(`/api/complaints/${token}/replies`, { text: `  ${REPLY}\r\n` });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.complaint.status, 'received');
  assert.equal(r.json.complaint.reference, ref);
  assert.deepEqual(r.json.complaint.notes.map((n) => [n.from_complainant, n.text]), [[true, REPLY]]);
  assert.equal(r.json.complaint.notes[0].author, undefined, 'the complainant\'s view names nobody');
  assert.equal(r.json.complaint.awaiting_staff, undefined);
  for (const body of [{}, { text: '   ' }, { text: 'a'.repeat(5001) }, { text: 42 }, { text: 'a\u202eb' }]) {
    const bad = await anon.post(`/api/complaints/${token}/replies`, body);
    assert.equal(bad.status, 400, `${JSON.stringify(body).slice(0, 40)}: ${bad.text}`);
    assert.equal(bad.json.error, 'invalid_field');
    assert.match(bad.json.message, /^text/);
  }
  for (const t of ['x', 'A'.repeat(43), `${token}A`]) {
    const none = await anon.post(`/api/complaints/${t}/replies`, { text: REPLY });
    assert.equal(none.status, 404, `${t}: ${none.text}`);
    assert.equal(none.json.error, 'complaint_not_found');
  }

  // Staff: the reply among the notes without an author, the complaint marked as waiting.
  let staff = await admin.get(`/api/admin/complaints/${id}`);
  assert.equal(staff.status, 200, staff.text);
  assert.equal(staff.json.complaint.awaiting_staff, true);
  assert.deepEqual(staff.json.complaint.notes.map((n) => [n.from_complainant, n.shown, n.author, n.author_id, n.text]),
    [[true, true, null, null, REPLY]]);
  assert.ok(!staff.text.includes(token), 'staff views never carry the status token');
  const listed = await admin.get('/api/admin/complaints?status=received');
  assert.equal(listed.json.items.find((c) => c.reference === ref).awaiting_staff, true);

  // Taken and answered: no longer waiting; the next reply waits again.
  const take = await admin.post(`/api/admin/complaints/${id}/take`, DECLARED);
  assert.equal(take.status, 200, take.text);
  assert.equal(take.json.complaint.awaiting_staff, true, 'taking it answers nothing');
  const answer = await admin.post(`/api/admin/complaints/${id}/notes`, { text: 'Terima kasih, instrumennya kami periksa.', shown: true });
  assert.equal(answer.status, 201, answer.text);
  assert.equal(answer.json.complaint.awaiting_staff, false);
  const again = await anon.post(`/api/complaints/${token}/replies`, { text: 'Baik, saya tunggu kabarnya.' });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.complaint.status, 'in_review');
  assert.deepEqual(again.json.complaint.notes.map((n) => n.from_complainant), [true, false, true]);
  staff = await admin.get(`/api/admin/complaints/${id}`);
  assert.equal(staff.json.complaint.awaiting_staff, true);
  assert.equal(staff.json.complaint.notes[1].from_complainant, false);
  assert.equal(typeof staff.json.complaint.notes[1].author, 'string');

  // Closed: closing answers it; no reply after that, and nothing is stored.
  const closed = await admin.post(`/api/admin/complaints/${id}/close`, { outcome: 'not_upheld', text: 'Instrumen tersedia di TUK.', ...DECLARED });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.complaint.awaiting_staff, false);
  const late = await anon.post(`/api/complaints/${token}/replies`, { text: 'Saya tidak setuju.' });
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'complaint_closed');
  const end = await anon.get(`/api/complaints/${token}`);
  assert.deepEqual(end.json.complaint.notes.map((n) => n.from_complainant), [true, false, true]);

  // Audited as the complainant's (by the system: lodged without an account), never the words.
  const audit = await admin.get(`/api/admin/audit?subject=complaint:${id}`);
  assert.equal(audit.status, 200, audit.text);
  assert.deepEqual(audit.json.items.map((e) => e.action).reverse(),
    ['complaint.lodge', 'complaint.reply', 'complaint.take', 'complaint.note', 'complaint.reply', 'complaint.close']);
  const text = JSON.stringify(audit.json);
  for (const secret of [REPLY, 'saya tunggu', token, inb.email]) {
    assert.ok(!text.includes(secret), `the audit log does not carry ${secret.slice(0, 20)}`);
  }
  // Nobody is mailed a reply: the acknowledgement, the progress report and the outcome only.
  const t0 = Date.now();
  let mails = [];
  while (Date.now() - t0 < 15_000) {
    mails = sink.mails.filter((m) => m.to.includes(inb.email));
    if (mails.length >= 3) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  await new Promise((res) => setTimeout(res, 300));
  mails = sink.mails.filter((m) => m.to.includes(inb.email));
  assert.equal(mails.length, 3, 'acknowledgement, progress report, outcome');
  assert.ok(!mails.some((m) => m.text.includes('saya tunggu') || m.text.includes('instrumen asesmen')), 'no reply is mailed');
});

test('the staff list pages newest first and filters by status', async () => {
  const anon = new Client(d.url);
  const refs = [];
  for (let i = 0; i < 3; i++) {
    const r = await anon.post('/api/complaints', lodging({ email: '', body: `Keluhan nomor ${i} tentang antrean ujian yang panjang.` }));
    assert.equal(r.status, 201, r.text);
    refs.push(r.json.complaint.reference);
  }
  const page = await admin.get('/api/admin/complaints?status=received');
  assert.equal(page.status, 200, page.text);
  const seen = page.json.items.map((c) => c.reference);
  assert.deepEqual(seen.slice(0, 3), refs.slice().reverse(), 'newest first');
  for (const c of page.json.items) assert.equal(c.status, 'received');
  assert.equal((await admin.get('/api/admin/complaints?status=dibuka')).status, 400);
  assert.equal((await admin.get('/api/admin/complaints?before=abc')).status, 400);
  const id = Number(refs[2].slice(4));
  const older = await admin.get(`/api/admin/complaints?before=${id}`);
  assert.equal(older.status, 200, older.text);
  assert.ok(older.json.items.every((c) => Number(c.reference.slice(4)) < id));
  assert.ok(older.json.items.some((c) => c.reference === refs[1]));
});

test('one address lodges (or replies) --complaints-per-hour times an hour, also when sent at once; an account counts apart', async (t) => {
  const dm = await startDaemon({ args: ['--complaints-per-hour', '2'] });
  t.after(async () => { await stopClean(dm); dm.cleanup(); });
  const anon = new Client(dm.url);
  const refused = await anon.post('/api/complaints', lodging({ body: 'pendek' }));
  assert.equal(refused.status, 400, 'a refused complaint costs nothing');
  const first = await anon.post('/api/complaints', lodging({ email: '' }));
  assert.equal(first.status, 201, first.text);
  // A reply counts in the same bucket (a refused one costs nothing).
  const replies = `/api/complaints/${first.json.token}/replies`;
  assert.equal((await anon.post(replies, { text: ' ' })).status, 400);
  const reply = await anon.post(replies, { text: 'Tambahan keterangan dari saya.' });
  assert.equal(reply.status, 201, reply.text);
  const third = await anon.post('/api/complaints', lodging({ email: '' }));
  assert.equal(third.status, 429, third.text);
  assert.ok(Number(third.headers.get('retry-after')) > 0, 'Retry-After says when');
  assert.equal((await anon.post(replies, { text: 'Satu lagi.' })).status, 429, 'replies are limited alike');
  const page = await anon.req('POST', '/pengaduan', new URLSearchParams({
    name: 'Dewi Anggraini', category: 'service', body: BODY,
  }).toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: dm.url, Accept: 'text/html' }, raw: true });
  assert.equal(page.status, 429, 'the page form is limited alike');
  // A signed-in candidate behind the same address has a bucket of their own.
  const cand = await candidateClient(dm, 'Rudi Hartono');
  const own = await cand.post('/api/complaints', { category: 'service', body: BODY });
  assert.equal(own.status, 201, own.text);
  // Sent at the same moment, they are counted as they are stored: no more get through.
  const burst = await candidateClient(dm, 'Sari Wulandari');
  const at_once = await Promise.all(Array.from({ length: 6 }, () => burst.post('/api/complaints', { category: 'service', body: BODY })));
  const statuses = at_once.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 201, 429, 429, 429, 429], `six at once with room for two: ${statuses}`);
  const admin2 = await adminClient(dm);
  const list = await admin2.get('/api/admin/complaints');
  assert.equal(list.json.counts.received, 4, 'the limited ones were not stored');
});

test('staff export every complaint as CSV without the complainant\'s words or contact', async () => {
  const anon = new Client(d.url);
  const inb = lodging({ category: 'exam_system', body: 'Halaman ujian tertutup sendiri dua kali; =HYPERLINK("x").' });
  const r = await anon.post('/api/complaints', inb);
  assert.equal(r.status, 201, r.text);
  const ref = r.json.complaint.reference;
  const id = Number(ref.slice(4));
  assert.equal((await admin.post(`/api/admin/complaints/${id}/take`, DECLARED)).status, 200);
  const closed = await admin.post(`/api/admin/complaints/${id}/close`, { outcome: 'not_upheld', text: 'Tidak ditemukan gangguan pada server.', ...DECLARED });
  assert.equal(closed.status, 200, closed.text);

  const csv = await admin.get('/api/admin/complaints/csv');
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment; filename="pengaduan\.csv"/);
  assert.equal(csv.body[0], 0xef, 'a UTF-8 byte order mark first');
  const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
  assert.match(lines[0], /^Nomor pengaduan,/, lines[0]);
  const row = lines.find((l) => l.startsWith(`${ref},`));
  assert.ok(row, `the closed complaint has a row: ${lines.slice(0, 3).join(' | ')}`);
  assert.match(row, /Sistem ujian daring|ujian daring/i, row);
  assert.match(row, /tidak terbukti/i, row);
  for (const secret of [inb.email, inb.name, 'HYPERLINK', 'Tidak ditemukan gangguan']) {
    assert.ok(!csv.text.includes(secret), `the export does not carry ${secret}`);
  }
  const onlyClosed = await admin.get('/api/admin/complaints/csv?status=closed');
  const closedRows = onlyClosed.text.replace(/^\uFEFF/, '').split('\r\n').filter((l) => /^ADU-/.test(l));
  assert.ok(closedRows.some((l) => l.startsWith(`${ref},`)));
  assert.ok(closedRows.every((l) => /Selesai/.test(l)), 'only closed ones');
  assert.equal((await admin.get('/api/admin/complaints/csv?status=semua')).status, 400);
  const cand = await candidateClient(d, 'Penasaran');
  assert.equal((await cand.get('/api/admin/complaints/csv')).status, 403);
  // In English, the words are English.
  admin.cookies.set('lang', 'en');
  const en = await admin.get('/api/admin/complaints/csv');
  admin.cookies.delete('lang');
  assert.match(en.text, /Not upheld/i, en.text.slice(0, 300));
});

test('a link may say what a complaint is about; the form checks it like anything typed', async () => {
  const anon = new Client(d.url);
  const page = await anon.get('/pengaduan?category=certificate&about=UJK-ABCD-EFGH-JKMN-PQRS-T', { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /<option value="certificate" selected>/);
  assert.match(page.text, /value="UJK-ABCD-EFGH-JKMN-PQRS-T"/);
  const odd = await anon.get('/pengaduan?category=%3Cscript%3E&about=%22%3E%3Cb%3E', { headers: { Accept: 'text/html' } });
  assert.equal(odd.status, 200);
  assert.ok(!odd.text.includes('<b>'), 'what a link says is escaped');
  assert.ok(!/option value="[^"]*" selected/.test(odd.text), 'an unknown category selects nothing');
});
