// The end of a complaint's retention period (--complaint-retention-days; Indonesia's personal
// data protection law, UU 27/2022): the daemon's periodic sweep erases the personal data and
// the texts of a complaint closed longer ago than the period, keeps its record (reference,
// category, dates, handler, outcome) and audits it; a complaint closed within the period and
// an open one are left as they are. The closing of one complaint is moved back in the store
// while the daemon is stopped, as a test staging a deadline does, to stand in for the time
// passing: the sweep that runs as the daemon starts again finds it due.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  startDaemon, stopClean, adminClient, Client, uniqueEmail, dbExec, tmpDir, dropDatabase,
} from './lib/daemon.mjs';

const DAY_MS = 86_400_000;
const DECLARED = { not_involved: true };
const BODY = 'Penguji meminta uang tambahan di luar biaya resmi uji kompetensi.';

const dataDir = tmpDir('ujikom-retention-');
const ARGS = ['--complaint-retention-days', '30', '--complaints-per-hour', '100'];
let d;
let admin;

before(async () => {
  d = await startDaemon({ dataDir, args: ARGS });
  admin = await adminClient(d);
});

after(async () => {
  if (d && !d.exited()) await stopClean(d);
  rmSync(dataDir, { recursive: true, force: true });
  dropDatabase(dataDir);
});

// Lodges a complaint as nobody's account; closed (taken, noted, replied to and closed) unless
// open is true. Its token, id, and what was typed.
async function complaint({ open = false } = {}) {
  const anon = new Client(d.url);
  const typed = {
    name: 'Rina Kartika Sari',
    email: uniqueEmail('retensi'),
    category: 'assessor',
    about: 'TUK Yogyakarta, 3 Maret 2026',
    body: BODY,
  };
  const r = await anon.post('/api/complaints', typed);
  assert.equal(r.status, 201, r.text);
  const token = r.json.token;
  const id = Number(r.json.complaint.reference.slice(4));
  if (!open) {
    assert.equal((await admin.post(`/api/admin/complaints/${id}/take`, DECLARED)).status, 200);
    const note = await admin.post(`/api/admin/complaints/${id}/notes`, { text: 'Hubungi Bu Rina, rahasia.', shown: false });
    assert.equal(note.status, 201, note.text);
    const reply = await anon.post(`/api/complaints/${token}/replies`, { text: 'Saya punya bukti transfernya.' });
    assert.equal(reply.status, 201, reply.text);
    const closed = await admin.post(`/api/admin/complaints/${id}/close`, {
      outcome: 'upheld', text: 'Terbukti; asesor dinonaktifkan. Terima kasih, Bu Rina.', ...DECLARED,
    });
    assert.equal(closed.status, 200, closed.text);
  }
  return { token, id, typed };
}

const staffView = async (id) => {
  const r = await admin.get(`/api/admin/complaints/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.complaint;
};

test('a complaint closed before the retention period keeps its record and loses its personal data', async () => {
  const old = await complaint();
  const recent = await complaint();
  const open = await complaint({ open: true });
  const before = await staffView(old.id);
  // Closed 31 days ago (lodged and taken a little before), with a period of 30 days.
  await stopClean(d);
  const moved = dbExec(dataDir, `UPDATE complaints SET created_at = created_at - ${33 * DAY_MS}, ` +
    `taken_at = taken_at - ${32 * DAY_MS}, closed_at = closed_at - ${31 * DAY_MS} WHERE id = ${old.id}`);
  assert.equal(moved.status, 0, moved.stderr);
  d = await startDaemon({ dataDir, args: ARGS });
  admin = await adminClient(d);

  // The sweep runs as the daemon starts (then every 15 s).
  const t0 = Date.now();
  let after = await staffView(old.id);
  while (after.erased_at === null && Date.now() - t0 < 30_000) {
    await sleep(100);
    after = await staffView(old.id);
  }
  assert.notEqual(after.erased_at, null, 'erased by the sweep');

  // The record stays: reference, category, status, outcome, handler, dates, the notes' count.
  assert.equal(after.reference, before.reference);
  assert.equal(after.category, 'assessor');
  assert.equal(after.status, 'closed');
  assert.equal(after.outcome, 'upheld');
  assert.equal(after.handler_id, before.handler_id);
  assert.equal(Date.parse(after.closed_at), Date.parse(before.closed_at) - 31 * DAY_MS);
  assert.equal(after.notes.length, 2);
  // The personal data and the words go.
  assert.equal(after.email, '');
  assert.equal(after.about, '');
  assert.equal(after.user_id, null);
  const text = JSON.stringify(after);
  for (const gone of [old.typed.name, old.typed.email, old.typed.about, BODY, 'Rina', 'rahasia', 'transfer', 'dinonaktifkan']) {
    assert.ok(!text.includes(gone), `"${gone}" is no longer kept`);
  }
  for (const t of [after.name, after.body, after.outcome_text, ...after.notes.map((n) => n.text)]) {
    assert.match(t, /dihapus: masa simpan berakhir/);
  }

  // The complainant's link shows the record and says why the rest is gone.
  const st = await new Client(d.url).get(`/api/complaints/${old.token}`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.complaint.erased_at, after.erased_at);
  const page = await new Client(d.url).get(`/pengaduan/${old.token}`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /id="complaint-erased"/);
  assert.match(page.text, /karena masa simpannya berakhir/);
  assert.ok(!page.text.includes('Rina'), 'the page holds no personal data');
  const staffPage = await admin.get(`/admin/complaints/${old.id}`, { headers: { Accept: 'text/html' } });
  assert.equal(staffPage.status, 200);
  assert.match(staffPage.text, /id="complaint-erased"/);
  assert.ok(!staffPage.text.includes('Rina'), 'the staff page holds no personal data');

  // Within the period, and open: untouched.
  for (const kept of [recent, open]) {
    const c = await staffView(kept.id);
    assert.equal(c.erased_at, null);
    assert.equal(c.name, kept.typed.name);
    assert.equal(c.email, kept.typed.email);
    assert.equal(c.body, BODY);
  }

  // Audited by the system, with the period, without the words.
  const audit = await admin.get(`/api/admin/audit?subject=complaint:${old.id}`);
  assert.equal(audit.status, 200, audit.text);
  const entry = audit.json.items.find((e) => e.action === 'complaint.erase');
  assert.ok(entry, audit.text);
  assert.deepEqual(entry.after, { retention_days: 30 });
  assert.ok(!JSON.stringify(audit.json).includes('Rina'));
  const v = await admin.get('/api/admin/audit/verify');
  assert.equal(v.json.intact, true, v.text);
});
