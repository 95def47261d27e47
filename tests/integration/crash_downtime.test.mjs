// What happens to exam time while the service is down (docs/operations.md): the deadline is
// absolute, so downtime is not credited; answers acknowledged before the crash are kept; an
// attempt whose deadline passed during the outage is closed at its deadline and scored with
// what was saved. A long outage is staged by moving the attempt's times back in the
// database while the daemon is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startDaemon, stopClean, stopWith, candidateClient } from './lib/daemon.mjs';
import { sql, haveSqliteCli, textItems, eventually } from './lib/reliability.mjs';

const EXAM = 'DKV-DGM-JR';
const HOUR = 3600_000;

async function attemptWithAnswer(d) {
  const c = await candidateClient(d, 'Tari Peserta');
  const s = await c.post(`/api/exams/${EXAM}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  const g = await c.get(`/api/attempts/${s.json.id}`);
  // The form is drawn at random: a short item when the draw has one, else an open item (a draw
  // without any short item happens about once in 200 forms).
  const texts = textItems(g.json.form);
  const item = texts.find((it) => it.type === 'short') ?? texts[0];
  assert.ok(item, 'the form has a text item');
  const w = await c.put(`/api/attempts/${s.json.id}/answers/${item.id}`, { value: 'tersimpan sebelum mati' });
  assert.equal(w.status, 200, w.text);
  return { c, id: s.json.id, item };
}

// Moves an attempt two hours into the past: it started 2 h ago and its deadline was 1 h ago.
function stageLongOutage(dataDir, id) {
  sql(dataDir, `UPDATE attempts SET started_at = started_at - ${2 * HOUR}, ` +
    `deadline_at = started_at - ${2 * HOUR} + ${HOUR} WHERE id = ${Number(id)}`);
  return sql(dataDir, `SELECT deadline_at FROM attempts WHERE id = ${Number(id)}`)[0].deadline_at;
}

test('downtime is not credited: the deadline is absolute and saved answers survive', { timeout: 60_000 }, async () => {
  let d = await startDaemon();
  try {
    const { c, id, item } = await attemptWithAnswer(d);
    const before = (await c.get(`/api/attempts/${id}`)).json;
    await stopWith(d, 'SIGKILL');
    await sleep(3000);
    d = await startDaemon({ dataDir: d.dataDir });
    c.base = d.url;
    const after = (await c.get(`/api/attempts/${id}`)).json;
    assert.equal(after.status, 'open');
    assert.equal(after.deadline_at, before.deadline_at, 'the deadline moved across a crash');
    assert.ok(after.remaining_seconds <= before.remaining_seconds - 3,
      `remaining ${before.remaining_seconds} s before, ${after.remaining_seconds} s after 3 s down`);
    assert.equal(after.answers[item.id], 'tersimpan sebelum mati');
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
  }
});

test('an attempt whose deadline passed while down is closed at its deadline', { timeout: 60_000 }, async (t) => {
  if (!haveSqliteCli()) return t.skip('the sqlite3 command-line shell is not installed');
  let d = await startDaemon();
  try {
    const { c, id, item } = await attemptWithAnswer(d);
    await stopWith(d, 'SIGKILL');
    const deadline = stageLongOutage(d.dataDir, id);
    d = await startDaemon({ dataDir: d.dataDir });
    c.base = d.url;
    const g = await c.get(`/api/attempts/${id}`);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.status, 'closed', 'an overdue attempt is closed when opened');
    assert.equal(g.json.remaining_seconds, 0);
    assert.equal(Date.parse(g.json.finished_at), Math.floor(deadline / 1000) * 1000, 'closed at its deadline, not now');
    assert.equal(g.json.answers[item.id], 'tersimpan sebelum mati', 'answers saved before the outage are kept');
    const late = await c.put(`/api/attempts/${id}/answers/${item.id}`, { value: 'terlambat' });
    assert.equal(late.status, 409, late.text);
    assert.equal(late.json.error, 'attempt_deadline');
    const res = await c.get(`/api/attempts/${id}/result`);
    assert.equal(res.status, 200, res.text);
    const row = sql(d.dataDir, `SELECT status, finished_at, verdict, result IS NOT NULL AS scored FROM attempts WHERE id = ${id}`)[0];
    assert.deepEqual(row, { status: 'closed', finished_at: deadline, verdict: row.verdict, scored: 1 });
    assert.ok(['K', 'BK', 'PENDING'].includes(row.verdict));
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
  }
});

test('attempts overdue after an outage are closed at start-up without being touched', { timeout: 60_000 }, async (t) => {
  if (!haveSqliteCli()) return t.skip('the sqlite3 command-line shell is not installed');
  let d = await startDaemon();
  try {
    const { id } = await attemptWithAnswer(d);
    await stopWith(d, 'SIGKILL');
    const deadline = stageLongOutage(d.dataDir, id);
    d = await startDaemon({ dataDir: d.dataDir });
    const closed = await eventually(
      () => sql(d.dataDir, `SELECT status FROM attempts WHERE id = ${id}`)[0].status === 'closed', 5000, 200);
    assert.ok(closed, 'the overdue attempt is still open in the database after start-up');
    const row = sql(d.dataDir, `SELECT finished_at FROM attempts WHERE id = ${id}`)[0];
    assert.equal(row.finished_at, deadline);
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
  }
});
