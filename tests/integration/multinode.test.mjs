// Two ujikomd nodes on one PostgreSQL database (docs/operations.md, "Several nodes on one
// database"): 50 candidates whose requests alternate between the nodes, as a load balancer
// without stickiness would send them, take an exam to the end; one node is killed (SIGKILL)
// mid-exam and its requests move to the other. Afterwards: no acknowledged save is lost (read
// back from the database and the API), one attempt and one result per candidate, one
// certificate per K, the audit chain and the transparency log intact, and both nodes give the
// same verdicts, key set and checkpoint, also right after a revocation made on the other node.
// The nodes share the data directory's key files as production nodes would (copied here);
// a node whose files differ, or lack a key another node registered, is refused at start.
// PostgreSQL only: the ctest pass labelled pg runs it (tests/CMakeLists.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  PG_BASE, Client, PASSWORD, adminClient, cli, databaseOf, dropDatabase, startDaemon, stopClean, stopWith, tmpDir,
  uniqueEmail,
} from './lib/daemon.mjs';
import { NUM_EXAM_ID, makeNumExamsDir } from './lib/candidate.mjs';
import { SaveLog, answerSeq, sql } from './lib/reliability.mjs';
import { shareKeys } from './lib/nodes.mjs';

const CANDIDATES = 50;
const SAVES = 8;
const PUBLIC_URL = 'https://lsp.contoh.test'; // sequence-numbered saves of the short item per candidate

// A load balancer without stickiness over the nodes: request n of a client goes to node
// n mod N; a node that does not answer (killed) is taken out, and the request goes to the next
// one. A 503 (the store busy or reconnecting) is retried after its Retry-After.
class Balancer {
  constructor(nodes) {
    this.nodes = nodes; // { url, up }
    this.statuses = new Map();
    this.failovers = 0;
  }

  async send(client, method, p, body, onSent) {
    for (let tries = 0; tries < 40; tries++) {
      const live = this.nodes.filter((n) => n.up);
      const node = live[(client.n++) % live.length];
      client.base = node.url;
      if (onSent) onSent();
      let r;
      try {
        r = await client.req(method, p, body);
      } catch {
        // Connection refused or reset: the node is gone; the request was not acknowledged.
        this.failovers += 1;
        await sleep(50);
        continue;
      }
      this.statuses.set(r.status, (this.statuses.get(r.status) ?? 0) + 1);
      if (r.status === 503) {
        await sleep(1000 * Math.min(Number(r.headers.get('retry-after')) || 1, 2));
        continue;
      }
      return r;
    }
    throw new Error(`${method} ${p}: no node answered`);
  }
}

// One candidate: registers, logs in, starts the exam, saves, submits, asks for the
// certificate, every request through the balancer. K candidates answer 3 of 4 items right.
async function candidate(lb, i, killAt) {
  const c = new Client(lb.nodes[0].url);
  c.n = i; // candidates start on alternating nodes
  const email = uniqueEmail(`mn${i}`);
  const log = new SaveLog();
  const pass = i % 2 === 0;
  const reg = await lb.send(c, 'POST', '/api/auth/register', { name: `Peserta Simpul ${i}`, email, password: PASSWORD });
  assert.ok([200, 201].includes(reg.status), reg.text);
  const l = await lb.send(c, 'POST', '/api/auth/login', { email, password: PASSWORD });
  assert.equal(l.status, 200, l.text);
  c.csrf = l.json.csrf;
  const s = await lb.send(c, 'POST', `/api/exams/${NUM_EXAM_ID}/attempts`, {});
  assert.equal(s.status, 201, s.text);
  const id = s.json.id;
  const g = await lb.send(c, 'GET', `/api/attempts/${id}`);
  assert.equal(g.status, 200, g.text);
  const finals = { HARGA: pass ? 30000 : 12345, PANJANG: 2.5, WARNA: pass };
  for (const [item, value] of Object.entries(finals)) {
    const r = await lb.send(c, 'PUT', `/api/attempts/${id}/answers/${item}`, { value });
    assert.equal(r.status, 200, `${item}: ${r.text}`);
  }
  for (let seq = 1; seq <= SAVES; seq++) {
    const r = await lb.send(c, 'PUT', `/api/attempts/${id}/answers/DPI`, { value: `c${i}-s${seq}` },
      () => log.send('DPI', seq));
    assert.equal(r.status, 200, `DPI s${seq}: ${r.text}`);
    log.ack('DPI', seq);
    killAt();
  }
  const sub = await lb.send(c, 'POST', `/api/attempts/${id}/submit`, {});
  assert.equal(sub.status, 200, sub.text);
  assert.equal(sub.json.verdict, pass ? 'K' : 'BK', sub.text);
  let serial = null;
  if (pass) {
    const iss = await lb.send(c, 'POST', `/api/attempts/${id}/certificate`, {});
    assert.ok([200, 201].includes(iss.status), iss.text);
    // Asked again (a retry after a lost reply, maybe on the other node): the same certificate.
    const again = await lb.send(c, 'POST', `/api/attempts/${id}/certificate`, {});
    assert.ok([200, 201].includes(again.status), again.text);
    assert.equal(again.json.serial, iss.json.serial, 'a second certificate for one attempt');
    serial = iss.json.serial;
  }
  return { i, c, id, log, finals, pass, serial };
}

const verdictOf = async (url, serial) => {
  const r = await fetch(`${url}/verify?serial=${encodeURIComponent(serial)}`, { headers: { Accept: 'application/json' } });
  assert.equal(r.status, 200);
  return r.json();
};
const pageOf = async (url, serial) => (await fetch(`${url}/verify?serial=${encodeURIComponent(serial)}`)).text();
const textOf = async (url, p) => {
  const r = await fetch(url + p);
  assert.equal(r.status, 200, `${url}${p}`);
  return r.text();
};

test('two nodes on one database: an exam day across both, one killed mid-exam', { skip: !PG_BASE && 'needs PostgreSQL (ctest -L pg)', timeout: 280_000 }, async () => {
  const examsDir = makeNumExamsDir();
  const dirB = tmpDir('ujikom-node-b-');
  // Behind one name, every node has the same public URL (the log's origin, the QR's links).
  const nodeArgs = ['--public-url', PUBLIC_URL];
  let a = await startDaemon({ examsDir, args: nodeArgs });
  const dirA = a.dataDir;
  shareKeys(a.dataDir, dirB);
  const b = await startDaemon({ examsDir, dataDir: dirB, args: [...nodeArgs, '--database', databaseOf(a.dataDir)] });
  try {
    const admin = await adminClient(a);
    const nodes = [{ url: a.url, up: true }, { url: b.url, up: true }];
    const lb = new Balancer(nodes);
    // Node A dies after about half the sequence-numbered saves of all candidates were made.
    let saves = 0;
    let killed = null;
    const killAt = () => {
      saves += 1;
      if (!killed && saves >= (CANDIDATES * SAVES) / 2) {
        killed = stopWith(a, 'SIGKILL').then(() => { nodes[0].up = false; });
      }
    };
    const runs = await Promise.all(Array.from({ length: CANDIDATES }, (_, i) => candidate(lb, i, killAt)));
    assert.ok(killed, 'node A was killed mid-exam');
    await killed;
    assert.equal(a.exited().signal, 'SIGKILL');
    const bad = [...lb.statuses.keys()].filter((s) => s >= 500 && s !== 503);
    assert.deepEqual(bad, [], `server errors: ${JSON.stringify([...lb.statuses])}`);
    console.log(`statuses ${JSON.stringify([...lb.statuses])}; ${lb.failovers} requests moved off the killed node`);

    // 0 acknowledged saves lost: in the database and through the API.
    const ids = runs.map((r) => r.id).join(',');
    const rows = sql(a.dataDir, `SELECT attempt_id, item_id, value FROM attempt_answers WHERE attempt_id IN (${ids})`);
    const stored = new Map(rows.map((r) => [`${r.attempt_id}/${r.item_id}`, JSON.parse(r.value)]));
    const lost = [];
    for (const run of runs) {
      const err = run.log.check('DPI', answerSeq(stored.get(`${run.id}/DPI`) ?? null, run.i));
      if (err) lost.push(`candidate ${run.i} (database): ${err}`);
      for (const [item, value] of Object.entries(run.finals)) {
        if (stored.get(`${run.id}/${item}`) !== value) lost.push(`candidate ${run.i} (database): ${item} = ${stored.get(`${run.id}/${item}`)}`);
      }
      run.c.base = b.url;
      const g = await run.c.get(`/api/attempts/${run.id}`);
      assert.equal(g.status, 200, g.text);
      const apiErr = run.log.check('DPI', answerSeq(g.json.answers.DPI ?? null, run.i));
      if (apiErr) lost.push(`candidate ${run.i} (API): ${apiErr}`);
      assert.equal(g.json.status, 'submitted');
    }
    assert.deepEqual(lost, [], 'acknowledged saves lost');
    // Every candidate's last save was acknowledged, so the stored value is exactly it.
    for (const run of runs) assert.equal(stored.get(`${run.id}/DPI`), `c${run.i}-s${SAVES}`);

    // One attempt and one result per candidate, one certificate per K.
    const attempts = sql(a.dataDir, `SELECT a.id, a.status, a.verdict, a.result IS NOT NULL AS scored, (SELECT count(*) FROM attempts o WHERE o.user_id = a.user_id) AS n FROM attempts a WHERE a.id IN (${ids})`);
    assert.equal(attempts.length, CANDIDATES);
    for (const at of attempts) {
      assert.equal(at.n, 1, `candidate of attempt ${at.id} has ${at.n} attempts`);
      assert.equal(at.status, 'submitted');
      assert.equal(at.scored, 1);
    }
    const certs = sql(a.dataDir, `SELECT attempt_id, serial FROM certificates WHERE attempt_id IN (${ids}) ORDER BY attempt_id`);
    const kRuns = runs.filter((r) => r.pass);
    assert.deepEqual(certs.map((x) => x.attempt_id), kRuns.map((r) => r.id).sort((x, y) => x - y), 'one certificate per K attempt, none for BK');
    for (const r of kRuns) assert.equal(certs.find((x) => x.attempt_id === r.id).serial, r.serial);
    const logged = sql(a.dataDir, "SELECT serial, count(*) AS n FROM tlog_entries WHERE event = 'issue' GROUP BY serial");
    for (const r of kRuns) assert.equal(logged.find((x) => x.serial === r.serial)?.n, 1, `issuance of ${r.serial} logged once`);

    // The audit chain and the transparency log, checked by the CLI on the database.
    const audit = cli(['audit', 'verify'], { dataDir: a.dataDir });
    assert.equal(audit.status, 0, audit.stdout + audit.stderr);
    const cross = cli(['log', 'verify'], { dataDir: a.dataDir });
    assert.equal(cross.status, 0, cross.stdout + cross.stderr);

    // Node A comes back on its data directory; both nodes publish the same keys and log.
    a = await startDaemon({ examsDir, dataDir: dirA, args: [...nodeArgs, '--database', databaseOf(dirA)] });
    const urls = [a.url, b.url];
    const key = (await textOf(b.url, '/log/key')).trim();
    for (const url of urls) {
      const v = cli(['log', 'verify', '--url', `${url}/log`, '--key', key]);
      assert.equal(v.status, 0, `log verify on ${url}: ${v.stdout}${v.stderr}`);
    }
    assert.equal(await textOf(a.url, '/.well-known/jwks.json'), await textOf(b.url, '/.well-known/jwks.json'), 'the same JWKS on both nodes');
    assert.equal(await textOf(a.url, '/log/checkpoint'), await textOf(b.url, '/log/checkpoint'), 'the same checkpoint on both nodes');

    // Verdicts agree, and a revocation on one node is seen by the other's very next request
    // (both have verified the certificate just before, so anything they kept is warm).
    admin.base = a.url;
    for (const [serial, revokeOn] of [[kRuns[0].serial, a.url], [kRuns[1].serial, b.url]]) {
      for (const url of urls) assert.equal((await verdictOf(url, serial)).verdict, 'genuine', `${serial} on ${url}`);
      admin.base = revokeOn;
      const rv = await admin.post(`/api/certificates/${serial}/revoke`, { reason: 'Dokumen persyaratan palsu' });
      assert.equal(rv.status, 200, rv.text);
      for (const url of urls) {
        const v = await verdictOf(url, serial);
        assert.equal(v.verdict, 'revoked', `${serial} on ${url} after a revocation on ${revokeOn}: ${JSON.stringify(v).slice(0, 200)}`);
        const page = await pageOf(url, serial);
        assert.match(page, /DICABUT/, `${url}'s page does not say revoked`);
        assert.doesNotMatch(page, /ASLI — berlaku/, `${url}'s page still says genuine`);
      }
    }
    for (const r of kRuns.slice(2, 6)) {
      const [va, vb] = [await verdictOf(a.url, r.serial), await verdictOf(b.url, r.serial)];
      assert.equal(va.verdict, 'genuine');
      assert.deepEqual(va, vb, 'both nodes give the same answer');
    }
    assert.equal(await textOf(a.url, '/log/checkpoint'), await textOf(b.url, '/log/checkpoint'), 'the same checkpoint after the revocations');
    const after = cli(['audit', 'verify'], { dataDir: dirA });
    assert.equal(after.status, 0, after.stdout + after.stderr);
    // The audit watch: a full check asked for on node A is what node B reports, since what
    // it found is kept in the database, with the entries appended since checked by B.
    admin.base = a.url;
    const asked = await admin.post('/api/admin/audit/check');
    assert.equal(asked.status, 202, asked.text);
    let onA;
    for (let i = 0; i < 200; i++) {
      onA = (await admin.get('/api/admin/audit/status')).json;
      if (onA.state === 'intact' && !onA.running) break;
      await sleep(50);
    }
    assert.equal(onA.state, 'intact', JSON.stringify(onA));
    admin.base = b.url;
    const onB = (await admin.get('/api/admin/audit/status')).json;
    assert.deepEqual([onB.state, onB.full_check_at_ms, onB.full_check_entries],
      ['intact', onA.full_check_at_ms, onA.full_check_entries], JSON.stringify(onB));
    assert.ok(onB.entries >= onA.full_check_entries);
    await stopClean(a);
    await stopClean(b);
  } finally {
    await stopWith(a, 'SIGKILL');
    await stopWith(b, 'SIGKILL');
    dropDatabase(dirA);
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
    rmSync(examsDir, { recursive: true, force: true });
  }
});

// Starts a node on dir and database and expects it to be refused at start with a message
// matching re.
async function refused(dir, database, re) {
  await assert.rejects(startDaemon({ dataDir: dir, args: ['--public-url', PUBLIC_URL, '--database', database] }),
    (e) => { assert.match(e.message, re); return true; });
}

test('a node whose key files differ from the other nodes\' is refused at start; a rotation is registered at SIGHUP', { skip: !PG_BASE && 'needs PostgreSQL (ctest -L pg)', timeout: 120_000 }, async () => {
  const a = await startDaemon({ args: ['--public-url', PUBLIC_URL] });
  const database = databaseOf(a.dataDir);
  const dirs = [];
  const fresh = () => { const d = tmpDir('ujikom-node-x-'); dirs.push(d); return d; };
  try {
    // An empty data directory: the node would make keys of its own.
    await refused(fresh(), database, /shared keys: .*log-signing\.key is not the file another node on this database registered/);
    // Every file but one shared.
    const other = fresh();
    shareKeys(a.dataDir, other);
    rmSync(path.join(other, 'application.key'));
    await refused(other, database, /application\.key is not the file another node/);
    // A signing key the other node signs with is missing here: a node deployed before a
    // rotation that the other node's SIGHUP put into service.
    const behind = fresh();
    shareKeys(a.dataDir, behind);
    const rot = cli(['keys', 'rotate'], { dataDir: a.dataDir });
    assert.equal(rot.status, 0, rot.stderr);
    const kid = readFileSync(path.join(a.dataDir, 'keys', 'active'), 'utf8').trim();
    assert.ok(!existsSync(path.join(behind, 'keys', `${kid}.pem`)));
    a.proc.kill('SIGHUP');
    await sleep(500); // the SIGHUP is handled between requests of the main loop
    await refused(behind, database, new RegExp(`signing key ed25519:${kid}, registered by another node on this database, is not under`));
    // The same files: the node starts and serves the same key set.
    const same = fresh();
    shareKeys(a.dataDir, same);
    const b = await startDaemon({ dataDir: same, args: ['--public-url', PUBLIC_URL, '--database', database] });
    assert.equal(await textOf(b.url, '/.well-known/jwks.json'), await textOf(a.url, '/.well-known/jwks.json'));
    assert.match(await textOf(b.url, '/.well-known/jwks.json'), new RegExp(kid));
    await stopClean(b);
    await stopClean(a);
  } finally {
    await stopWith(a, 'SIGKILL');
    a.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
