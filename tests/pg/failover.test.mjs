// Failover of the database under save load (docs/operations.md, "Failover"): a PostgreSQL
// primary with a synchronous streaming-replication standby (scripts/pg-cluster.sh start and
// start-standby, both throwaway, on Unix sockets), two ujikomd nodes whose --database lists
// both servers (libpq's multi-host form with target_session_attrs=read-write), candidates
// saving answers all the time. The primary is stopped with -m immediate, the standby is
// promoted a moment later (as Patroni would); the nodes answer 503 with Retry-After in
// between, never anything else, connect to the new primary by themselves, and every save
// acknowledged before, during and after is on the promoted server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client, PASSWORD, SOURCE_DIR, startDaemon, stopClean, stopWith, tmpDir, uniqueEmail } from '../integration/lib/daemon.mjs';
import { NUM_EXAM_ID, makeNumExamsDir } from '../integration/lib/candidate.mjs';
import { SaveLog, answerSeq } from '../integration/lib/reliability.mjs';
import { shareKeys } from '../integration/lib/nodes.mjs';

const CANDIDATES = 12;
const PG_CLUSTER = path.join(SOURCE_DIR, 'scripts/pg-cluster.sh');
const havePostgres = spawnSync('sh', ['-c', 'ls /usr/lib/postgresql/*/bin/initdb']).status === 0;

function cluster(args, env = {}) {
  const r = spawnSync(PG_CLUSTER, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  assert.equal(r.status, 0, `pg-cluster.sh ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

// Rows of a query on the server listening in socketDir, as JSON objects.
function query(socketDir, q) {
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-U', 'ujikom', '-d', 'ujikom',
    '-c', `SELECT coalesce(json_agg(t), '[]') FROM (${q}) t`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim());
}

// One candidate saving the short item again and again, each save numbered, until stop():
// what was sent and acknowledged goes to its SaveLog, every answer's status to `seen`.
async function saveLoop(cand, nodes, seen, running) {
  let seq = 0;
  while (running.on) {
    seq += 1;
    cand.c.base = nodes[seq % nodes.length];
    cand.log.send('DPI', seq);
    let r;
    try {
      r = await cand.c.put(`/api/attempts/${cand.id}/answers/DPI`, { value: `c${cand.i}-s${seq}` });
    } catch (e) {
      seen.push({ status: `connection: ${e.cause?.code || e.message}` });
      await sleep(100);
      continue;
    }
    seen.push({ status: r.status, retryAfter: r.headers.get('retry-after'), at: Date.now(), body: r.status === 200 ? '' : r.text });
    if (r.status === 200) {
      cand.log.ack('DPI', seq);
      cand.ackedAt.push(Date.now());
    } else {
      await sleep(1000 * Math.min(Number(r.headers.get('retry-after')) || 1, 1));
    }
  }
}

test('the primary fails under save load, the standby is promoted: 503 in between, no acknowledged save lost', {
  skip: !havePostgres && 'PostgreSQL (initdb) is not installed', timeout: 280_000,
}, async () => {
  const base = `/tmp/ujikom-fo-${process.pid}`;
  const [primary, standby] = [`${base}-p`, `${base}-s`];
  const examsDir = makeNumExamsDir();
  const dirs = [tmpDir('ujikom-fo-a-'), tmpDir('ujikom-fo-b-')];
  const nodes = [];
  try {
    cluster(['start', primary], { UJIKOM_PG_DURABLE: '1' });
    cluster(['start-standby', primary, standby]);
    const database = `postgresql:///ujikom?host=${primary},${standby}&user=ujikom&target_session_attrs=read-write`;
    const args = ['--public-url', 'https://lsp.contoh.test', '--database', database];
    nodes.push(await startDaemon({ examsDir, dataDir: dirs[0], args }));
    shareKeys(dirs[0], dirs[1]);
    nodes.push(await startDaemon({ examsDir, dataDir: dirs[1], args }));
    const urls = nodes.map((d) => d.url);

    const cands = [];
    for (let i = 0; i < CANDIDATES; i++) {
      const c = new Client(urls[i % 2]);
      const email = uniqueEmail(`fo${i}`);
      assert.equal((await c.register(`Peserta Alih ${i}`, email, PASSWORD)).status, 201);
      c.base = urls[(i + 1) % 2];
      assert.equal((await c.login(email, PASSWORD)).status, 200);
      const s = await c.post(`/api/exams/${NUM_EXAM_ID}/attempts`, {});
      assert.equal(s.status, 201, s.text);
      cands.push({ i, c, id: s.json.id, log: new SaveLog(), ackedAt: [] });
    }

    const seen = [];
    const running = { on: true };
    const loops = cands.map((cand) => saveLoop(cand, urls, seen, running));
    await sleep(2000);
    const crashedAt = Date.now();
    cluster(['crash', primary]); // pg_ctl stop -m immediate: no shutdown checkpoint, WAL only
    await sleep(2000); // the time a failure detector takes to decide
    cluster(['promote', standby]);
    const promotedAt = Date.now();
    // Load goes on until every candidate has had saves acknowledged by the new primary.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !cands.every((c) => c.ackedAt.filter((t) => t > promotedAt).length >= 3)) {
      await sleep(200);
    }
    running.on = false;
    await Promise.all(loops);

    const counts = {};
    for (const s of seen) counts[s.status] = (counts[s.status] ?? 0) + 1;
    console.log(`answers: ${JSON.stringify(counts)}; outage ${promotedAt - crashedAt} ms`);
    const wrong = seen.filter((s) => s.status !== 200 && s.status !== 503);
    assert.deepEqual(wrong.slice(0, 5), [], 'only 200 or 503 while the database fails over');
    const no503Retry = seen.filter((s) => s.status === 503 && !(Number(s.retryAfter) >= 1));
    assert.deepEqual(no503Retry.slice(0, 5), [], 'every 503 says when to retry');
    assert.ok(counts[503] > 0, 'the outage was seen (503) by the saves');
    for (const c of cands) {
      assert.ok(c.ackedAt.some((t) => t < crashedAt), `candidate ${c.i}: saves acknowledged before the failure`);
      assert.ok(c.ackedAt.filter((t) => t > promotedAt).length >= 3, `candidate ${c.i}: saves acknowledged after the promotion`);
    }

    // Every acknowledged save is on the promoted server, read directly and through the API.
    const ids = cands.map((c) => c.id).join(',');
    const rows = query(standby, `SELECT attempt_id, value FROM attempt_answers WHERE item_id = 'DPI' AND attempt_id IN (${ids})`);
    const lost = [];
    for (const c of cands) {
      const row = rows.find((r) => r.attempt_id === c.id);
      const err = c.log.check('DPI', answerSeq(row ? JSON.parse(row.value) : null, c.i));
      if (err) lost.push(`candidate ${c.i} (promoted server): ${err}`);
      const g = await c.c.get(`/api/attempts/${c.id}`);
      assert.equal(g.status, 200, g.text);
      const apiErr = c.log.check('DPI', answerSeq(g.json.answers.DPI ?? null, c.i));
      if (apiErr) lost.push(`candidate ${c.i} (API): ${apiErr}`);
    }
    assert.deepEqual(lost, [], 'acknowledged saves lost in the failover');
    assert.equal(query(standby, 'SELECT pg_is_in_recovery() AS r')[0].r, false, 'the standby is the primary now');
    for (const d of nodes) await stopClean(d);
  } finally {
    for (const d of nodes) await stopWith(d, 'SIGKILL');
    spawnSync(PG_CLUSTER, ['stop', standby]);
    spawnSync(PG_CLUSTER, ['stop', primary]);
    for (const dir of [...dirs, examsDir]) rmSync(dir, { recursive: true, force: true });
    assert.ok(!existsSync(primary) && !existsSync(standby), 'the clusters were removed');
  }
});
