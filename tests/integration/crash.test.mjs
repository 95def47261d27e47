// Crash test: "nothing acknowledged is ever lost". Candidates save answers continuously,
// some submit, an assessor decides the submitted attempts (certificates are issued for K),
// while the daemon is killed with SIGKILL at random moments and restarted on the same data
// directory. Afterwards every acknowledged write must be there, through the API and in the
// database itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  startDaemon, stopClean, stopWith, candidateClient, tmpDir, cli, BACKEND,
} from './lib/daemon.mjs';
import {
  sql, assessorClient, textItems, answerText, answerSeq, SaveLog, haveSqliteCli,
} from './lib/reliability.mjs';
import { rmSync } from 'node:fs';

const EXAM = 'DKV-DGM-JR'; // has short and open (assessor-scored) items
const CANDIDATES = 12;
const KILLS = 5;

// A request that may hit a dead daemon: resolves to the response or null (network error).
async function tryReq(fn) {
  try {
    return await fn();
  } catch {
    return null;
  }
}

test('SIGKILL at random moments loses no acknowledged write', { timeout: 170_000 }, async (t) => {
  if (!haveSqliteCli()) return t.skip('the sqlite3 command-line shell is not installed');
  const dataDir = tmpDir('ujikom-crash-');
  const daemons = [];
  let d = await startDaemon({ dataDir });
  daemons.push(d);
  const clients = [];
  const world = { running: true };
  const stats = { acked: 0 }; // saves by outcome
  const unexpected = []; // replies that are neither success nor "service down/busy"

  const cands = [];
  for (let i = 0; i < CANDIDATES; i++) {
    const c = await candidateClient(d, `Peserta Ketahanan ${i}`);
    clients.push(c);
    cands.push({
      i, c, log: new SaveLog(), attemptId: null, items: [],
      submits: i % 2 === 0, submitAt: Date.now() + 2000 + Math.random() * 18_000,
      submitSent: false, submitAcked: false, serials: new Set(), verdict: null,
    });
  }
  const asr = await assessorClient(d);
  clients.push(asr);
  const decisionsAcked = new Map(); // attempt id -> certificate serial (or null)
  const decisionsSent = new Set();

  const note = (what, r) => {
    if (r && r.status >= 400 && r.status !== 503) unexpected.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
  };

  async function candidate(st) {
    const { c } = st;
    while (world.running && !st.attemptId) {
      const r = await tryReq(() => c.post(`/api/exams/${EXAM}/attempts`, {}));
      note(`start c${st.i}`, r);
      if (r && (r.status === 201 || r.status === 200)) st.attemptId = r.json.id;
      else await sleep(50);
    }
    while (world.running && st.items.length === 0) {
      const r = await tryReq(() => c.get(`/api/attempts/${st.attemptId}`));
      note(`read c${st.i}`, r);
      if (r && r.status === 200) st.items = textItems(r.json.form);
      else await sleep(50);
    }
    let seq = 0;
    while (world.running && !(st.submits && Date.now() >= st.submitAt)) {
      const item = st.items[Math.floor(Math.random() * st.items.length)];
      seq += 1;
      st.log.send(item.id, seq);
      const r = await tryReq(() => c.put(`/api/attempts/${st.attemptId}/answers/${item.id}`,
        { value: answerText(item, st.i, seq) }));
      note(`save c${st.i} ${item.id}`, r);
      if (r && r.status === 200) {
        st.log.ack(item.id, seq);
        stats.acked += 1;
      } else {
        stats[r ? `s${r.status}` : 'dead'] = (stats[r ? `s${r.status}` : 'dead'] ?? 0) + 1;
        await sleep(30);
      }
    }
    if (!st.submits) return;
    while (world.running && !st.submitAcked) {
      st.submitSent = true;
      const r = await tryReq(() => c.post(`/api/attempts/${st.attemptId}/submit`, {}));
      note(`submit c${st.i}`, r);
      if (r && r.status === 200 && r.json.status !== 'open') st.submitAcked = true;
      else await sleep(50);
    }
    while (world.running && st.verdict !== 'K' && st.verdict !== 'BK') {
      const r = await tryReq(() => c.get(`/api/attempts/${st.attemptId}/result`));
      note(`result c${st.i}`, r);
      if (r && r.status === 200) st.verdict = r.json.verdict;
      await sleep(200);
    }
    // Ask for the certificate twice: issuance must be idempotent across crashes.
    for (let k = 0; world.running && st.verdict === 'K' && k < 2; k++) {
      const r = await tryReq(() => c.post(`/api/attempts/${st.attemptId}/certificate`, {}));
      note(`certificate c${st.i}`, r);
      if (r && (r.status === 200 || r.status === 201)) st.serials.add(r.json.serial);
      await sleep(300);
    }
  }

  async function decide(id) {
    const cl = await tryReq(() => asr.post(`/api/reviews/${id}/claim`, {}));
    if (!cl || (cl.status !== 200 && cl.status !== 409)) return note(`claim ${id}`, cl);
    const rv = await tryReq(() => asr.get(`/api/reviews/${id}`));
    if (!rv || rv.status !== 200) return note(`review ${id}`, rv);
    const items = {};
    const units = {};
    for (const u of rv.json.units) {
      units[u.code] = { outcome: 'K', reason: 'Uji ketahanan: unit dinilai kompeten oleh asesor.' };
      for (const it of u.items) {
        if (it.open) items[it.id] = { criteria: Object.fromEntries(it.rubric.map((c) => [c.id, c.max_points])) };
      }
    }
    decisionsSent.add(id);
    const r = await tryReq(() => asr.post(`/api/reviews/${id}/decision`,
      { items, units, overall: 'K', feedback: 'Bagus, pertahankan.' }));
    if (r && r.status === 200) decisionsAcked.set(id, r.json.certificate_serial ?? null);
    else if (!(r && r.status === 409 && decisionsSent.has(id))) note(`decide ${id}`, r);
  }

  async function assessor() {
    while (world.running) {
      const q = await tryReq(() => asr.get('/api/reviews/queue'));
      note('queue', q);
      if (q && q.status === 200) {
        for (const it of q.json.items) {
          if (!world.running) break;
          if (!decisionsAcked.has(it.attempt_id)) await decide(it.attempt_id);
        }
      }
      await sleep(250);
    }
  }

  const workers = [...cands.map((st) => candidate(st)), assessor()];
  let kills = 0;
  for (let k = 0; k < KILLS; k++) {
    await sleep(1500 + Math.random() * 4000);
    await stopWith(d, 'SIGKILL');
    kills += 1;
    d = await startDaemon({ dataDir });
    daemons.push(d);
    for (const c of clients) c.base = d.url;
  }
  await sleep(4000);
  world.running = false;
  await Promise.all(workers);

  // Settle: every submit that was sent is retried until acknowledged (it is idempotent).
  for (const st of cands) {
    for (let k = 0; st.submitSent && !st.submitAcked && k < 50; k++) {
      const r = await st.c.post(`/api/attempts/${st.attemptId}/submit`, {});
      if (r.status === 200 && r.json.status !== 'open') st.submitAcked = true;
      else await sleep(100);
    }
  }

  assert.ok(kills >= 4, `killed ${kills} times`);
  assert.deepEqual(unexpected, [], 'only 2xx, 503 or a dead connection while crashing');
  assert.ok(stats.acked >= 10 * CANDIDATES, `few acknowledged saves (${JSON.stringify(stats)})`);
  assert.ok(cands.every((st) => st.attemptId), 'every candidate started an attempt');

  // 1. Answers through the API.
  for (const st of cands) {
    const r = await st.c.get(`/api/attempts/${st.attemptId}`);
    assert.equal(r.status, 200, r.text);
    for (const item of st.items) {
      const v = r.json.answers[item.id];
      const err = st.log.check(item.id, v === undefined ? null : answerSeq(v, st.i));
      assert.equal(err, null, `API, candidate ${st.i}, attempt ${st.attemptId}: ${err}`);
    }
  }

  // 2. Answers in the database itself.
  const rows = sql(dataDir, 'SELECT attempt_id, item_id, value FROM attempt_answers');
  for (const st of cands) {
    const mine = new Map(rows.filter((x) => x.attempt_id === st.attemptId).map((x) => [x.item_id, JSON.parse(x.value)]));
    for (const item of st.items) {
      const err = st.log.check(item.id, mine.has(item.id) ? answerSeq(mine.get(item.id), st.i) : null);
      assert.equal(err, null, `DB, candidate ${st.i}, attempt ${st.attemptId}: ${err}`);
    }
  }

  // 3. One attempt per candidate (a retried start after a crash must not make a second).
  const dupAttempts = sql(dataDir,
    'SELECT user_id, exam_id, count(*) AS n FROM attempts GROUP BY user_id, exam_id HAVING count(*) > 1');
  assert.deepEqual(dupAttempts, [], 'duplicate attempts');

  // 4. Every submitted attempt is finished with exactly one result; the others are open.
  const atts = new Map(sql(dataDir, 'SELECT id, status, verdict, result IS NOT NULL AS has_result FROM attempts')
    .map((a) => [a.id, a]));
  for (const st of cands) {
    const a = atts.get(st.attemptId);
    assert.ok(a, `attempt ${st.attemptId} missing from the database`);
    if (st.submitAcked) {
      assert.notEqual(a.status, 'open', `submitted attempt ${a.id} is open again`);
      assert.ok(a.verdict && a.has_result === 1, `submitted attempt ${a.id} has no result`);
    } else {
      assert.equal(a.status, 'open', `attempt ${a.id} was never submitted but is ${a.status}`);
    }
  }
  assert.ok(cands.some((st) => st.submitAcked), 'no attempt was submitted');

  // 5. Decisions: each acknowledged one is there exactly once, and the verdict is K.
  for (const [id] of decisionsAcked) {
    const n = sql(dataDir, `SELECT count(*) AS n FROM review_decisions WHERE attempt_id = ${Number(id)}`)[0].n;
    assert.equal(n, 1, `attempt ${id}: ${n} decision rows for one acknowledged decision`);
    assert.equal(atts.get(id).verdict, 'K', `attempt ${id}: acknowledged K decision lost`);
  }

  // 6. Certificates: at most one per attempt, every acknowledged serial stored for its
  // attempt, and issuing again (the recovery path) returns that same certificate.
  const dupCerts = sql(dataDir, 'SELECT attempt_id, count(*) AS n FROM certificates GROUP BY attempt_id HAVING count(*) > 1');
  assert.deepEqual(dupCerts, [], 'duplicate certificates');
  const certs = new Map(sql(dataDir, 'SELECT attempt_id, serial FROM certificates').map((c) => [c.attempt_id, c.serial]));
  for (const [id, serial] of decisionsAcked) {
    if (serial) assert.equal(certs.get(id), serial, `attempt ${id}: acknowledged certificate ${serial} lost`);
  }
  for (const st of cands) {
    assert.ok(st.serials.size <= 1, `candidate ${st.i}: several serials ${[...st.serials]}`);
    for (const s of st.serials) assert.equal(certs.get(st.attemptId), s, `attempt ${st.attemptId}: serial ${s} lost`);
    if (atts.get(st.attemptId).verdict === 'K') {
      const r = await st.c.post(`/api/attempts/${st.attemptId}/certificate`, {});
      assert.ok(r.status === 200 || r.status === 201, r.text);
      if (certs.has(st.attemptId)) assert.equal(r.json.serial, certs.get(st.attemptId), 'issuing again made a new certificate');
    }
  }
  const afterIssue = sql(dataDir, 'SELECT attempt_id, count(*) AS n FROM certificates GROUP BY attempt_id HAVING count(*) > 1');
  assert.deepEqual(afterIssue, [], 'duplicate certificates after re-issuing');

  // 7. The database and the audit chain are intact.
  // The file's own check (SQLite); a PostgreSQL server keeps its pages itself.
  if (BACKEND === 'sqlite') assert.deepEqual(sql(dataDir, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  const audit = cli(['audit', 'verify'], { dataDir });
  assert.equal(audit.status, 0, `audit chain broken after crashes: ${audit.stdout}${audit.stderr}`);

  for (const old of daemons.slice(0, -1)) {
    assert.ok(!/runtime error|AddressSanitizer/.test(old.output()), `sanitizer report before a kill:\n${old.output()}`);
  }
  t.diagnostic(`kills=${kills} saves=${JSON.stringify(stats)} submitted=${cands.filter((s) => s.submitAcked).length} ` +
    `decisions=${decisionsAcked.size} certificates=${certs.size}`);
  await stopClean(d);
  rmSync(dataDir, { recursive: true, force: true });
});
