// Test harness: starts the real ujikomd on a free loopback port with a temporary data
// directory, talks HTTP to it, and runs the ujikom CLI. Used by every integration and
// browser test.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SOURCE_DIR = process.env.UJIKOM_SOURCE_DIR || path.resolve('.');
export const UJIKOMD = process.env.UJIKOMD || path.join(SOURCE_DIR, 'build/asan/ujikomd');
export const UJIKOM_CLI = process.env.UJIKOM_CLI || path.join(SOURCE_DIR, 'build/asan/ujikom');
export const EXAMS_DIR = path.join(SOURCE_DIR, 'exams');
export const ARTIFACTS = process.env.UJIKOM_ARTIFACTS || path.join(SOURCE_DIR, 'tests/artifacts');

// Temporary directories of this test process, removed when it exits, whether or not each
// test cleaned up after itself (a failed assertion skips a test's own clean-up). Set
// UJIKOM_KEEP_TMP=1 to keep them for a look after a failure.
const madeDirs = [];
process.on('exit', () => {
  if (process.env.UJIKOM_KEEP_TMP === '1') return;
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export function tmpDir(prefix = 'ujikom-test-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

// The database backend of this pass: SQLite (the data directory's file, the default) or,
// when UJIKOM_TEST_DATABASE holds a PostgreSQL URI (the ctest pass labelled pg, on a
// throwaway cluster of scripts/pg-cluster.sh), a schema of that database per data
// directory, made when a daemon first starts on it and dropped by d.cleanup().
export const PG_BASE = /^postgresql:\/\//.test(process.env.UJIKOM_TEST_DATABASE || '')
  ? process.env.UJIKOM_TEST_DATABASE : null;
export const BACKEND = PG_BASE ? 'postgresql' : 'sqlite';

function pgSchema(dataDir) {
  return 'd_' + createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
}

function psql(uri, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-F', '|', '-d', uri, '-c', sql],
    { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

// The --database of the daemon on dataDir: its schema's URI, or null for SQLite (the
// daemon then uses the data directory's file).
export function databaseOf(dataDir) {
  if (!PG_BASE) return null;
  const schema = pgSchema(dataDir);
  return `${PG_BASE}${PG_BASE.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
}

function pgPrepare(dataDir) {
  const r = psql(PG_BASE, `CREATE SCHEMA IF NOT EXISTS ${pgSchema(dataDir)}`);
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
}

// Makes the database of dataDir ready for the CLI before any daemon ran on it (PostgreSQL:
// its schema; nothing for SQLite, whose file the CLI creates).
export function prepareDatabase(dataDir) {
  if (PG_BASE) pgPrepare(dataDir);
}

// Drops the schema of dataDir (PostgreSQL); nothing for SQLite (the file goes with the dir).
export function dropDatabase(dataDir) {
  if (PG_BASE) psql(PG_BASE, `DROP SCHEMA IF EXISTS ${pgSchema(dataDir)} CASCADE`);
}

// Runs SQL on the database of dataDir beside the daemon, as an operator (or an attacker with
// access to the database) would: the sqlite3 shell on the file, or psql on the schema.
// Texts per backend when they differ: sql may be { sqlite, postgresql }. Rows come back as
// lines, columns separated by '|' (both shells' default). { status, stdout, stderr }.
export function dbExec(dataDir, sql) {
  const text = typeof sql === 'string' ? sql : sql[BACKEND];
  if (PG_BASE) return psql(databaseOf(dataDir), text);
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', path.join(dataDir, 'ujikom.db'), text],
    { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

// Moves attempt id's deadline to ms (and its start back to ms when it started later), as a
// test staging a deadline does, on the pass's backend. Throws when the SQL fails.
export function setAttemptDeadline(dataDir, id, ms) {
  const at = Math.round(ms);
  const r = dbExec(dataDir, `UPDATE attempts SET started_at = CASE WHEN started_at < ${at} THEN started_at ELSE ${at} END, ` +
    `deadline_at = ${at} WHERE id = ${Number(id)}`);
  if (r.status !== 0) throw new Error(`moving the deadline of attempt ${id}: ${r.stderr}`);
}

// The scrypt cost (log2 N) of the accounts tests make, by the daemon or the CLI.
export const TEST_KDF_LOG2N = 12;

// Runs the CLI synchronously. `input` is written to its stdin (e.g. a password).
export function cli(args, { input = '', env = {}, dataDir } = {}) {
  const full = dataDir ? [...args, '--data-dir', dataDir] : args;
  const db = dataDir ? databaseOf(dataDir) : null;
  const r = spawnSync(UJIKOM_CLI, full, {
    input,
    // Accounts the CLI makes (admin create) hash at the daemons' test cost: at the CLI's
    // default (production's N = 2^15) each staff account cost ~0.25 s of CPU to make and
    // again at every log-in (the integration label's CLI: 25-29 s of CPU, 11 s at 2^12).
    env: {
      UJIKOM_KDF_LOG2N: String(TEST_KDF_LOG2N), ...process.env,
      ...(db ? { UJIKOM_DATABASE: db } : {}), ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A TCP port free on the loopback address a moment ago.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Starts ujikomd. Resolves once it is listening; `d.url` is its base URL.
// Options: dataDir (default: new temp dir), examsDir, args (extra flags), env.
export async function startDaemon(opts = {}) {
  // Browsers' requests carry Origin, which must be --public-url's: unless a test sets its
  // own, the daemon listens on a free port chosen here and that is its public URL.
  const own = (opts.args || []).some((a) => a === '--listen' || a === '--public-url');
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDaemonOn(opts, own ? 0 : await freePort(), own);
    } catch (e) {
      // another process took the port between freePort() and the daemon's bind
      if (own || attempt >= 3 || !/cannot listen/.test(String(e.message))) throw e;
    }
  }
}

async function startDaemonOn(opts, port0, own) {
  const dataDir = opts.dataDir || tmpDir();
  const examsDir = opts.examsDir || EXAMS_DIR;
  const portFile = path.join(dataDir, `port-${process.pid}-${Date.now()}`);
  const own_db = (opts.args || []).includes('--database');
  if (PG_BASE && !own_db) pgPrepare(dataDir);
  const args = [
    ...(PG_BASE && !own_db ? ['--database', databaseOf(dataDir)] : []),
    '--listen', `127.0.0.1:${port0}`,
    ...(own ? [] : ['--public-url', `http://127.0.0.1:${port0}`]),
    '--data-dir', dataDir,
    '--exams-dir', examsDir,
    '--port-file', portFile,
    '--log-level', opts.logLevel || 'warn',
    // Tests read the log while the daemon runs (a line that must or must not be there): every
    // line is written as it is made. The gathered default has its own test (foundation).
    // logFlushMs: null keeps the daemon's default.
    ...(opts.logFlushMs === null ? [] : ['--log-flush-ms', String(opts.logFlushMs ?? 0)]),
    // Cheaper password hashing keeps test suites quick; production cost is tested apart.
    '--kdf-log2n', String(opts.kdfLog2n || TEST_KDF_LOG2N),
    ...(opts.args || []),
  ];
  const proc = spawn(UJIKOMD, args, {
    env: { ...process.env, ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (b) => { output += b; });
  proc.stderr.on('data', (b) => { output += b; });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(portFile)) {
    if (exited) throw new Error(`ujikomd exited early (${JSON.stringify(exited)}):\n${output}`);
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`ujikomd did not start:\n${output}`); }
    await sleep(25);
  }
  const port = Number(readFileSync(portFile, 'utf8').trim());
  const d = {
    proc, port, dataDir, examsDir,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited: () => exited,
    // Stops with SIGTERM (or the given signal) and resolves to { code, signal }.
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (exited) return exited;
      proc.kill(signal);
      // A cleared timer, not sleep(): a pending 20 s timer kept every test file alive 20 s.
      let timer;
      const t = new Promise((resolve) => {
        timer = setTimeout(() => { proc.kill('SIGKILL'); resolve({ code: null, signal: 'timeout' }); }, timeoutMs);
      });
      const r = await Promise.race([exitPromise, t]);
      clearTimeout(timer);
      return r;
    },
    cleanup() {
      if (!opts.dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        dropDatabase(dataDir);
      }
    },
  };
  return d;
}

// A cookie-keeping HTTP client bound to one daemon, like one browser; `headers` go with
// every request (a browser's User-Agent, say) unless the request sets them itself.
export class Client {
  constructor(base, { headers = {} } = {}) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
    this.headers = headers;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  // Sends a request; `body` objects are sent as JSON. Returns { status, headers, text, json }.
  async req(method, p, body, { headers = {}, raw = false } = {}) {
    const h = { ...this.headers, ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (this.csrf && method !== 'GET' && method !== 'HEAD' && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (body !== undefined && body !== null) {
      if (raw || typeof body === 'string' || body instanceof Uint8Array) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
        h['Content-Type'] = 'application/json';
      }
    }
    const res = await fetch(this.base + p, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie ? res.headers.getSetCookie() : []) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name); else this.cookies.set(name, value);
    }
    const buf = Buffer.from(await res.arrayBuffer());
    const text = buf.toString('utf8');
    let json = null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { json = JSON.parse(text); } catch { json = null; }
    }
    return { status: res.status, headers: res.headers, text, json, body: buf };
  }

  get(p, opts) { return this.req('GET', p, undefined, opts); }
  post(p, body, opts) { return this.req('POST', p, body ?? {}, opts); }
  put(p, body, opts) { return this.req('PUT', p, body ?? {}, opts); }
  del(p, opts) { return this.req('DELETE', p, undefined, opts); }

  // Registers a candidate account (POST /api/auth/register).
  async register(name, email, password) {
    return this.post('/api/auth/register', { name, email, password });
  }

  // Logs in and keeps the session cookie and CSRF token.
  async login(email, password) {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status === 200 && r.json && r.json.csrf) this.csrf = r.json.csrf;
    return r;
  }
}

let counter = 0;
// A fresh, unique e-mail address for a test account.
export function uniqueEmail(tag = 'u') {
  counter += 1;
  return `${tag}${process.pid}x${Date.now()}x${counter}@contoh.test`;
}

export const PASSWORD = 'Kopi-Tubruk-2026!';

// Creates an admin with the CLI (password on stdin) in the daemon's data dir and returns
// a logged-in Client.
export async function adminClient(d, { email = uniqueEmail('admin'), name = 'Admin Uji' } = {}) {
  const r = cli(['admin', 'create', '--email', email, '--name', name, '--role', 'admin'], {
    input: `${PASSWORD}\n`,
    dataDir: d.dataDir,
  });
  if (r.status !== 0) throw new Error(`admin create failed: ${r.stderr}`);
  const c = new Client(d.url);
  const l = await c.login(email, PASSWORD);
  if (l.status !== 200) throw new Error(`admin login failed: ${l.status} ${l.text}`);
  c.email = email;
  return c;
}

// Registers and logs in a new candidate; returns the Client.
export async function candidateClient(d, name = 'Siti Rahayu') {
  const c = new Client(d.url);
  const email = uniqueEmail('cand');
  const r = await c.register(name, email, PASSWORD);
  if (r.status !== 201 && r.status !== 200) throw new Error(`register failed: ${r.status} ${r.text}`);
  const l = await c.login(email, PASSWORD);
  if (l.status !== 200) throw new Error(`login failed: ${l.status} ${l.text}`);
  c.email = email;
  c.user = l.json && l.json.user;
  return c;
}

// Stops the daemon with SIGTERM and asserts a clean exit: status 0 and no sanitizer report
// (LeakSanitizer makes an ASan build exit non-zero on leaks; UBSan prints 'runtime error').
export async function stopClean(d, timeoutMs = 20_000) {
  const { default: assert } = await import('node:assert/strict');
  const r = await stopWith(d, 'SIGTERM', timeoutMs);
  const out = d.output();
  assert.ok(!/LeakSanitizer/.test(out), `LeakSanitizer report in daemon output:\n${out.slice(-4000)}`);
  assert.ok(!/runtime error/.test(out), `UBSan runtime error in daemon output:\n${out.slice(-4000)}`);
  assert.ok(!/AddressSanitizer/.test(out), `AddressSanitizer report in daemon output:\n${out.slice(-4000)}`);
  assert.deepEqual(r, { code: 0, signal: null }, `ujikomd did not exit cleanly:\n${out.slice(-4000)}`);
  return r;
}

// Runs fn(d) against a daemon started with opts, then stops it (asserting a clean exit as
// stopClean does) and removes its data directory.
export async function withDaemon(opts, fn) {
  const d = await startDaemon(opts);
  try {
    await fn(d);
  } finally {
    await stopClean(d);
    d.cleanup();
  }
}

// Sends `signal` and resolves to { code, signal } once the daemon exits (SIGKILL after
// timeoutMs). Unlike d.stop(), leaves no timer behind to keep the test process alive.
export async function stopWith(d, signal = 'SIGTERM', timeoutMs = 20_000) {
  if (d.exited()) return d.exited();
  const exited = new Promise((resolve) => d.proc.once('exit', (code, sig) => resolve({ code, signal: sig })));
  d.proc.kill(signal);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => { d.proc.kill('SIGKILL'); resolve({ code: null, signal: 'timeout' }); }, timeoutMs);
  });
  const r = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  return r;
}
