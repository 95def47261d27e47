// Backup test: `ujikom backup` while the daemon serves a stream of saves, then the backup
// restored into a new data directory (with the keys directory copied, as an operator moving
// to a new machine would), and a daemon started on it serves every attempt, answer and
// certificate that existed when the backup began; certificates still verify as genuine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, existsSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as jose from 'jose';

import {
  startDaemon, stopClean, stopWith, candidateClient, adminClient, tmpDir, cli, BACKEND,
} from './lib/daemon.mjs';
import {
  sqlFile, haveSqliteCli, assessorClient, certifiedCandidate, textItems, answerText, answerSeq,
  SaveLog, cliAsync,
} from './lib/reliability.mjs';

const EXAM = 'DKV-DGM-JR';
// `ujikom backup`, `restore` and `check` work on an SQLite file; PostgreSQL's are pg_dump,
// pg_restore and pg_amcheck (docs/operations.md), and the last test checks the refusal.
const SQLITE_FILE = BACKEND === 'postgresql' && 'an SQLite file operation (PostgreSQL: pg_dump)';
const SAVERS = 6;

test('online backup under load restores into a new data directory', { timeout: 170_000, skip: SQLITE_FILE }, async (t) => {
  const d1 = await startDaemon();
  const work = tmpDir('ujikom-backup-');
  const backupFile = path.join(work, 'cadangan.db');
  const dir2 = path.join(work, 'data-baru');
  let d2 = null;
  try {
    const admin = await adminClient(d1);
    const asr = await assessorClient(d1);
    const certified = [];
    for (let i = 0; i < 3; i++) certified.push(await certifiedCandidate(d1, asr, EXAM, `Lulus Cadangan ${i}`));

    // Candidates saving continuously while the backup runs.
    const savers = [];
    for (let i = 0; i < SAVERS; i++) {
      const c = await candidateClient(d1, `Penyimpan ${i}`);
      const s = await c.post(`/api/exams/${EXAM}/attempts`, {});
      assert.equal(s.status, 201, s.text);
      const g = await c.get(`/api/attempts/${s.json.id}`);
      savers.push({ i: i + 1, c, attemptId: s.json.id, items: textItems(g.json.form), log: new SaveLog() });
    }
    const run = { on: true, acked: 0 };
    const loops = savers.map(async (st) => {
      let seq = 0;
      while (run.on) {
        const item = st.items[seq % st.items.length];
        seq += 1;
        st.log.send(item.id, seq);
        const r = await st.c.put(`/api/attempts/${st.attemptId}/answers/${item.id}`, { value: answerText(item, st.i, seq) });
        if (r.status === 200) {
          st.log.ack(item.id, seq);
          run.acked += 1;
        } else {
          assert.equal(r.status, 503, `save during backup: ${r.status} ${r.text}`);
        }
      }
    });
    await sleep(1500);

    // What the backup must contain: everything acknowledged before it started.
    const before = savers.map((st) => new Map(st.log.acked));
    const ackedBefore = run.acked;
    const b = await cliAsync(['backup', backupFile], { dataDir: d1.dataDir });
    const ackedDuring = run.acked - ackedBefore;
    await sleep(500);
    run.on = false;
    await Promise.all(loops);
    assert.equal(b.status, 0, `ujikom backup failed: ${b.stdout}${b.stderr}`);
    assert.ok(existsSync(backupFile), 'no backup file');
    assert.ok(ackedBefore > 20, `too little load before the backup (${ackedBefore} saves)`);
    t.diagnostic(`saves acknowledged before the backup: ${ackedBefore}, during it: ${ackedDuring}`);
    if (haveSqliteCli()) {
      assert.deepEqual(sqlFile(backupFile, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    }
    const certsBefore = (await admin.get('/api/certificates?limit=1000')).json.certificates;
    assert.equal(certsBefore.length, certified.length);
    await stopClean(d1);

    // A new machine: the keys directory copied, the database restored from the backup.
    mkdirSync(dir2, { mode: 0o700 });
    cpSync(path.join(d1.dataDir, 'keys'), path.join(dir2, 'keys'), { recursive: true, preserveTimestamps: true });
    const r = cli(['restore', backupFile], { dataDir: dir2 });
    assert.equal(r.status, 0, `ujikom restore failed: ${r.stdout}${r.stderr}`);
    d2 = await startDaemon({ dataDir: dir2 });
    for (const c of [admin, asr, ...certified.map((x) => x.c), ...savers.map((s) => s.c)]) c.base = d2.url;

    // Sessions live in the store, so the same cookies work on the restored daemon.
    const jwks = jose.createLocalJWKSet((await admin.get('/.well-known/jwks.json')).json);
    for (const cert of certsBefore) {
      const g = await admin.get(`/api/certificates/${cert.serial}`);
      assert.equal(g.status, 200, `certificate ${cert.serial} missing after restore: ${g.text}`);
      assert.equal(g.json.attempt_id, cert.attempt_id);
      const v = await admin.post('/api/verify', { serial: cert.serial });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.verdict, 'genuine', `serial ${cert.serial}: ${v.text}`);
      const jws = (await admin.get(`/api/certificates/${cert.serial}/credential`)).text;
      const vc = await admin.post('/api/verify', { credential: jws });
      assert.equal(vc.json.verdict, 'genuine', `credential ${cert.serial}: ${vc.text}`);
      await jose.compactVerify(jws, jwks); // throws when the signature does not verify
    }
    for (const x of certified) {
      const g = await x.c.get(`/api/attempts/${x.attemptId}/result`);
      assert.equal(g.status, 200, g.text);
      assert.equal(g.json.verdict, 'K', `attempt ${x.attemptId}: verdict after restore`);
      const again = await x.c.post(`/api/attempts/${x.attemptId}/certificate`, {});
      assert.equal(again.status, 200, `re-issuing after restore: ${again.text}`);
      assert.equal(again.json.serial, x.serial, 'restored attempt got a second certificate');
    }
    // Every answer acknowledged before the backup began is there (or a later one).
    for (const [k, st] of savers.entries()) {
      const g = await st.c.get(`/api/attempts/${st.attemptId}`);
      assert.equal(g.status, 200, `attempt ${st.attemptId} missing after restore: ${g.text}`);
      assert.equal(g.json.status, 'open');
      for (const [item, seq] of before[k]) {
        const got = answerSeq(g.json.answers[item], st.i);
        assert.ok(got !== null && got >= seq && got <= st.log.sent.get(item),
          `attempt ${st.attemptId} item ${item}: acknowledged s${seq} before the backup, restored ${got}`);
      }
      // The restored attempt takes new answers.
      const item = st.items[0];
      const w = await st.c.put(`/api/attempts/${st.attemptId}/answers/${item.id}`, { value: answerText(item, st.i, 999999) });
      assert.equal(w.status, 200, w.text);
    }
    const audit = cli(['audit', 'verify'], { dataDir: dir2 });
    assert.equal(audit.status, 0, `audit chain after restore: ${audit.stdout}${audit.stderr}`);
    await stopClean(d2);
  } finally {
    await stopWith(d1, 'SIGKILL');
    d1.cleanup();
    if (d2) await stopWith(d2, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
});

test('restore refuses a file that is not a ujikom backup, leaving the database intact', { timeout: 60_000, skip: SQLITE_FILE }, async () => {
  const d = await startDaemon();
  const work = tmpDir('ujikom-restore-');
  try {
    const c = await candidateClient(d, 'Tetap Ada');
    await stopClean(d);
    const junk = path.join(work, 'bukan-cadangan.db');
    cpSync(path.join(d.examsDir, 'subsectors.yaml'), junk);
    const r = cli(['restore', junk], { dataDir: d.dataDir });
    assert.notEqual(r.status, 0, 'restore accepted a YAML file');
    assert.ok(r.stderr.trim().length > 0, 'restore refused without saying why');
    const missing = cli(['restore', path.join(work, 'tidak-ada.db')], { dataDir: d.dataDir });
    assert.notEqual(missing.status, 0, 'restore accepted a missing file');
    // A backup cut short (a copy interrupted half-way) and an SQLite file of another program.
    const good = path.join(work, 'utuh.db');
    assert.equal(cli(['backup', good], { dataDir: d.dataDir }).status, 0);
    const bytes = readFileSync(good);
    const half = path.join(work, 'terpotong.db');
    writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cut = cli(['restore', half], { dataDir: d.dataDir });
    assert.notEqual(cut.status, 0, `restore accepted a truncated backup: ${cut.stdout}`);
    if (haveSqliteCli()) {
      const other = path.join(work, 'lain.db');
      sqlFile(other, 'CREATE TABLE catatan (isi TEXT)');
      const o = cli(['restore', other], { dataDir: d.dataDir });
      assert.notEqual(o.status, 0, `restore accepted a database of another program: ${o.stdout}`);
    }
    const d2 = await startDaemon({ dataDir: d.dataDir });
    c.base = d2.url;
    const me = await c.get('/api/auth/me');
    assert.equal(me.status, 200, `the account is gone after a refused restore: ${me.text}`);
    await stopClean(d2);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
});

test('a PostgreSQL database is not backed up, restored or checked as a file', {
  timeout: 60_000, skip: BACKEND !== 'postgresql' && 'the PostgreSQL pass only',
}, async () => {
  const d = await startDaemon();
  const work = tmpDir('ujikom-restore-');
  try {
    const c = await candidateClient(d, 'Tetap Ada');
    const file = path.join(work, 'cadangan.db');
    const b = cli(['backup', file], { dataDir: d.dataDir });
    assert.equal(b.status, 1, b.stdout + b.stderr);
    assert.match(b.stderr, /pg_dump/);
    assert.ok(!existsSync(file), 'nothing written');
    writeFileSync(file, 'bukan cadangan');
    const r = cli(['restore', file], { dataDir: d.dataDir });
    assert.notEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /pg_restore/);
    const k = cli(['check'], { dataDir: d.dataDir });
    assert.notEqual(k.status, 0, k.stdout + k.stderr);
    assert.match(k.stderr, /pg_amcheck/);
    const me = await c.get('/api/auth/me');
    assert.equal(me.status, 200, `the account is gone after a refused restore: ${me.text}`);
  } finally {
    await stopClean(d);
    rmSync(work, { recursive: true, force: true });
  }
});
