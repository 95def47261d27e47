// Soak load for bench/soak.sh: logs in a pool of candidates once (logins are expensive by
// design), issues a few certificates, then runs a mixed load — answer saves, form loads,
// verification pages, health checks — for the given number of seconds while sampling the
// daemon's resident memory from /proc every 10 s. Prints a table and the start/end RSS.
//
// usage: node bench/soak.mjs BASE_URL PID DATA_DIR SECONDS [WORKERS]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { candidateClient } from '../tests/integration/lib/daemon.mjs';
import { assessorClient, certifiedCandidate, textItems, answerText } from '../tests/integration/lib/reliability.mjs';

const [base, pidArg, dataDir, secondsArg, workersArg] = process.argv.slice(2);
if (!base || !pidArg || !dataDir || !secondsArg) {
  console.error('usage: node bench/soak.mjs BASE_URL PID DATA_DIR SECONDS [WORKERS]');
  process.exit(2);
}
const pid = Number(pidArg);
const seconds = Number(secondsArg);
const workers = Number(workersArg || 8);
const EXAM = 'DKV-DGM-JR';
const POOL = 16;
const CERTS = 3;

function rssKb() {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

// Open descriptors of the daemon (a leak shows as steady growth) and the WAL size (a
// checkpoint starved by readers shows as steady growth too).
function fdCount() {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
function walKb() {
  try {
    return statSync(path.join(dataDir, 'ujikom.db-wal')).size / 1024;
  } catch {
    return 0;
  }
}

const d = { url: base, dataDir };
const t0 = Date.now();
console.error(`soak: logging in ${POOL} candidates and issuing ${CERTS} certificates...`);
const asr = await assessorClient(d);
const serials = [];
for (let i = 0; i < CERTS; i++) serials.push((await certifiedCandidate(d, asr, EXAM, `Pemegang Sertifikat ${i}`)).serial);
const pool = [];
for (let i = 0; i < POOL; i++) {
  const c = await candidateClient(d, `Peserta Soak ${i}`);
  const s = await c.post(`/api/exams/${EXAM}/attempts`, {});
  if (s.status !== 201 && s.status !== 200) throw new Error(`start: ${s.status} ${s.text}`);
  const g = await c.get(`/api/attempts/${s.json.id}`);
  pool.push({ c, id: s.json.id, items: textItems(g.json.form), seq: 0 });
}
console.error(`soak: set-up took ${((Date.now() - t0) / 1000).toFixed(1)} s; running ${seconds} s with ${workers} workers`);

const counts = { save: 0, form: 0, verify: 0, healthz: 0, errors: 0 };
const errorSamples = [];
const ops = [
  [0.5, 'save', async (p) => {
    const it = p.items[p.seq % p.items.length];
    p.seq += 1;
    return p.c.put(`/api/attempts/${p.id}/answers/${it.id}`, { value: answerText(it, 1, p.seq) });
  }],
  [0.25, 'form', (p) => p.c.get(`/api/attempts/${p.id}`)],
  [0.15, 'verify', (p) => p.c.get(`/verify?serial=${serials[p.seq % serials.length]}`)],
  [0.10, 'healthz', (p) => p.c.get('/healthz')],
];
function pick() {
  let x = Math.random();
  for (const op of ops) {
    if (x < op[0]) return op;
    x -= op[0];
  }
  return ops[ops.length - 1];
}

const end = Date.now() + seconds * 1000;
let running = true;
async function worker(w) {
  let k = w;
  while (running && Date.now() < end) {
    const p = pool[k++ % pool.length];
    const [, name, fn] = pick();
    try {
      const r = await fn(p);
      if (r.status >= 400) {
        counts.errors += 1;
        if (errorSamples.length < 5) errorSamples.push(`${name}: ${r.status} ${r.text.slice(0, 120)}`);
      } else {
        counts[name] += 1;
      }
    } catch (e) {
      counts.errors += 1;
      if (errorSamples.length < 5) errorSamples.push(`${name}: ${e.message}`);
    }
  }
}

const samples = [];
const start = Date.now();
const total = () => counts.save + counts.form + counts.verify + counts.healthz;
const sample = () => samples.push({
  t: (Date.now() - start) / 1000, rss: rssKb(), fds: fdCount(), wal: walKb(), done: total(), errors: counts.errors,
});
sample();
const running$ = Array.from({ length: workers }, (_, w) => worker(w));
while (Date.now() < end) {
  await sleep(Math.min(10_000, Math.max(0, end - Date.now())));
  sample();
}
running = false;
await Promise.all(running$);

console.log('| t (s) | RSS (MiB) | fds | WAL (KiB) | requests | req/s (interval) | errors |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (let i = 0; i < samples.length; i++) {
  const s = samples[i];
  const prev = samples[i - 1];
  const rate = prev ? ((s.done - prev.done) / (s.t - prev.t)).toFixed(0) : '';
  console.log(`| ${s.t.toFixed(0)} | ${(s.rss / 1024).toFixed(1)} | ${s.fds} | ${s.wal.toFixed(0)} | ${s.done} | ${rate} | ${s.errors} |`);
}
const first = samples[0].rss;
const last = samples[samples.length - 1].rss;
console.log(`\nrequests: ${JSON.stringify(counts)}`);
console.log(`RSS start ${(first / 1024).toFixed(1)} MiB, end ${(last / 1024).toFixed(1)} MiB, ` +
  `change ${((last - first) / 1024).toFixed(1)} MiB (${(((last - first) / first) * 100).toFixed(1)} %)`);
// Growth after the first minute (warm-up: caches, thread stacks, SQLite page cache).
const warm = samples.find((s) => s.t >= 60) || samples[0];
console.log(`RSS after warm-up (t=${warm.t.toFixed(0)} s) ${(warm.rss / 1024).toFixed(1)} MiB -> end ${(last / 1024).toFixed(1)} MiB`);
if (errorSamples.length) console.log(`error samples:\n  ${errorSamples.join('\n  ')}`);
process.exit(counts.errors > total() / 100 ? 1 : 0);
