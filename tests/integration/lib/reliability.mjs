// Helpers for the reliability tests (crash, fault, backup, reload): direct SQL on a data
// directory with the sqlite3 CLI, an assessor client, raw sockets, and the candidate-side
// bookkeeping of what was sent and what was acknowledged.
import { spawnSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  Client, cli, uniqueEmail, PASSWORD, UJIKOM_CLI, candidateClient, PG_BASE, databaseOf,
} from './daemon.mjs';

export const DB_NAME = 'ujikom.db';

export function dbPath(dataDir) {
  return path.join(dataDir, DB_NAME);
}

// Bytes a database shell may print for one query. Node's default (1 MiB) kills the shell past
// it and leaves no exit status: evidence_crash reads an upload's stored bytes back as hex,
// which passes 1 MiB when more than 512 KB of one upload was acknowledged before the kill.
const SHELL_OUTPUT_MAX = 256 * 1024 * 1024;

// Runs one SQL statement on the daemon's database (the sqlite3 CLI on the file, or psql on
// its PostgreSQL schema) and returns the rows (objects). Throws on failure. Used while the
// daemon runs too: WAL readers and PostgreSQL's snapshots do not block it.
// Texts per backend when they differ: query may be { sqlite, postgresql }.
export function sql(dataDir, q) {
  const query = typeof q === 'string' ? q : q[PG_BASE ? 'postgresql' : 'sqlite'];
  if (!PG_BASE) return sqlFile(dbPath(dataDir), query);
  const select = /^\s*(SELECT|WITH)\b/i.test(query);
  const text = select ? `SELECT coalesce(json_agg(t), '[]') FROM (${query.replace(/;\s*$/, '')}) t` : query;
  const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', databaseOf(dataDir), '-c', text], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: SHELL_OUTPUT_MAX,
  });
  if (r.status !== 0) throw new Error(`psql failed (${r.status}${r.error ? `, ${r.error.message}` : ''}): ${r.stderr}\n${query}`);
  // SQLite has no booleans (a comparison is 0 or 1): answer as it would.
  return select ? JSON.parse(r.stdout.trim(), (k, v) => (typeof v === 'boolean' ? Number(v) : v)) : [];
}

// The same on a database file named directly (e.g. a backup).
export function sqlFile(file, query) {
  const r = spawnSync('sqlite3', ['-json', '-cmd', '.timeout 5000', file, query], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: SHELL_OUTPUT_MAX,
  });
  if (r.status !== 0) throw new Error(`sqlite3 failed (${r.status}${r.error ? `, ${r.error.message}` : ''}): ${r.stderr}\n${query}`);
  const out = r.stdout.trim();
  return out === '' ? [] : JSON.parse(out);
}

// True when the shell of the pass's database is installed (sqlite3, or psql for PostgreSQL).
export function haveSqliteCli() {
  const r = spawnSync(PG_BASE ? 'psql' : 'sqlite3', [PG_BASE ? '--version' : '-version'], { encoding: 'utf8' });
  return r.status === 0;
}

// Holds the database write lock from a separate process until release() is called: SQLite's
// BEGIN IMMEDIATE in the sqlite3 shell, or the advisory lock every PostgreSQL write
// transaction takes (service/store/store_pg_foundation.c) in psql. Resolves once it is taken.
export async function holdWriteLock(dataDir) {
  const p = PG_BASE
    ? spawn('psql', ['-X', '-q', '-At', '-d', databaseOf(dataDir)], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('sqlite3', [dbPath(dataDir)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (b) => { out += b; });
  p.stderr.on('data', (b) => { out += b; });
  const exited = new Promise((resolve) => p.on('exit', resolve));
  p.stdin.write(PG_BASE
    ? 'BEGIN;\nSELECT pg_advisory_xact_lock(1970170219, hashtext(current_schema()));\nSELECT \'locked\';\n'
    : '.timeout 10000\nBEGIN IMMEDIATE;\nSELECT \'locked\';\n');
  const deadline = Date.now() + 15_000;
  while (!out.includes('locked')) {
    if (Date.now() > deadline || p.exitCode !== null) {
      p.kill('SIGKILL');
      throw new Error(`could not take the write lock: ${out}`);
    }
    await sleep(20);
  }
  return {
    async release() {
      p.stdin.end(PG_BASE ? 'ROLLBACK;\n\\q\n' : 'ROLLBACK;\n.quit\n');
      await exited;
    },
  };
}

// Creates an assessor with the CLI in the daemon's data dir and returns a logged-in Client.
export async function assessorClient(d, name = 'Asesor Uji') {
  const email = uniqueEmail('asesor');
  const r = cli(['admin', 'create', '--email', email, '--name', name, '--role', 'assessor'], {
    input: `${PASSWORD}\n`,
    dataDir: d.dataDir,
  });
  if (r.status !== 0) throw new Error(`assessor create failed: ${r.stderr}`);
  const c = new Client(d.url);
  const l = await c.login(email, PASSWORD);
  if (l.status !== 200) throw new Error(`assessor login failed: ${l.status} ${l.text}`);
  c.email = email;
  return c;
}

// Every item of a candidate form ({units: [{items: [...]}]}) as a flat list.
export function formItems(form) {
  return form.units.flatMap((u) => u.items);
}

// Items whose answer is free text (short / open): a text value can carry a sequence number,
// so the stored value says exactly which save it came from.
export function textItems(form) {
  return formItems(form).filter((it) => it.type === 'short' || it.type === 'open');
}

// A text answer that encodes (client, seq); open items get a longer body so pages fill up.
export function answerText(item, client, seq) {
  const tag = `c${client}-s${seq}`;
  if (item.type === 'short') return tag;
  return `${tag} ${'Tata letak memakai grid dua belas kolom dan hierarki tipografi. '.repeat(8)}`;
}

// The sequence number inside an answer written by answerText, or null.
export function answerSeq(value, client) {
  if (typeof value !== 'string') return null;
  const m = /^c(\d+)-s(\d+)\b/.exec(value);
  if (!m || Number(m[1]) !== client) return null;
  return Number(m[2]);
}

// Per-item record of saves: highest sequence sent, highest acknowledged with 2xx.
export class SaveLog {
  constructor() {
    this.sent = new Map();
    this.acked = new Map();
  }

  send(item, seq) {
    this.sent.set(item, Math.max(this.sent.get(item) ?? 0, seq));
  }

  ack(item, seq) {
    this.acked.set(item, Math.max(this.acked.get(item) ?? 0, seq));
  }

  // Checks a stored sequence number (null when nothing is stored) for one item. Returns an
  // error message, or null when the value is allowed: the last acknowledged save or a later
  // one that was sent without an answer; nothing at all only when nothing was acknowledged.
  check(item, storedSeq) {
    const acked = this.acked.get(item) ?? 0;
    const sent = this.sent.get(item) ?? 0;
    if (storedSeq === null) return acked > 0 ? `${item}: acknowledged s${acked} lost (nothing stored)` : null;
    if (storedSeq < acked) return `${item}: stored s${storedSeq} is older than acknowledged s${acked}`;
    if (storedSeq > sent) return `${item}: stored s${storedSeq} was never sent (last sent s${sent})`;
    return null;
  }
}

// Opens a raw TCP connection; resolves to the socket once connected.
export function connectRaw(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

// Sends one raw HTTP/1.1 request on a new connection and resolves to { status, text }, or
// { error } when the connection fails or closes without a status line.
export function rawRequest(port, request, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (v) => { clearTimeout(t); s.destroy(); resolve(v); };
    const t = setTimeout(() => done({ error: 'timeout', text: buf }), timeoutMs);
    s.on('connect', () => s.write(request));
    s.on('data', (b) => { buf += b.toString('latin1'); });
    s.on('error', (e) => done({ error: e.code || String(e), text: buf }));
    s.on('close', () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf);
      done(m ? { status: Number(m[1]), text: buf } : { error: 'closed', text: buf });
    });
  });
}

// Retries fn until it returns a truthy value or the time runs out; returns the last value.
export async function eventually(fn, timeoutMs = 10_000, stepMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() > deadline) return v;
    await sleep(stepMs);
  }
}

// Runs the CLI without blocking the event loop (so load generated by this process goes on
// meanwhile). Resolves to { status, stdout, stderr }.
export function cliAsync(args, { input = '', dataDir } = {}) {
  const full = dataDir ? [...args, '--data-dir', dataDir] : args;
  return new Promise((resolve) => {
    const p = spawn(UJIKOM_CLI, full, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => { stdout += b; });
    p.stderr.on('data', (b) => { stderr += b; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
    p.stdin.end(input);
  });
}

// An assessor's first-review decision on attempt `id`: claims it, gives every rubric
// criterion full marks and every unit K (with a reason, in case the automatic result
// differs). Returns the decision reply.
export async function decideAllK(asr, id) {
  const cl = await asr.post(`/api/reviews/${id}/claim`, {});
  if (cl.status !== 200) throw new Error(`claim ${id}: ${cl.status} ${cl.text}`);
  const rv = await asr.get(`/api/reviews/${id}`);
  if (rv.status !== 200) throw new Error(`review ${id}: ${rv.status} ${rv.text}`);
  const items = {};
  const units = {};
  for (const u of rv.json.units) {
    units[u.code] = { outcome: 'K', reason: 'Bukti cukup untuk semua KUK unit ini.' };
    for (const it of u.items) {
      if (it.open) items[it.id] = { criteria: Object.fromEntries(it.rubric.map((c) => [c.id, c.max_points])) };
    }
  }
  return asr.post(`/api/reviews/${id}/decision`, { items, units, overall: 'K', feedback: 'Kompeten.' });
}

// A new candidate who takes `exam`, answers its text items, submits, and is decided K by
// `asr`; returns { c, attemptId, serial } with the issued certificate's serial.
export async function certifiedCandidate(d, asr, exam, name = 'Rina Wulandari') {
  const c = await candidateClient(d, name);
  const s = await c.post(`/api/exams/${exam}/attempts`, {});
  if (s.status !== 201) throw new Error(`start: ${s.status} ${s.text}`);
  const id = s.json.id;
  const g = await c.get(`/api/attempts/${id}`);
  for (const it of textItems(g.json.form)) {
    const r = await c.put(`/api/attempts/${id}/answers/${it.id}`, { value: answerText(it, 0, 1) });
    if (r.status !== 200) throw new Error(`save: ${r.status} ${r.text}`);
  }
  const sub = await c.post(`/api/attempts/${id}/submit`, {});
  if (sub.status !== 200) throw new Error(`submit: ${sub.status} ${sub.text}`);
  const dec = await decideAllK(asr, id);
  if (dec.status !== 200) throw new Error(`decide: ${dec.status} ${dec.text}`);
  let serial = dec.json.certificate_serial;
  if (!serial) {
    const iss = await c.post(`/api/attempts/${id}/certificate`, {});
    if (iss.status !== 200 && iss.status !== 201) throw new Error(`issue: ${iss.status} ${iss.text}`);
    serial = iss.json.serial;
  }
  return { c, attemptId: id, serial };
}
