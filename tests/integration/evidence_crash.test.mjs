// Crash test for evidence uploads: several uploads run in parallel while the daemon is killed
// with SIGKILL, then restarted on the same data directory. Every chunk acknowledged with 2xx
// must be there (the durable offset is at least the acknowledged one, and the stored chunk
// rows add up to it), no partial file is ever served as complete, and each upload resumes
// from where the daemon says and completes with the original's SHA-256.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { startDaemon, stopClean, stopWith, candidateClient, tmpDir, EXAMS_DIR } from './lib/daemon.mjs';
import { sql, haveSqliteCli } from './lib/reliability.mjs';
import { EVID_EXAM, png, sha256, createUpload, putChunk, evidenceAttempt } from './lib/evidence.mjs';

const UPLOADS = 3;
const CHUNK = 64 * 1024;

test('SIGKILL during uploads loses no acknowledged chunk and serves no partial file', { timeout: 120_000 }, async (t) => {
  if (!haveSqliteCli()) return t.skip('the shell of the database (sqlite3 or psql) is not installed');
  const dataDir = tmpDir('ujikom-evidence-crash-');
  const examsDir = tmpDir('ujikom-evidence-crash-exams-');
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(examsDir, 'subsectors.yaml'));
  writeFileSync(path.join(examsDir, 'dkv-uji-bukti.exam.yaml'), EVID_EXAM);
  let d = await startDaemon({ dataDir, examsDir });
  const cand = await candidateClient(d, 'Peserta Unggah');
  const id = await evidenceAttempt(cand);

  const files = Array.from({ length: UPLOADS }, (_, i) => png(500 + i, 500, { noise: true }));
  const ups = [];
  for (const [i, bytes] of files.entries()) {
    const c = await createUpload(cand, id, 'EV-1', bytes, `bukti-${i}.png`, { sha256: sha256(bytes) });
    assert.equal(c.status, 201, c.text);
    ups.push({ id: c.json.id, bytes, acked: 0 });
  }

  // Each upload sends its chunks in turn until the daemon dies under it.
  let alive = true;
  const senders = ups.map(async (u) => {
    while (alive && u.acked < u.bytes.length) {
      let r;
      try {
        r = await putChunk(cand, u.id, u.bytes, u.acked, Math.min(u.bytes.length, u.acked + CHUNK));
      } catch {
        return; // the daemon is gone
      }
      if (r.status !== 200) return;
      assert.ok(r.json.offset > u.acked);
      u.acked = r.json.offset;
    }
  });
  // Kill once about a third of everything is acknowledged.
  const total = files.reduce((n, b) => n + b.length, 0);
  for (let i = 0; ups.reduce((n, u) => n + u.acked, 0) < total / 3; i++) {
    assert.ok(i < 2000, 'the uploads make progress');
    await sleep(5);
  }
  await stopWith(d, 'SIGKILL');
  alive = false;
  await Promise.all(senders);
  assert.ok(ups.every((u) => u.acked < u.bytes.length), 'every upload was cut short');

  d = await startDaemon({ dataDir, examsDir });
  cand.base = d.url;
  try {
    for (const u of ups) {
      const st = await cand.get(`/api/uploads/${u.id}`);
      assert.equal(st.status, 200, st.text);
      assert.equal(st.json.state, 'open');
      assert.ok(st.json.offset >= u.acked, `upload ${u.id}: durable ${st.json.offset} >= acknowledged ${u.acked}`);
      const rows = sql(dataDir, `SELECT coalesce(sum(length(data)), 0) AS n, count(*) AS k FROM evidence_chunks WHERE upload_id = '${u.id}'`);
      assert.equal(rows[0].n, st.json.offset, 'the stored chunks add up to the durable offset');
      // the stored bytes are the sent bytes, in order
      const hex = sql(dataDir, {
        sqlite: `SELECT hex(data) AS h FROM evidence_chunks WHERE upload_id = '${u.id}' ORDER BY pos`,
        postgresql: `SELECT upper(encode(data, 'hex')) AS h FROM evidence_chunks WHERE upload_id = '${u.id}' ORDER BY pos`,
      }).map((r) => r.h).join('');
      assert.equal(hex, u.bytes.subarray(0, st.json.offset).toString('hex').toUpperCase(), 'stored bytes are the sent ones');
      // not complete, never served
      assert.equal((await cand.get(`/api/attempts/${id}/evidence/${sha256(u.bytes)}`)).status, 404);
      const early = await cand.post(`/api/uploads/${u.id}/complete`, {});
      assert.equal(early.status, 409, early.text);
      u.acked = st.json.offset;
    }
    // Resume each from its durable offset, then complete.
    for (const u of ups) {
      while (u.acked < u.bytes.length) {
        const r = await putChunk(cand, u.id, u.bytes, u.acked, Math.min(u.bytes.length, u.acked + CHUNK));
        assert.equal(r.status, 200, r.text);
        u.acked = r.json.offset;
      }
      const done = await cand.post(`/api/uploads/${u.id}/complete`, {});
      assert.equal(done.status, 200, done.text);
      assert.equal(done.json.sha256, sha256(u.bytes));
      const f = await cand.get(`/api/attempts/${id}/evidence/${sha256(u.bytes)}`);
      assert.equal(sha256(f.body), sha256(u.bytes));
    }
  } finally {
    await stopClean(d);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(examsDir, { recursive: true, force: true });
  }
});
