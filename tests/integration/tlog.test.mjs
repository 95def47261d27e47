// The public transparency log against the real daemon: certificates issued over HTTP are in
// the log served under /log/; a verifier written independently of the C code (Python,
// tests/tools/tlog_verify.py) checks the checkpoint signature, every tile, the root, an
// inclusion proof downloaded for every certificate and the consistency of two checkpoints;
// the `ujikom log verify` monitor passes, lists every serial, pins its key, keeps its state
// and fails on a tampered tile or bundle; `ujikom verify --log-proof` checks a holder's
// proof offline; a certificate row written with sqlite3 is reported by the cross-check; and
// certificates that predate the log are appended to it once when the service starts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import net from 'node:net';

import {
  startDaemon, stopClean, cli, tmpDir, Client, candidateClient, adminClient, SOURCE_DIR, dbExec, BACKEND,
} from './lib/daemon.mjs';
import { objectiveExamsDir, certify } from './lib/certify.mjs';

const EXAM_ID = 'DKV-UJI-TLOG';
// The database of an older release is built here as an SQLite file, and a restore is of an
// SQLite backup: those two tests are the SQLite pass's.
const SQLITE_FILE = BACKEND === 'postgresql' && 'an SQLite file of an older release, or its backup';
const VERIFIER = path.join(SOURCE_DIR, 'tests/tools/tlog_verify.py');

let examsDir;
let work;
let d;
const holders = []; // { client, serial }

before(async () => {
  examsDir = objectiveExamsDir(EXAM_ID);
  work = tmpDir('ujikom-tlog-');
  d = await startDaemon({ examsDir });
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  rmSync(examsDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function sql(dataDir, query) {
  const r = dbExec(dataDir, query);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function python(args) {
  return spawnSync('python3', [VERIFIER, ...args], { encoding: 'utf8', timeout: 120_000 });
}

async function issue(n) {
  for (let i = 0; i < n; i++) {
    const client = await candidateClient(d, `Peserta Log ${holders.length + 1}`);
    holders.push({ client, serial: await certify(client, EXAM_ID) });
  }
}

async function publicGet(p) {
  return new Client(d.url).get(p);
}

let firstCheckpoint;
let vkey;
const state = () => path.join(work, 'monitor.state');

test('every issuance is an entry of the public log, served as static tlog-tiles files', async () => {
  await issue(3);
  const cp = await publicGet('/log/checkpoint');
  assert.equal(cp.status, 200, cp.text);
  assert.match(cp.headers.get('cache-control'), /^public, max-age=\d+$/);
  assert.equal(cp.headers.get('access-control-allow-origin'), '*');
  const origin = `127.0.0.1:${d.port}/log`;
  assert.equal(cp.text.split('\n').slice(0, 2).join('\n'), `${origin}\n3`, 'origin and size');
  assert.match(cp.text, new RegExp(`\n\n\u2014 ${origin.replaceAll('.', '\\.')} [A-Za-z0-9+/]+=*\n$`));
  firstCheckpoint = cp.text;
  const key = await publicGet('/log/key');
  assert.equal(key.status, 200);
  vkey = key.text.trim();
  assert.ok(vkey.startsWith(`${origin}+`), vkey);

  const tile = await publicGet('/log/tile/0/000.p/3');
  assert.equal(tile.status, 200);
  assert.equal(tile.body.length, 3 * 32);
  assert.equal(tile.headers.get('content-type'), 'application/octet-stream');
  assert.match(tile.headers.get('cache-control'), /^public, max-age=\d+$/, 'a partial tile is superseded');
  const bundle = await publicGet('/log/tile/entries/000.p/3');
  assert.equal(bundle.status, 200);
  // The entries are public: no holder name, only the event, the serial and commitments.
  const text = bundle.body.toString('latin1');
  for (const h of holders) assert.ok(text.includes(`serial ${h.serial}\n`), h.serial);
  assert.ok(!/Peserta/.test(text), 'no personal data in the log');
  assert.match(text, /ujikom\.certlog\/v1\nevent issue\n/);
  // Tiles the log does not have (yet), and paths that are not tile paths.
  for (const p of ['/log/tile/0/000.p/4', '/log/tile/0/000', '/log/tile/1/000.p/1', '/log/tile/0/000.p/0',
    '/log/tile/0/000.p/256', '/log/tile/0/0', '/log/tile/0/x000/000.p/3', '/log/tile/64/000',
    '/log/tile/entries/001', '/log/tile/-1/000', '/log/tile/0/000.p/03', '/log/tile/0/000.p/3/']) {
    const r = await publicGet(p);
    assert.equal(r.status, 404, `${p}: ${r.status} ${r.text}`);
    assert.equal(r.json.error, 'log_no_tile', p);
  }
});

test('the monitor checks the log, pins its key on the first run and lists every entry', () => {
  const r = cli(['log', 'verify', '--url', `${d.url}/log`, '--state', state()]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /pinned from now on/);
  assert.match(r.stdout, /root recomputed from \d+ tiles: matches the checkpoint/);
  for (const [i, h] of holders.entries()) {
    assert.match(r.stdout, new RegExp(`^${i} issue ${h.serial} issued=\\S+ expires=\\S+`, 'm'));
  }
  assert.match(r.stdout, /log verified: 3 entries/);
  assert.ok(readFileSync(state(), 'utf8').startsWith(`key ${vkey}\n${firstCheckpoint}`), 'state: key and checkpoint');
});

test('holders download their inclusion proof; nobody else can', async () => {
  await issue(2);
  const own = await holders[0].client.get(`/api/certificates/${holders[0].serial}/log-proof`);
  assert.equal(own.status, 200, own.text);
  assert.match(own.headers.get('content-disposition'), /^attachment; filename="sertifikat-UJK-[-0-9A-Z]+\.tlog-proof"$/);
  assert.match(own.text, /^c2sp\.org\/tlog-proof@v1\nextra [A-Za-z0-9+/=]+\nindex 0\n/);
  const other = await holders[1].client.get(`/api/certificates/${holders[0].serial}/log-proof`);
  assert.equal(other.status, 404, 'another holder');
  const anon = await publicGet(`/api/certificates/${holders[0].serial}/log-proof`);
  assert.equal(anon.status, 401);
  const admin = await adminClient(d);
  const adm = await admin.get(`/api/certificates/${holders[4].serial}/log-proof`);
  assert.equal(adm.status, 200, 'an admin may fetch any');
  const none = await admin.get('/api/certificates/UJK-0000-0000-0000-0000-0/log-proof');
  assert.equal(none.status, 404);
  // The holder's page links it beside the PDF.
  const page = await holders[0].client.get('/me');
  assert.match(page.text, new RegExp(`href="/api/certificates/${holders[0].serial}/log-proof"`));
});

test('an independent verifier (Python, from the specs) checks the live log', async () => {
  const dir = path.join(work, 'copy');
  mkdirSync(path.join(dir, 'proof'), { recursive: true });
  for (const h of holders) {
    const p = await h.client.get(`/api/certificates/${h.serial}/log-proof`);
    assert.equal(p.status, 200, p.text);
    writeFileSync(path.join(dir, 'proof', `${h.serial}.tlog-proof`), p.body);
  }
  writeFileSync(path.join(dir, 'checkpoint.old'), firstCheckpoint);
  const r = python(['--service', `${d.url}/log`, dir, vkey]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /: 5 entries \(5 issued\), signature, tiles, root, 5 inclusion proofs, consistency from 3 verified/);
  for (const [i, h] of holders.entries()) assert.match(r.stdout, new RegExp(`^issued ${h.serial} at ${i}$`, 'm'));
  // A proof moved to another certificate's name is caught.
  const moved = path.join(work, 'moved');
  cpSync(dir, moved, { recursive: true });
  copyFileSync(path.join(dir, 'proof', `${holders[0].serial}.tlog-proof`), path.join(moved, 'proof', `${holders[1].serial}.tlog-proof`));
  const bad = spawnSync('python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(path.dirname(VERIFIER))}); import tlog_verify as t; t.verify_service_dir(${JSON.stringify(moved)}, ${JSON.stringify(vkey)})`], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0, bad.stdout);
  assert.match(bad.stderr, /is not for its issuance entry/);
});

test('the monitor checks consistency with the checkpoint it saw, and refuses another key', () => {
  const r = cli(['log', 'verify', '--url', `${d.url}/log`, '--state', state()]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /consistent with the checkpoint seen before \(3 entries\)/);
  assert.equal(r.stdout.match(/^\d+ issue UJK-/gm).length, 5);
  assert.match(r.stdout, /log verified: 5 entries/);
  const other = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const k = cli(['log', 'verify', '--url', `${d.url}/log`, '--state', state(), '--key', other]);
  assert.equal(k.status, 1, k.stdout);
  assert.match(k.stderr, /not the one pinned in the state file/);
  const fresh = cli(['log', 'verify', '--url', `${d.url}/log`, '--key', other]);
  assert.equal(fresh.status, 1);
  assert.match(fresh.stderr, /signature does not verify under the log key/);
  const nowCp = readFileSync(state(), 'utf8').split('\n').slice(1).join('\n');
  assert.ok(nowCp.startsWith(`127.0.0.1:${d.port}/log\n5\n`));
});

test('a tampered tile or entry bundle fails the monitor', () => {
  const good = path.join(work, 'copy');
  const ok = cli(['log', 'verify', '--dir', good, '--key', vkey]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  for (const [file, offset] of [['tile/0/000.p/5', 40], ['tile/entries/000.p/5', 60]]) {
    const bad = path.join(work, `bad-${file.replaceAll('/', '_')}`);
    cpSync(good, bad, { recursive: true });
    const bytes = readFileSync(path.join(bad, file));
    bytes[offset] ^= 1;
    writeFileSync(path.join(bad, file), bytes);
    const r = cli(['log', 'verify', '--dir', bad, '--key', vkey]);
    assert.equal(r.status, 1, `${file}: ${r.stdout}`);
    assert.match(r.stderr, /FAILED: entries: tile 0\/0: its hashes are not the leaf hashes of its entry bundle/);
  }
});

test('ujikom verify --log-proof checks a holder\'s proof offline', async () => {
  const h = holders[2];
  const jwks = path.join(work, 'jwks.json');
  writeFileSync(jwks, (await publicGet('/.well-known/jwks.json')).text);
  const proof = path.join(work, 'copy', 'proof', `${h.serial}.tlog-proof`);
  const jws = (await h.client.get(`/api/certificates/${h.serial}/credential`)).text;
  const r = cli(['verify', '--jwks', jwks, '--log-proof', proof, '--log-key', vkey, jws]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`recorded in the public log 127\\.0\\.0\\.1:${d.port}/log at position 2 \\(issuance of ${h.serial}; checkpoint of 5 entries\\)`));
  // The QR form of the same certificate is proven by the same file.
  const token = sql(d.dataDir, `SELECT qr_token FROM certificates WHERE serial = '${h.serial}'`);
  const q = cli(['verify', '--jwks', jwks, '--log-proof', proof, '--log-key', vkey, token]);
  assert.equal(q.status, 0, q.stdout + q.stderr);
  // Another certificate's credential with this proof, or another log key: not proven.
  const otherJws = (await holders[3].client.get(`/api/certificates/${holders[3].serial}/credential`)).text;
  const o = cli(['verify', '--jwks', jwks, '--log-proof', proof, '--log-key', vkey, otherJws]);
  assert.equal(o.status, 1, o.stdout);
  assert.match(o.stdout, /NOT PROVEN: the proof is for another certificate/);
  const k = cli(['verify', '--jwks', jwks, '--log-proof', proof, '--log-key',
    'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', jws]);
  assert.equal(k.status, 1, k.stdout);
  assert.match(k.stdout, /NOT PROVEN/);
  const half = cli(['verify', '--jwks', jwks, '--log-proof', proof, jws]);
  assert.equal(half.status, 2, 'the proof needs the log key');
});

test('a certificate row written with sqlite3 has no issuance entry: the cross-check reports it', () => {
  const agree = cli(['log', 'verify'], { dataDir: d.dataDir });
  assert.equal(agree.status, 0, agree.stdout + agree.stderr);
  assert.match(agree.stdout, /register and log agree: 5 log entries/);
  const forged = 'UJK-AAAA-BBBB-CCCC-DDDD-E';
  const insert = `INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, units,
    issued_at, expires_at, kid, jws, qr_token) SELECT '${forged}', 999999, user_id, 'Pemalsu', subsector,
    exam_id, units, issued_at, expires_at, kid, 'x.y.z', 'AAAA' FROM certificates LIMIT 1`;
  // The sqlite3 shell does not enforce foreign keys; someone with PostgreSQL's superuser
  // switches them off the same way.
  sql(d.dataDir, { sqlite: insert, postgresql: `SET session_replication_role = replica; ${insert}` });
  const r = cli(['log', 'verify'], { dataDir: d.dataDir });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`NOT IN THE LOG: certificate ${forged} is in the register without an issuance entry`));
  assert.match(r.stdout, /register and log DISAGREE/);
});

test('a status changed around the service is reported; one changed through it is logged', async () => {
  const admin = await adminClient(d);
  const h = holders[3];
  const logBefore = Number(sql(d.dataDir, 'SELECT count(*) FROM tlog_entries'));
  const s = await admin.post(`/api/certificates/${h.serial}/suspend`, { reason: 'Pemeriksaan dokumen' });
  assert.equal(s.status, 200, s.text);
  assert.equal(Number(sql(d.dataDir, 'SELECT count(*) FROM tlog_entries')), logBefore + 1);
  assert.equal(sql(d.dataDir, `SELECT event FROM tlog_entries WHERE serial = '${h.serial}' ORDER BY idx DESC LIMIT 1`), 'suspend');
  const agree = cli(['log', 'verify'], { dataDir: d.dataDir });
  assert.doesNotMatch(agree.stdout, /STATUS DIFFERS/);
  // The monitor lists the suspension with the certificate's number.
  const m = cli(['log', 'verify', '--url', `${d.url}/log`, '--key', vkey]);
  assert.equal(m.status, 0, m.stdout + m.stderr);
  assert.match(m.stdout, new RegExp(`^${logBefore} suspend ${h.serial} `, 'm'));
  // Lifted with sqlite3, without the service: the log still says suspended.
  sql(d.dataDir, `UPDATE certificates SET status = 'valid', suspended_at = NULL, suspended_reason = NULL,
    suspended_by = NULL WHERE serial = '${h.serial}'`);
  const r = cli(['log', 'verify'], { dataDir: d.dataDir });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`STATUS DIFFERS: certificate ${h.serial} is valid in the register but suspended in the log`));
});

// A database as a release before the log left it: the migrations up to 0009 applied with
// sqlite3 to a new file, and the users, attempts and certificates (the columns of that
// schema) of the database the service made in from. The signing keys come along.
function preLogDatabase(from, dataDir) {
  const dir = path.join(SOURCE_DIR, 'service/store/migrations');
  const schema = readdirSync(dir).filter((f) => /^000\d_.*\.sql$/.test(f)).sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
  const cols = 'serial, attempt_id, user_id, holder, subsector, exam_id, units, issued_at, expires_at, ' +
    'kid, jws, qr_token, status, revoked_at, revoked_reason, revoked_by, display';
  const r = spawnSync('sqlite3', [path.join(dataDir, 'ujikom.db')], {
    encoding: 'utf8',
    input: `${schema}\nPRAGMA user_version = 9;\nATTACH '${path.join(from, 'ujikom.db')}' AS src;\n` +
      'INSERT INTO users SELECT * FROM src.users;\nINSERT INTO attempts SELECT * FROM src.attempts;\n' +
      `INSERT INTO certificates(${cols}) SELECT ${cols} FROM src.certificates;\n`,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'the old schema takes the rows as they are');
  chmodSync(path.join(dataDir, 'ujikom.db'), 0o600);
  cpSync(path.join(from, 'keys'), path.join(dataDir, 'keys'), { recursive: true });
}

test('certificates that predate the log are appended once, in issue order, at start-up', { skip: SQLITE_FILE }, async () => {
  const made = tmpDir('ujikom-tlog-made-');
  const dataDir = tmpDir('ujikom-tlog-backfill-');
  let d2 = await startDaemon({ examsDir, dataDir: made });
  const serials = [];
  for (let i = 0; i < 3; i++) {
    const c = await candidateClient(d2, `Peserta Lama ${i}`);
    serials.push(await certify(c, EXAM_ID));
  }
  await stopClean(d2);
  preLogDatabase(made, dataDir);
  rmSync(made, { recursive: true, force: true });
  assert.equal(sql(dataDir, 'SELECT count(*) FROM certificates'), '3');
  // One of them was revoked before the log existed.
  sql(dataDir, `UPDATE certificates SET status = 'revoked', revoked_at = issued_at * 1000 + 1,
    revoked_reason = 'Dicabut sebelum log' WHERE serial = '${serials[1]}'`);
  const before = cli(['log', 'verify'], { dataDir });
  assert.notEqual(before.status, 0, 'an old database has no log to check');
  d2 = await startDaemon({ examsDir, dataDir });
  try {
    const order = sql(dataDir, 'SELECT serial FROM certificates ORDER BY issued_at, serial').split('\n');
    assert.deepEqual(sql(dataDir, "SELECT serial FROM tlog_entries WHERE event = 'issue' ORDER BY idx").split('\n'), order);
    assert.deepEqual([...order].sort(), [...serials].sort());
    // The revoked one: its issuance, then its revocation, so the log tells its present state.
    const at = order.indexOf(serials[1]);
    assert.equal(sql(dataDir, `SELECT group_concat(event, ' ') FROM (SELECT event FROM tlog_entries WHERE serial = '${serials[1]}' ORDER BY idx)`), 'issue revoke');
    const r = cli(['log', 'verify', '--url', `${d2.url}/log`]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /log verified: 4 entries/);
    assert.match(r.stdout, new RegExp(`^${at + 1} revoke ${serials[1]} `, 'm'));
    assert.equal(cli(['log', 'verify'], { dataDir }).status, 0);
    // The list empties as it is worked through: later starts do not read it again.
    assert.equal(sql(dataDir, 'SELECT count(*) FROM tlog_backfill'), '0');
  } finally {
    await stopClean(d2);
  }
  // A list as versions before that left it, every certificate on it logged already.
  sql(dataDir, 'INSERT INTO tlog_backfill(serial) SELECT serial FROM certificates');
  // Once: a restart appends nothing more; a row written around the service afterwards is not
  // backfilled (it never issued it) but reported.
  sql(dataDir, `INSERT INTO certificates(serial, attempt_id, user_id, holder, subsector, exam_id, units,
    issued_at, expires_at, kid, jws, qr_token) SELECT 'UJK-AAAA-BBBB-CCCC-DDDD-F', 999999, user_id, 'Pemalsu',
    subsector, exam_id, units, issued_at, expires_at, kid, 'x.y.z', 'AAAA' FROM certificates LIMIT 1`);
  d2 = await startDaemon({ examsDir, dataDir });
  try {
    assert.equal(sql(dataDir, 'SELECT count(*) FROM tlog_entries'), '4');
    assert.equal(sql(dataDir, 'SELECT count(*) FROM tlog_backfill'), '0', 'the logged ones are taken off the list');
    const r = cli(['log', 'verify'], { dataDir });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /NOT IN THE LOG: certificate UJK-AAAA-BBBB-CCCC-DDDD-F/);
  } finally {
    await stopClean(d2);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
    srv.on('error', reject);
  });
}

test('a log rewound by a restore, then rewritten, fails the monitor that saw it before', { skip: SQLITE_FILE }, async () => {
  const dataDir = tmpDir('ujikom-tlog-fork-');
  const backup = path.join(work, 'fork-backup.db');
  const st = path.join(work, 'fork.state');
  const port = await freePort();
  // The same public URL on every start: the same log origin, the same key name.
  const opts = { examsDir, dataDir, args: ['--listen', `127.0.0.1:${port}`, '--public-url', `http://127.0.0.1:${port}`] };
  let d3 = await startDaemon(opts);
  const monitor = () => cli(['log', 'verify', '--url', `${d3.url}/log`, '--state', st]);
  try {
    await certify(await candidateClient(d3, 'Peserta Satu'), EXAM_ID);
    assert.equal(cli(['backup', backup], { dataDir }).status, 0);
    await certify(await candidateClient(d3, 'Peserta Dua'), EXAM_ID);
    const seen = monitor();
    assert.equal(seen.status, 0, seen.stdout + seen.stderr);
    assert.match(seen.stdout, /log verified: 2 entries/);
  } finally {
    await stopClean(d3);
  }
  const r = cli(['restore', backup], { dataDir });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  d3 = await startDaemon(opts);
  try {
    const shrunk = monitor();
    assert.equal(shrunk.status, 1, shrunk.stdout);
    assert.match(shrunk.stderr, /consistency with the last checkpoint seen: the log shrank from 2 to 1 entries/);
    // Another certificate takes position 1: same size as seen, another history.
    await certify(await candidateClient(d3, 'Peserta Tiga'), EXAM_ID);
    const forked = monitor();
    assert.equal(forked.status, 1, forked.stdout);
    assert.match(forked.stderr, /does not extend the checkpoint of 2 seen before \(a fork or a rewritten history\)/);
  } finally {
    await stopClean(d3);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
