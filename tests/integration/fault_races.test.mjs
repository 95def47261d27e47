// Races that real users make: a double-clicked "start", a submit sent from two tabs, an
// assessor's decision sent twice, a certificate requested many times at once. Each must
// give one attempt, one result, one decision, one certificate — and the same answer to
// every copy of the request.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startDaemon, stopClean, stopWith, candidateClient } from './lib/daemon.mjs';
import { sql, haveSqliteCli, assessorClient, textItems, answerText } from './lib/reliability.mjs';

const EXAM = 'DKV-DGM-JR';
const N = 10;

test('concurrent duplicates: one attempt, one result, one decision, one certificate', { timeout: 120_000 }, async (t) => {
  if (!haveSqliteCli()) return t.skip('the sqlite3 command-line shell is not installed');
  const d = await startDaemon();
  try {
    const c = await candidateClient(d, 'Gita Dua Tab');
    const asr = await assessorClient(d);

    // Start, N times at once.
    const starts = await Promise.all(Array.from({ length: N }, () => c.post(`/api/exams/${EXAM}/attempts`, {})));
    for (const s of starts) assert.ok(s.status === 201 || s.status === 200, `start: ${s.status} ${s.text}`);
    const ids = new Set(starts.map((s) => s.json.id));
    assert.equal(ids.size, 1, `concurrent starts made attempts ${[...ids]}`);
    assert.equal(starts.filter((s) => s.status === 201).length, 1, 'exactly one start created the attempt');
    const id = [...ids][0];
    assert.equal(sql(d.dataDir, 'SELECT count(*) AS n FROM attempts')[0].n, 1);

    // The same item saved from two tabs with different values: the last acknowledged wins
    // and nothing else is stored.
    const form = (await c.get(`/api/attempts/${id}`)).json.form;
    const items = textItems(form);
    const item = items[0];
    const saves = await Promise.all(Array.from({ length: N }, (_, k) =>
      c.put(`/api/attempts/${id}/answers/${item.id}`, { value: answerText(item, 7, k + 1) })));
    for (const s of saves) assert.equal(s.status, 200, s.text);
    const stored = JSON.parse(sql(d.dataDir, `SELECT value FROM attempt_answers WHERE attempt_id = ${id}`)[0].value);
    assert.match(stored, /^c7-s([1-9]|10)\b/);
    for (const it of items.slice(1)) {
      assert.equal((await c.put(`/api/attempts/${id}/answers/${it.id}`, { value: answerText(it, 7, 1) })).status, 200);
    }

    // Submit, N times at once.
    const subs = await Promise.all(Array.from({ length: N }, () => c.post(`/api/attempts/${id}/submit`, {})));
    for (const s of subs) assert.equal(s.status, 200, `submit: ${s.text}`);
    assert.equal(new Set(subs.map((s) => s.json.finished_at)).size, 1, 'copies of a submit saw different finishing times');
    const row = sql(d.dataDir, `SELECT status, verdict FROM attempts WHERE id = ${id}`)[0];
    assert.deepEqual(row, { status: 'submitted', verdict: 'PENDING' });

    // The decision, sent N times at once after one claim.
    assert.equal((await asr.post(`/api/reviews/${id}/claim`, {})).status, 200);
    const rv = (await asr.get(`/api/reviews/${id}`)).json;
    const marks = {};
    const units = {};
    for (const u of rv.units) {
      units[u.code] = { outcome: 'K', reason: 'Bukti cukup.' };
      for (const it of u.items) if (it.open) marks[it.id] = { criteria: Object.fromEntries(it.rubric.map((r) => [r.id, r.max_points])) };
    }
    const body = { items: marks, units, overall: 'K', feedback: 'Kompeten.' };
    const decs = await Promise.all(Array.from({ length: N }, () => asr.post(`/api/reviews/${id}/decision`, body)));
    const ok = decs.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `decisions accepted: ${decs.map((r) => r.status)}`);
    for (const r of decs) if (r.status !== 200) assert.equal(r.status, 409, r.text);
    assert.equal(sql(d.dataDir, `SELECT count(*) AS n FROM review_decisions WHERE attempt_id = ${id}`)[0].n, 1);
    const audit = sql(d.dataDir, `SELECT count(*) AS n FROM audit_log WHERE subject = 'attempt:${id}' AND action = 'review.decision'`);
    assert.equal(audit[0].n, 1, 'one audit entry for one decision');

    // The certificate, requested N times at once (the decision may have issued it already).
    const certs = await Promise.all(Array.from({ length: N }, () => c.post(`/api/attempts/${id}/certificate`, {})));
    for (const r of certs) assert.ok(r.status === 200 || r.status === 201, `certificate: ${r.status} ${r.text}`);
    const serials = new Set(certs.map((r) => r.json.serial));
    assert.equal(serials.size, 1, `several serials for one attempt: ${[...serials]}`);
    if (ok[0].json.certificate_serial) assert.equal([...serials][0], ok[0].json.certificate_serial);
    assert.ok(certs.filter((r) => r.status === 201).length <= 1, 'more than one request created the certificate');
    assert.equal(sql(d.dataDir, `SELECT count(*) AS n FROM certificates WHERE attempt_id = ${id}`)[0].n, 1);
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
  }
});
