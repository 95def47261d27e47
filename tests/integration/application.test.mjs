// Applications (FR.APL.01 + FR.APL.02), eligibility and the observation sheet (FR.IA.01)
// against a live daemon: apply → eligible → start; not yet → cannot start; the NIK never in
// logs, the audit log, lists or the database file; who may see what (another candidate,
// an assessor not assigned to the candidate's test event: 404); an observation unit decided
// from its records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, stopClean, adminClient, candidateClient, cli } from './lib/daemon.mjs';
import { assessorClient } from './lib/reliability.mjs';
import { makeExamsDir, REVIEW_EXAM } from './lib/reviews.mjs';
import { assignApplications, userId } from './lib/schedules.mjs';

const APL_ID = 'DKV-UJI-APL';
// The review exam, requiring an application, with an observation unit added.
const APL_EXAM = REVIEW_EXAM.replace('id: DKV-UJI-REVIEW', `id: ${APL_ID}`)
  .replace('title: Uji Tinjauan Asesor', 'title: Uji Permohonan dan Observasi')
  .replace('\nunits:\n', '\nrequires_application: true\nunits:\n') + `  - code: U.OBS.003
    title: Unit Observasi
    assessment: observation
    elements:
      - id: 1
        title: Menyusun tata letak di depan asesor
        kuk:
          - id: "1.1"
            text: Grid disiapkan sebelum elemen ditempatkan.
          - id: "1.2"
            text: Hierarki judul dan isi jelas.
      - id: 2
        title: Menyerahkan berkas
        kuk:
          - id: "2.1"
            text: Berkas diekspor ke PDF siap cetak.
`;

const NIK = '3171014508900003'; // DKI Jakarta, a woman born 05-08-1990
const personal = (nik = NIK) => ({
  full_name: 'Dewi Lestari', birth_place: 'Jakarta', birth_date: '1990-08-05',
  address: 'Jl. Kemang Raya No. 10, Jakarta Selatan', phone: '+62 812-3456-7890',
  education: 'SMK Desain Komunikasi Visual', occupation: 'Desainer lepas', nik,
});
const SELF = {
  'U.OBJ.001': { 1: { answer: 'dapat', evidence: 'Sertifikat pelatihan desain 2024.' } },
  'U.ESS.002': { 1: { answer: 'belum_dapat', evidence: '' } },
  'U.OBS.003': { 1: { answer: 'dapat', evidence: 'Portofolio poster acara kampus.' },
                 2: { answer: 'dapat', evidence: 'Contoh PDF cetak untuk klien.' } },
};

async function setup(t, args = []) {
  const examsDir = makeExamsDir({ 'dkv-uji-apl.exam.yaml': APL_EXAM });
  const d = await startDaemon({ examsDir, logLevel: 'debug', args });
  t.after(async () => { await stopClean(d); d.cleanup(); rmSync(examsDir, { recursive: true, force: true }); });
  return {
    d,
    admin: await adminClient(d),
    asesor1: await assessorClient(d, 'Asesor Satu'),
    asesor2: await assessorClient(d, 'Asesor Dua'),
  };
}

test('apply → eligible → start; not yet → cannot start; the NIK stays sealed and out of logs, audit and lists', async (t) => {
  const { d, admin, asesor1, asesor2 } = await setup(t);
  const cand = await candidateClient(d, 'Dewi Lestari');
  const other = await candidateClient(d, 'Calon Lain');
  // asesor1 is assigned to the test event the candidate is enrolled in; asesor2 to another
  await assignApplications(admin, APL_ID, [await userId(asesor1)], [cand.email]);
  await assignApplications(admin, APL_ID, [await userId(asesor2)], [other.email]);

  // The exam says so, and which unit is observed.
  const ex = await cand.get(`/api/exams/${APL_ID}`);
  assert.equal(ex.json.requires_application, true);
  assert.equal(ex.json.units.find((u) => u.code === 'U.OBS.003').assessment, 'observation');
  assert.equal(ex.json.units.find((u) => u.code === 'U.OBJ.001').assessment, undefined);
  // Without an application the exam cannot start: 403 from the API, the reason on the page.
  const early = await cand.post(`/api/exams/${APL_ID}/attempts`, {});
  assert.equal(early.status, 403, early.text);
  assert.equal(early.json.error, 'not_eligible');
  const pre = await cand.get(`/exams/${APL_ID}/start`, { headers: { Accept: 'text/html' } });
  assert.equal(pre.status, 200);
  assert.match(pre.text, /id="start-refused"/);
  assert.match(pre.text, new RegExp(`href="/exams/${APL_ID}/application"`));
  const noAppl = await cand.get(`/api/exams/${APL_ID}/application`);
  assert.equal(noAppl.status, 404);

  // Invalid input is refused naming the field, never echoing the NIK.
  const badNik = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal('3171014508900000'), self_assessment: SELF });
  assert.equal(badNik.status, 400);
  assert.match(badNik.json.message, /personal\.nik/);
  assert.ok(!badNik.text.includes('3171014508900000'), 'the refused NIK is not echoed');
  const short = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal('12345'), self_assessment: SELF });
  assert.equal(short.status, 400);
  const missingElement = await cand.post(`/api/exams/${APL_ID}/application`,
    { personal: personal(), self_assessment: { ...SELF, 'U.OBS.003': { 1: SELF['U.OBS.003'][1] } } });
  assert.equal(missingElement.status, 400);
  assert.match(missingElement.json.message, /self_assessment\.U\.OBS\.003/);
  const noEvidence = await cand.post(`/api/exams/${APL_ID}/application`,
    { personal: personal(), self_assessment: { ...SELF, 'U.OBJ.001': { 1: { answer: 'dapat', evidence: '' } } } });
  assert.equal(noEvidence.status, 400);
  const extra = await cand.post(`/api/exams/${APL_ID}/application`, { personal: { ...personal(), religion: 'x' }, self_assessment: SELF });
  assert.equal(extra.status, 400);

  const sent = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal(), self_assessment: SELF });
  assert.equal(sent.status, 201, sent.text);
  const appl = sent.json.application;
  assert.equal(appl.status, 'pending');
  assert.equal(appl.personal.nik_masked, '************0003');
  assert.equal(appl.personal.nik, undefined, 'the NIK is not shown unless asked for');
  assert.ok(!sent.text.includes(NIK));
  const mine = await cand.get(`/api/exams/${APL_ID}/application?reveal=nik`);
  assert.equal(mine.json.application.personal.nik, NIK, 'the candidate may see their own NIK on request');

  // Still pending: no start.
  assert.equal((await cand.post(`/api/exams/${APL_ID}/attempts`, {})).status, 403);

  // Access: another candidate has no application here; candidates cannot read staff routes.
  assert.equal((await other.get(`/api/exams/${APL_ID}/application`)).status, 404);
  assert.equal((await other.get(`/api/applications/${appl.id}`)).status, 403);
  assert.equal((await other.post(`/api/applications/${appl.id}/decision`, { outcome: 'eligible', reason: 'x' })).status, 403);

  // Staff list and read without the NIK; reveal is audited.
  const list = await asesor1.get('/api/applications?status=pending');
  assert.equal(list.status, 200);
  assert.ok(list.json.applications.some((a) => a.id === appl.id));
  assert.ok(!list.text.includes(NIK));
  assert.equal((await asesor1.get('/api/applications?status=bogus')).status, 400);
  const read = await asesor1.get(`/api/applications/${appl.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.json.application.candidate.name, 'Dewi Lestari');
  assert.ok(!read.text.includes(NIK));
  const revealed = await asesor1.get(`/api/applications/${appl.id}?reveal=nik`);
  assert.equal(revealed.json.application.personal.nik, NIK);
  // an assessor of another event neither lists, reads, opens the NIK of nor decides it
  const elsewhere = await asesor2.get('/api/applications?status=pending');
  assert.equal(elsewhere.status, 200);
  assert.ok(!elsewhere.json.applications.some((a) => a.id === appl.id), 'not listed for another event\'s assessor');
  assert.equal((await asesor2.get(`/api/applications/${appl.id}`)).status, 404);
  assert.equal((await asesor2.get(`/api/applications/${appl.id}?reveal=nik`)).status, 404);
  assert.equal((await asesor2.get(`/applications/${appl.id}`, { headers: { Accept: 'text/html' } })).status, 404);
  const foreign = await asesor2.post(`/api/applications/${appl.id}/decision`, { outcome: 'eligible', reason: 'Lengkap.' });
  assert.equal(foreign.status, 404, foreign.text);
  assert.equal(foreign.json.error, 'application_not_found');
  assert.ok((await admin.get('/api/applications?status=pending')).json.applications.some((a) => a.id === appl.id), 'an administrator sees every application');

  // Not yet: a reason is required; the candidate sees it and still cannot start.
  assert.equal((await asesor1.post(`/api/applications/${appl.id}/decision`, { outcome: 'not_yet' })).status, 400);
  assert.equal((await asesor1.post(`/api/applications/${appl.id}/decision`, { outcome: 'maybe', reason: 'x' })).status, 400);
  const notYet = await asesor1.post(`/api/applications/${appl.id}/decision`,
    { outcome: 'not_yet', reason: 'Bukti pelatihan belum dilampirkan.' });
  assert.equal(notYet.status, 200, notYet.text);
  assert.equal(notYet.json.application.status, 'not_yet');
  assert.equal((await asesor1.post(`/api/applications/${appl.id}/decision`, { outcome: 'eligible', reason: 'x' })).status, 409);
  const seen = await cand.get(`/api/exams/${APL_ID}/application`);
  assert.equal(seen.json.application.status, 'not_yet');
  assert.equal(seen.json.application.reason, 'Bukti pelatihan belum dilampirkan.');
  const refused = await cand.post(`/api/exams/${APL_ID}/attempts`, {});
  assert.equal(refused.status, 403);

  // Sent again it waits for a decision again; eligible opens the exam, and locks it.
  const again = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal(), self_assessment: SELF });
  assert.equal(again.status, 201);
  assert.equal(again.json.application.status, 'pending');
  assert.equal(again.json.application.id, appl.id);
  const ok = await admin.post(`/api/applications/${appl.id}/decision`, { outcome: 'eligible', reason: 'Bukti lengkap dan sesuai skema.' });
  assert.equal(ok.status, 200, ok.text);
  const locked = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal(), self_assessment: SELF });
  assert.equal(locked.status, 409);
  assert.equal(locked.json.error, 'application_locked');
  const start = await cand.post(`/api/exams/${APL_ID}/attempts`, {});
  assert.equal(start.status, 201, start.text);
  // Another candidate without an application still cannot start.
  assert.equal((await other.post(`/api/exams/${APL_ID}/attempts`, {})).status, 403);

  // The audit log has the decisions (with reasons) and the look at the NIK, never the NIK.
  const audit = await admin.get('/api/admin/audit?action=application.decision');
  assert.equal(audit.status, 200);
  assert.ok(audit.text.includes('Bukti pelatihan belum dilampirkan.'));
  const all = await admin.get('/api/admin/audit');
  assert.ok(all.text.includes('application.nik_view'), 'revealing the NIK is audited');
  assert.ok(!all.text.includes(NIK), 'no NIK in the audit log');
  const verify = cli(['audit', 'verify'], { dataDir: d.dataDir });
  assert.equal(verify.status, 0, verify.stderr);

  // Nowhere in the daemon's log (debug level), nor in plain text in the database files.
  assert.ok(!d.output().includes(NIK), 'no NIK in the log');
  for (const f of readdirSync(d.dataDir)) {
    if (!/\.db/.test(f)) continue;
    const bytes = readFileSync(path.join(d.dataDir, f));
    assert.ok(!bytes.includes(Buffer.from(NIK)), `no NIK in plain text in ${f}`);
  }
});

test('an observation unit is decided from its records; another assessor and the candidate get 404', async (t) => {
  const { d, admin, asesor1, asesor2 } = await setup(t);
  const cand = await candidateClient(d, 'Bayu Pratama');
  await assignApplications(admin, APL_ID, [await userId(asesor2)], [cand.email]);
  const sent = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal('3273012301950002'), self_assessment: SELF });
  assert.equal(sent.status, 201, sent.text);
  assert.equal((await asesor2.post(`/api/applications/${sent.json.application.id}/decision`, { outcome: 'eligible', reason: 'Lengkap.' })).status, 200);

  // In progress: no observation sheet yet.
  const s = await cand.post(`/api/exams/${APL_ID}/attempts`, {});
  assert.equal(s.status, 201);
  const id = s.json.id;
  assert.equal((await asesor1.get(`/api/reviews/${id}/observations`)).status, 409);
  for (const [item, value] of [['OBJ-1', 'a'], ['OBJ-2', 'a'], ['ESS-1', 'Urutan baca: judul, subjudul, isi.']]) {
    assert.equal((await cand.put(`/api/attempts/${id}/answers/${item}`, { value })).status, 200);
  }
  const sub = await cand.post(`/api/attempts/${id}/submit`, {});
  assert.equal(sub.status, 200, sub.text);

  const sheet = await asesor1.get(`/api/reviews/${id}/observations`);
  assert.equal(sheet.status, 200, sheet.text);
  assert.equal(sheet.json.units.length, 1);
  assert.equal(sheet.json.units[0].code, 'U.OBS.003');
  assert.equal(sheet.json.units[0].verdict, 'PENDING');
  assert.equal(sheet.json.units[0].kuk_total, 3);
  assert.equal(sheet.json.may_record, true);

  const url = (kuk) => `/api/reviews/${id}/observations/U.OBS.003/${kuk}`;
  const t0 = Date.now();
  const rec = (observed, at, op, notes = '') => ({ observed, notes, recorded_at: at, op });
  // Bad saves: unknown KUK or unit, a written unit, bad fields.
  assert.equal((await asesor1.put(`/api/reviews/${id}/observations/U.OBS.003/9.9`, rec(true, t0, 'op-aaaaaaaa'))).status, 404);
  assert.equal((await asesor1.put(`/api/reviews/${id}/observations/U.OBJ.001/1.1`, rec(true, t0, 'op-aaaaaaaa'))).status, 404);
  assert.equal((await asesor1.put(url('1.1'), { observed: 'yes', recorded_at: t0, op: 'op-aaaaaaaa' })).status, 400);
  assert.equal((await asesor1.put(url('1.1'), { observed: true, recorded_at: t0, op: 'short' })).status, 400);
  assert.equal((await asesor1.put(url('1.1'), { ...rec(true, t0, 'op-aaaaaaaa'), extra: 1 })).status, 400);
  assert.equal((await asesor1.put(url('1.1'), rec(true, t0, 'op-aaaaaaaa', 'x'.repeat(2001)))).status, 400);

  // The first save claims the attempt; a repeat changes nothing; a later recording wins
  // whatever order the saves arrive in.
  const first = await asesor1.put(url('1.1'), rec(false, t0, 'op-first-0001', 'Grid belum disiapkan.'));
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.applied, true);
  assert.ok(first.json.claim_expires_at);
  const repeat = await asesor1.put(url('1.1'), rec(false, t0, 'op-first-0001', 'Grid belum disiapkan.'));
  assert.equal(repeat.status, 200);
  assert.equal(repeat.json.applied, false);
  const later = await asesor1.put(url('1.1'), rec(true, t0 + 60_000, 'op-later-0002', 'Grid disiapkan setelah diingatkan.'));
  assert.equal(later.json.applied, true);
  const stale = await asesor1.put(url('1.1'), rec(false, t0 + 30_000, 'op-stale-0003', 'catatan lama'));
  assert.equal(stale.status, 200);
  assert.equal(stale.json.applied, false, 'an older recording that arrives late does not win');
  assert.equal(stale.json.record.observed, true);
  assert.equal(stale.json.record.notes, 'Grid disiapkan setelah diingatkan.');
  assert.equal(stale.json.unit_result.verdict, 'PENDING');

  // Another assessor, the candidate, another candidate: 404 (or 403 for a role that never may).
  assert.equal((await asesor2.get(`/api/reviews/${id}/observations`)).status, 404);
  assert.equal((await asesor2.put(url('1.2'), rec(true, t0, 'op-other-0004'))).status, 404);
  assert.equal((await cand.get(`/api/reviews/${id}/observations`)).status, 403);
  assert.equal((await asesor2.get(`/review/${id}/observations`, { headers: { Accept: 'text/html' } })).status, 404);
  // An administrator reads it.
  const adminSheet = await admin.get(`/api/reviews/${id}/observations`);
  assert.equal(adminSheet.status, 200);
  assert.equal(adminSheet.json.may_record, false);

  // With KUKs unrecorded a decision must name the unit's outcome.
  const review = await asesor1.get(`/api/reviews/${id}`);
  assert.equal(review.status, 200);
  const obsUnit = review.json.units.find((u) => u.code === 'U.OBS.003');
  assert.equal(obsUnit.automatic, 'PENDING');
  const items = { 'ESS-1': { criteria: { R1: 4, R2: 2 } } };
  const early = await asesor1.post(`/api/reviews/${id}/decision`, { items, overall: 'K', feedback: 'Bagus.' });
  assert.equal(early.status, 400);
  assert.match(early.json.message, /observation sheet/);

  // Every KUK observed: the unit is K, and the decision takes it as its automatic result.
  for (const kuk of ['1.2', '2.1']) {
    const r = await asesor1.put(url(kuk), rec(true, t0 + 90_000, `op-obs-${kuk.replace('.', '-')}-x`));
    assert.equal(r.status, 200, r.text);
  }
  // Without JavaScript the sheet's form posts its fields to the page route (a boolean as
  // "!observed"), which forwards them to the same API and redirects back.
  const form = new URLSearchParams({ '!observed': 'true', notes: 'Dari formulir.', '#recorded_at': String(t0 + 95_000),
    op: 'op-form-00001', csrf: asesor1.csrf, _next: `/review/${id}/observations?notice=observation_saved` }).toString();
  const posted = await asesor1.req('POST', `/review/${id}/observations/U.OBS.003/2.1`, form,
    { headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' }, raw: true });
  assert.equal(posted.status, 303, posted.text);
  const done = await asesor1.get(`/api/reviews/${id}/observations`);
  assert.equal(done.json.units[0].elements[1].kuk[0].record.notes, 'Dari formulir.');
  assert.equal(done.json.units[0].verdict, 'K');
  assert.equal(done.json.units[0].observed, 3);
  const dec = await asesor1.post(`/api/reviews/${id}/decision`, { items, overall: 'K', feedback: 'Praktik rapi.' });
  assert.equal(dec.status, 200, dec.text);
  assert.equal(dec.json.decision.overall, 'K');
  const units = typeof dec.json.decision.units === 'string' ? JSON.parse(dec.json.decision.units) : dec.json.decision.units;
  assert.equal(units['U.OBS.003'].automatic, 'K');

  // The candidate's feedback view includes the unit.
  const fb = await cand.get(`/api/attempts/${id}/feedback`);
  assert.equal(fb.status, 200, fb.text);
  assert.equal(fb.json.verdict, 'K');
  assert.equal(fb.json.units['U.OBS.003'].outcome, 'K');
  const seenObs = fb.json.observations['U.OBS.003'];
  assert.equal(seenObs.length, 3);
  assert.deepEqual(seenObs[0], { kuk: '1.1', text: 'Grid disiapkan sebelum elemen ditempatkan.', observed: true,
    notes: 'Grid disiapkan setelah diingatkan.' });
  const me = await cand.get('/me', { headers: { Accept: 'text/html' } });
  assert.match(me.text, /Grid disiapkan setelah diingatkan\./, 'the dashboard shows the observation notes');
  assert.match(me.text, /3 dari 3 KUK teramati/);
  // So does the candidate's copy of their data.
  const copy = await cand.get('/api/me/data');
  assert.equal(copy.status, 200, copy.text);
  assert.deepEqual(copy.json.feedback.find((x) => x.attempt_id === id), fb.json);
  // The audit log has the records.
  const audit = await admin.get('/api/admin/audit?action=observation.record');
  assert.ok(audit.text.includes('U.OBS.003'));
});

// More applications than a page holds (200): the staff list is paged by a cursor, oldest
// first, each application on one page; the page links to the next one, keeping the filter.
test('the staff list of applications is paged: the 201st is reached', async (t) => {
  // 201 candidates register from one address here: above the default hourly limit.
  const { d, admin } = await setup(t, ['--register-per-hour', '1000']);
  const ids = [];
  for (let batch = 0; batch < 201; batch += 20) {
    const made = await Promise.all(Array.from({ length: Math.min(20, 201 - batch) }, async (_, k) => {
      const cand = await candidateClient(d, `Pemohon ${batch + k + 1}`);
      const r = await cand.post(`/api/exams/${APL_ID}/application`, { personal: personal(), self_assessment: SELF });
      assert.equal(r.status, 201, r.text);
      return r.json.application.id;
    }));
    ids.push(...made);
    if (ids.length === 200) { // exactly one full page: no next one
      const only = await admin.get('/api/applications?status=pending');
      assert.equal(only.json.applications.length, 200);
      assert.equal(only.json.next_after, null);
    }
  }
  const first = await admin.get('/api/applications?status=pending');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.applications.length, 200);
  assert.equal(first.json.next_after, first.json.applications[199].id);
  const second = await admin.get(`/api/applications?status=pending&after=${first.json.next_after}`);
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.next_after, null);
  const seen = [...first.json.applications, ...second.json.applications].map((a) => a.id);
  assert.equal(seen.length, 201);
  assert.deepEqual([...seen].sort((x, y) => x - y), [...ids].sort((x, y) => x - y));
  assert.equal((await admin.get('/api/applications?after=-3')).status, 400);
  const page = await admin.get('/applications?status=pending', { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`after=${first.json.next_after}`), 'a link to the next page');
  const next = await admin.get(`/applications?status=pending&after=${first.json.next_after}`, { headers: { Accept: 'text/html' } });
  assert.equal(next.status, 200);
  assert.ok(next.text.includes(`href="/applications/${second.json.applications[0].id}"`));
  assert.ok(!next.text.includes('rel="next"'), 'the last page links to no next one');
});
